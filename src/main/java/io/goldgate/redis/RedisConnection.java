package io.goldgate.redis;

import io.goldgate.config.GoldgateConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

  /** Failed Redis calls, by why: {@code timeout}, {@code unreachable} or {@code error} (an error reply). */
  public static final String ERRORS = "goldgate.redis.errors";

  private final RedisURI uri;
  private final boolean cluster;
  private final Duration timeout;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private volatile Object client;
  private volatile RedisClusterAsyncCommands<byte[], byte[]> bytes;
  private volatile RedisClusterAsyncCommands<String, String> strings;
  private final Counter timeouts;
  private final Counter unreachable;
  private final Counter errorReplies;

  @jakarta.inject.Inject
  public RedisConnection(GoldgateConfig config, MeterRegistry meters) {
    this(config.redis().url().filter(u -> !u.isBlank()).orElse(null), config.redis().cluster(), config.redis().timeout(), meters);
  }

  /** Without metrics (errors are counted nowhere). */
  public RedisConnection(String url, boolean cluster, Duration timeout) {
    this(url, cluster, timeout, new CompositeMeterRegistry());
  }

  public RedisConnection(String url, boolean cluster, Duration timeout, MeterRegistry meters) {
    this.uri = url == null ? null : RedisURI.create(url);
    if (uri != null) {
      uri.setTimeout(timeout);
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

  /** Whether a Redis is configured at all; when not, callers use their embedded fallback. */
  public boolean configured() {
    return uri != null;
  }

  /** The configured per-request timeout ({@code goldgate.redis.timeout}). */
  public Duration timeout() {
    return timeout;
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
          bytes = connect(ByteArrayCodec.INSTANCE);
        }
        c = bytes;
      }
    }
    return c;
  }

  /** Commands with UTF-8 string keys and values (gateway state). */
  public RedisClusterAsyncCommands<String, String> strings() {
    RedisClusterAsyncCommands<String, String> c = strings;
    if (c == null) {
      synchronized (this) {
        if (strings == null) {
          strings = connect(StringCodec.UTF8);
        }
        c = strings;
      }
    }
    return c;
  }

  private <K, V> RedisClusterAsyncCommands<K, V> connect(RedisCodec<K, V> codec) {
    if (uri == null) {
      throw new RedisUnavailableException("No Redis is configured (goldgate.redis.url)", null);
    }
    try {
      if (cluster) {
        RedisClusterClient created = (RedisClusterClient) client;
        if (created == null) {
          created = RedisClusterClient.create(uri);
          created.setOptions(
              ClusterClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
          client = created;
          closeables.add(created::shutdown);
        }
        var connection = created.connect(codec);
        closeables.add(0, connection);
        return connection.async();
      }
      RedisClient created = (RedisClient) client;
      if (created == null) {
        created = RedisClient.create(uri);
        created.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        client = created;
        closeables.add(created::shutdown);
      }
      var connection = created.connect(codec);
      closeables.add(0, connection);
      return connection.async();
    } catch (RuntimeException e) {
      unreachable.increment();
      throw new RedisUnavailableException("Redis is unreachable: " + e.getMessage(), e);
    }
  }

  /** Waits for a reply until {@code deadline} (a {@link System#nanoTime()} value). */
  public <T> T await(RedisFuture<T> future, long deadline) {
    try {
      return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      timeouts.increment();
      throw new RedisUnavailableException("Redis did not answer within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      (e.getCause() instanceof RedisCommandExecutionException ? errorReplies : unreachable).increment();
      throw new RedisUnavailableException("Redis failed: " + e.getCause().getMessage(), e.getCause());
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
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // shutting down; nothing to recover
      }
    }
    closeables.clear();
  }
}
