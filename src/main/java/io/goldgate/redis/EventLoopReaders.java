package io.goldgate.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One binary Redis connection per HTTP event loop, running on that event loop. A lookup issued on
 * an event loop goes out, comes back and is answered on the same thread: no hand-over to a Lettuce
 * I/O thread and back, which was two of the four thread wake-ups of every online lookup.
 *
 * <p>Only non-blocking reads may use these connections: waiting for one of them on its own event
 * loop would wait forever.
 */
final class EventLoopReaders implements AutoCloseable {

  private final RedisClient client;
  private final ClientResources resources;
  private final EventLoop[] loops;
  private final List<StatefulRedisConnection<byte[], byte[]>> connections;

  private EventLoopReaders(RedisClient client, ClientResources resources, Map<EventLoop, StatefulRedisConnection<byte[], byte[]>> byLoop) {
    this.client = client;
    this.resources = resources;
    this.loops = byLoop.keySet().toArray(EventLoop[]::new);
    this.connections = List.copyOf(byLoop.values());
  }

  /**
   * Connects once per event loop of {@code group}. Blocks, so never call it on one of those loops.
   */
  static EventLoopReaders connect(EventLoopGroup group, RedisURI uri, ClientOptions options) {
    int size = 0;
    for (EventExecutor ignored : group) {
      size++;
    }
    Channel[] lastChannel = new Channel[1];
    ClientResources resources = RedisConnection.resources()
        .eventLoopGroupProvider(new Borrowed(group, size))
        .nettyCustomizer(new NettyCustomizer() {
          @Override
          public void afterChannelInitialized(Channel channel) {
            synchronized (lastChannel) {
              lastChannel[0] = channel;
            }
          }
        })
        .build();
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(options);
    Map<EventLoop, StatefulRedisConnection<byte[], byte[]>> byLoop = new LinkedHashMap<>();
    List<StatefulRedisConnection<byte[], byte[]>> spare = new ArrayList<>();
    try {
      // Netty hands out its loops in turn, so this takes `size` connects. Should a reconnect land in
      // between, a connection may be filed under the wrong loop: lookups on it still work, with a hop.
      for (int attempt = 0; attempt < size * 3 && byLoop.size() < size; attempt++) {
        StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
        EventLoop loop;
        synchronized (lastChannel) {
          loop = lastChannel[0].eventLoop();
        }
        if (byLoop.putIfAbsent(loop, connection) != null) {
          spare.add(connection);
        }
      }
    } catch (RuntimeException e) {
      byLoop.values().forEach(StatefulRedisConnection::close);
      spare.forEach(StatefulRedisConnection::close);
      client.shutdown();
      resources.shutdown();
      throw e;
    }
    spare.forEach(StatefulRedisConnection::close);
    return new EventLoopReaders(client, resources, byLoop);
  }

  /** The connection served by the calling thread's event loop, or null off those loops. */
  StatefulRedisConnection<byte[], byte[]> forCurrentThread() {
    for (int i = 0; i < loops.length; i++) {
      if (loops[i].inEventLoop()) {
        return connections.get(i);
      }
    }
    return null;
  }

  @Override
  public void close() {
    connections.forEach(StatefulRedisConnection::close);
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /** Lends Lettuce an event loop group it must not shut down: the HTTP server owns it. */
  private record Borrowed(EventLoopGroup group, int size) implements EventLoopGroupProvider {
    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
      if (!type.isInstance(group)) {
        throw new IllegalStateException("Lettuce wants a " + type.getName() + ", the HTTP event loops are a " + group.getClass().getName());
      }
      return (T) group;
    }

    @Override
    public int threadPoolSize() {
      return size;
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
