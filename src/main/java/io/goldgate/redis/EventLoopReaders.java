package io.goldgate.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One binary Redis connection per HTTP event loop, running on that event loop. A lookup issued on
 * an event loop goes out, comes back and is answered on the same thread: no hand-over to a Lettuce
 * I/O thread and back, which was two of the four thread wake-ups of every online lookup.
 *
 * <p>Each connection has a client of its own that is lent just its loop, so that a reconnect (after
 * Redis restarts, say) comes back on the same loop: with one client lent the whole group, Netty
 * placed a reconnected channel on whichever loop came next.
 *
 * <p>Only non-blocking reads may use these connections: waiting for one of them on its own event
 * loop would wait forever.
 */
final class EventLoopReaders implements AutoCloseable {

  /** Shared by the per-loop clients' resources, shut down after them. */
  private final ClientResources shared;
  private final List<Reader> readers;

  /** A loop's client, its resources (sharing {@link #shared}) and its connection. */
  private record Reader(EventLoop loop, RedisClient client, ClientResources resources, StatefulRedisConnection<byte[], byte[]> connection) {
    void close() {
      if (connection != null) {
        connection.close();
      }
      client.shutdown(0, 2, TimeUnit.SECONDS);
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  private EventLoopReaders(ClientResources shared, List<Reader> readers) {
    this.shared = shared;
    this.readers = readers;
  }

  /**
   * Connects once per event loop of {@code group}. Blocks, so never call it on one of those loops.
   */
  static EventLoopReaders connect(EventLoopGroup group, RedisURI uri, ClientOptions options) {
    ClientResources shared = RedisConnection.resources().build();
    List<Reader> readers = new ArrayList<>();
    try {
      for (EventExecutor executor : group) {
        EventLoop loop = (EventLoop) executor;
        ClientResources resources = shared.mutate().eventLoopGroupProvider(new Borrowed(loop)).build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(options);
        try {
          readers.add(new Reader(loop, client, resources, client.connect(ByteArrayCodec.INSTANCE)));
        } catch (RuntimeException e) {
          new Reader(loop, client, resources, null).close();
          throw e;
        }
      }
    } catch (RuntimeException e) {
      readers.forEach(Reader::close);
      shared.shutdown(0, 2, TimeUnit.SECONDS);
      throw e;
    }
    return new EventLoopReaders(shared, List.copyOf(readers));
  }

  /** The connection served by the calling thread's event loop, or null off those loops. */
  StatefulRedisConnection<byte[], byte[]> forCurrentThread() {
    for (Reader reader : readers) {
      if (reader.loop().inEventLoop()) {
        return reader.connection();
      }
    }
    return null;
  }

  @Override
  public void close() {
    readers.forEach(Reader::close);
    shared.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /**
   * Lends Lettuce one event loop as its whole group: every channel of the client, reconnects
   * included, registers on it. Lettuce must not shut it down: the HTTP server owns it.
   */
  private record Borrowed(EventLoop loop) implements EventLoopGroupProvider {
    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
      if (!type.isInstance(loop.parent())) {
        throw new IllegalStateException("Lettuce wants a " + type.getName() + ", the HTTP event loops are a " + loop.parent().getClass().getName());
      }
      return (T) loop;
    }

    @Override
    public int threadPoolSize() {
      return 1;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout, TimeUnit unit) {
      return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
      return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }
  }
}
