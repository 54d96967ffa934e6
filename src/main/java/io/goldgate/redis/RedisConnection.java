package io.goldgate.redis;

import io.goldgate.config.GoldgateConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one Redis (standalone or cluster) that every part of the gateway shares: the online store,
 * recipients, audit. Configured by {@code goldgate.redis.*}; absent means embedded mode.
 *
 * <p>Connects on first use, so the gateway starts while Redis is down and answers 503 until it is
 * back; Lettuce reconnects by itself. Commands sent while disconnected fail at once instead of
 * queueing, so no request ever hangs on a dead Redis.
 */
@ApplicationScoped
public class RedisConnection {

  private static final Duration MIN_HANDSHAKE = Duration.ofSeconds(3);
  private static final long DEADLINE_TICK_MILLIS = 10;

  /** Failed Redis calls, by why: {@code timeout}, {@code unreachable} or {@code error} (an error reply). */
  public static final String ERRORS = "goldgate.redis.errors";

  private final RedisURI uri;
  private final boolean cluster;
  private final Duration timeout;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private volatile Object client;
  private ClientResources clientResources;
  private volatile RedisClusterAsyncCommands<byte[], byte[]> bytes;
  private volatile StatefulConnection<byte[], byte[]> bytesConnection;
  private volatile RedisClusterAsyncCommands<String, String> strings;
  /** The HTTP server's event loops, when there is one: lookups read Redis on them. */
  private EventLoopGroup httpEventLoops;
  private volatile EventLoopReaders readers;
  private final AtomicBoolean connectingReaders = new AtomicBoolean();
  private volatile long readersRetryAt;
  private boolean closed;
  private final Counter timeouts;
  private final Counter unreachable;
  private final Counter errorReplies;
  /**
   * Deadlines of asynchronous calls. A hashed wheel costs a queue insert per call; the JDK's
   * {@code orTimeout} woke a scheduler thread for every lookup, two context switches that showed
   * up in the lookup latency tail on two cores.
   */
  private final HashedWheelTimer deadlines = new HashedWheelTimer(runnable -> {
    Thread thread = new Thread(runnable, "goldgate-redis-deadlines");
    thread.setDaemon(true);
    return thread;
  }, DEADLINE_TICK_MILLIS, TimeUnit.MILLISECONDS, 512);

  @jakarta.inject.Inject
  public RedisConnection(GoldgateConfig config, MeterRegistry meters, Vertx vertx) {
    this(config.redis().url().filter(u -> !u.isBlank()).orElse(null), config.redis().cluster(), config.redis().timeout(), meters);
    this.httpEventLoops = vertx.nettyEventLoopGroup();
  }

  /** Without metrics (errors are counted nowhere). */
  public RedisConnection(String url, boolean cluster, Duration timeout) {
    this(url, cluster, timeout, new CompositeMeterRegistry());
  }

  public RedisConnection(String url, boolean cluster, Duration timeout, MeterRegistry meters) {
    this.uri = url == null ? null : RedisURI.create(url);
    if (uri != null) {
      // Lettuce's own command timeout also bounds the connection handshake, which can take far
      // longer than one lookup's budget on a cold JVM; every caller enforces its own deadline.
      uri.setTimeout(timeout.compareTo(MIN_HANDSHAKE) < 0 ? MIN_HANDSHAKE : timeout);
    }
    this.cluster = cluster;
    this.timeout = timeout;
    this.timeouts = errorCounter(meters, "timeout");
    this.unreachable = errorCounter(meters, "unreachable");
    this.errorReplies = errorCounter(meters, "error");
  }

  private static Counter errorCounter(MeterRegistry meters, String kind) {
    return Counter.builder(ERRORS)
        .description("Redis calls that failed: no answer within goldgate.redis.timeout, no connection, or an error reply")
        .tag("kind", kind)
        .register(meters);
  }

  /**
   * Turns the failure of a command (awaited, or a batch completed asynchronously) into the
   * exception callers map to 503, and counts it by kind.
   */
  public RedisUnavailableException failure(Throwable cause) {
    if (cause instanceof TimeoutException) {
      timeouts.increment();
      return new RedisUnavailableException("Redis did not answer within " + timeout.toMillis() + " ms", cause);
    }
    if (cause instanceof RedisUnavailableException unavailable) {
      unreachable.increment();
      return unavailable;
    }
    (cause instanceof RedisCommandExecutionException ? errorReplies : unreachable).increment();
    return new RedisUnavailableException("Redis failed: " + cause.getMessage(), cause);
  }

  /** Whether a Redis is configured at all; when not, callers use their embedded fallback. */
  public boolean configured() {
    return uri != null;
  }

  /** The configured per-request timeout ({@code goldgate.redis.timeout}). */
  public Duration timeout() {
    return timeout;
  }

  /** Whether {@code goldgate.redis.url} names a seed node of a Redis Cluster. */
  public boolean cluster() {
    return cluster;
  }

  /** Where Redis is, without credentials, for logs and health. */
  public String description() {
    return uri == null ? "no Redis" : (cluster ? "Redis Cluster at " : "Redis at ") + uri.getHost() + ":" + uri.getPort();
  }

  /** Commands with binary keys and values (the Feast layout). */
  public RedisClusterAsyncCommands<byte[], byte[]> bytes() {
    RedisClusterAsyncCommands<byte[], byte[]> c = bytes;
    if (c == null) {
      synchronized (this) {
        if (bytes == null) {
          bytesConnection = connection(ByteArrayCodec.INSTANCE);
          bytes = asyncOf(bytesConnection);
        }
        c = bytes;
      }
    }
    return c;
  }

  /**
   * The binary connection itself, to write many commands in one flush ({@link
   * StatefulConnection#dispatch(java.util.Collection)}); a cluster connection routes each by slot.
   */
  public StatefulConnection<byte[], byte[]> bytesConnection() {
    bytes();
    return bytesConnection;
  }

  /**
   * The binary connection for a lookup that never waits: on an HTTP event loop, the connection
   * served by that loop (see {@link EventLoopReaders}); elsewhere, or while those connect, the
   * shared one. Only standalone Redis: a cluster connection spans several nodes and threads.
   */
  public StatefulConnection<byte[], byte[]> nonBlockingReadConnection() {
    EventLoopReaders current = readers;
    if (current != null) {
      StatefulConnection<byte[], byte[]> own = current.forCurrentThread();
      if (own != null) {
        return own;
      }
    } else {
      connectReadersSoon();
    }
    return bytesConnection();
  }

  private void connectReadersSoon() {
    if (uri == null || cluster || httpEventLoops == null || System.nanoTime() < readersRetryAt || !connectingReaders.compareAndSet(false, true)) {
      return;
    }
    // Connecting blocks, and must not run on the event loops it connects on.
    Thread.ofVirtual().name("goldgate-redis-readers").start(() -> {
      try {
        EventLoopReaders connected = EventLoopReaders.connect(httpEventLoops, uri, withCommonOptions(ClientOptions.builder()).build());
        synchronized (this) {
          if (closed) {
            connected.close();
          } else {
            readers = connected;
          }
        }
      } catch (RuntimeException e) {
        readersRetryAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      } finally {
        connectingReaders.set(false);
      }
    });
  }

  /**
   * One hash tag (such as {@code {7}}) per master of a Redis Cluster, so that a key carrying it
   * lives on that master: a key written under each tag tells whether any master came back empty
   * (a master restarted without persistence loses its share of the keys, not all of them). For
   * standalone Redis, the one empty tag.
   */
  public List<String> nodeTags() {
    if (!cluster) {
      return List.of("");
    }
    bytes();
    var partitions = ((StatefulRedisClusterConnection<byte[], byte[]>) bytesConnection).getPartitions();
    List<String> tags = new ArrayList<>();
    for (var node : partitions) {
      if (!node.is(RedisClusterNode.NodeFlag.UPSTREAM) || node.getSlots().isEmpty()) {
        continue;
      }
      // The smallest number whose slot the master serves: a deterministic tag while slots stay put.
      for (int i = 0; i < 1_000_000; i++) {
        if (node.hasSlot(SlotHash.getSlot(Integer.toString(i)))) {
          tags.add("{" + i + "}");
          break;
        }
      }
    }
    tags.sort(null);
    return tags;
  }

  /** Commands with UTF-8 string keys and values (gateway state). */
  public RedisClusterAsyncCommands<String, String> strings() {
    RedisClusterAsyncCommands<String, String> c = strings;
    if (c == null) {
      synchronized (this) {
        if (strings == null) {
          strings = asyncOf(connection(StringCodec.UTF8));
        }
        c = strings;
      }
    }
    return c;
  }

  /** A dead or unreachable host costs a lookup at most about the configured timeout. */
  private io.lettuce.core.SocketOptions socketOptions() {
    return io.lettuce.core.SocketOptions.builder().connectTimeout(timeout.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : timeout).build();
  }

  /** Opens the binary connection in the background, so the first lookup does not pay for it. */
  public void connectSoon() {
    if (uri != null) {
      connectReadersSoon();
      Thread.ofVirtual().name("goldgate-redis-connect").start(() -> {
        try {
          bytes();
        } catch (RedisUnavailableException e) {
          // the first request retries and answers 503 while Redis is away
        }
      });
    }
  }

  @SuppressWarnings("unchecked")
  private static <K, V> RedisClusterAsyncCommands<K, V> asyncOf(StatefulConnection<K, V> connection) {
    return connection instanceof StatefulRedisClusterConnection<K, V> cluster
        ? cluster.async()
        : ((StatefulRedisConnection<K, V>) connection).async();
  }

  /**
   * Lettuce's resources without its per-command latency statistics: nothing reads them, and with
   * LatencyUtils on the class path (Micrometer brings it) they cost every command a histogram
   * update and start pause-detector threads that wake every few milliseconds.
   */
  static ClientResources.Builder resources() {
    return DefaultClientResources.builder().commandLatencyRecorder(CommandLatencyRecorder.disabled());
  }

  /** The resources of the shared client, shut down after it (last in {@link #close()}). */
  private ClientResources clientResources() {
    if (clientResources == null) {
      clientResources = resources().build();
    }
    return clientResources;
  }

  /**
   * RESP2, bounded connects, commands refused at once (not queued) while disconnected, and no
   * Lettuce deadline per command: every caller here bounds its own wait ({@link #withinTimeout},
   * {@link #await}). Lettuce's deadlines sit on a timer with a 100 ms tick that holds each
   * command, and so its decoded reply, until a tick after it completes: at 1,000 lookups/s of
   * 100 entities that kept ~15 MB of replies alive through every young collection, and copying
   * them made the pauses.
   */
  private <B extends ClientOptions.Builder> B withCommonOptions(B builder) {
    builder.protocolVersion(ProtocolVersion.RESP2)
        .socketOptions(socketOptions())
        .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    return builder;
  }

  private <K, V> StatefulConnection<K, V> connection(RedisCodec<K, V> codec) {
    if (uri == null) {
      throw new RedisUnavailableException("No Redis is configured (goldgate.redis.url)", null);
    }
    try {
      // RESP2 keeps replies flat arrays (HGETALL included), which the batched reads parse directly.
      if (cluster) {
        RedisClusterClient created = (RedisClusterClient) client;
        if (created == null) {
          created = RedisClusterClient.create(clientResources(), uri);
          created.setOptions(withCommonOptions(ClusterClientOptions.builder()).build());
          client = created;
          closeables.add(created::shutdown);
        }
        StatefulRedisClusterConnection<K, V> connection = created.connect(codec);
        closeables.add(0, connection);
        return connection;
      }
      RedisClient created = (RedisClient) client;
      if (created == null) {
        created = RedisClient.create(clientResources(), uri);
        created.setOptions(withCommonOptions(ClientOptions.builder()).build());
        client = created;
        closeables.add(created::shutdown);
      }
      StatefulRedisConnection<K, V> connection = created.connect(codec);
      closeables.add(0, connection);
      return connection;
    } catch (RuntimeException e) {
      unreachable.increment();
      throw new RedisUnavailableException("Redis is unreachable: " + e.getMessage(), e);
    }
  }

  /**
   * Fails {@code future} with a {@link TimeoutException} unless it completes within the configured
   * timeout (give or take {@value #DEADLINE_TICK_MILLIS} ms), without blocking anything.
   */
  public <T> CompletableFuture<T> withinTimeout(CompletableFuture<T> future) {
    if (!future.isDone()) {
      Timeout deadline = deadlines.newTimeout(expired -> future.completeExceptionally(new TimeoutException()), timeout.toMillis(), TimeUnit.MILLISECONDS);
      future.whenComplete((result, failure) -> deadline.cancel());
    }
    return future;
  }

  /** Waits for a reply until {@code deadline} (a {@link System#nanoTime()} value). */
  public <T> T await(RedisFuture<T> future, long deadline) {
    try {
      return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw failure(e);
    } catch (ExecutionException e) {
      throw failure(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisUnavailableException("Interrupted while waiting for Redis", e);
    } catch (RuntimeException e) {
      unreachable.increment();
      throw new RedisUnavailableException("Redis is unreachable: " + e.getMessage(), e);
    }
  }

  /** Waits for a reply for at most the configured timeout. */
  public <T> T await(RedisFuture<T> future) {
    return await(future, System.nanoTime() + timeout.toNanos());
  }

  /**
   * Checks that Redis answers PING within the configured timeout (for readiness).
   *
   * @throws RedisUnavailableException when it does not
   */
  public void ping() {
    String reply = await(strings().ping());
    if (!"PONG".equals(reply)) {
      throw new RedisUnavailableException("Redis answered PING with " + reply, null);
    }
  }

  @PreDestroy
  public synchronized void close() {
    closed = true;
    if (readers != null) {
      readers.close();
      readers = null;
    }
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // shutting down; nothing to recover
      }
    }
    closeables.clear();
    if (clientResources != null) {
      clientResources.shutdown();
      clientResources = null;
    }
    deadlines.stop();
  }
}
