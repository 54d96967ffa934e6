package io.goldgate.features;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Feast's Redis online store through Lettuce: standalone or cluster, TLS and password from the URI.
 * Every call pipelines its commands and waits for all of them once, bounded by the timeout.
 */
final class RedisOnlineStore implements OnlineStore {

  private final RedisURI uri;
  private final boolean cluster;
  private final Duration timeout;
  private final String description;
  private volatile AutoCloseable client;
  private volatile AutoCloseable connection;
  private volatile RedisClusterAsyncCommands<byte[], byte[]> commands;

  RedisOnlineStore(String url, boolean cluster, Duration timeout) {
    this.uri = RedisURI.create(url);
    uri.setTimeout(timeout);
    this.cluster = cluster;
    this.timeout = timeout;
    this.description = (cluster ? "Redis Cluster at " : "Redis at ") + uri.getHost() + ":" + uri.getPort();
  }

  /**
   * Connects on first use, so the gateway starts while Redis is down and serves 503 until it is
   * back. Commands sent while disconnected fail at once instead of queueing.
   */
  private RedisClusterAsyncCommands<byte[], byte[]> commands() {
    RedisClusterAsyncCommands<byte[], byte[]> c = commands;
    if (c != null) {
      return c;
    }
    synchronized (this) {
      if (commands == null) {
        try {
          if (cluster) {
            RedisClusterClient created = RedisClusterClient.create(uri);
            created.setOptions(
                io.lettuce.core.cluster.ClusterClientOptions.builder()
                    .disconnectedBehavior(io.lettuce.core.ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            StatefulRedisClusterConnection<byte[], byte[]> conn = created.connect(ByteArrayCodec.INSTANCE);
            client = created::shutdown;
            connection = conn;
            commands = conn.async();
          } else {
            RedisClient created = RedisClient.create(uri);
            created.setOptions(
                io.lettuce.core.ClientOptions.builder().disconnectedBehavior(io.lettuce.core.ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            StatefulRedisConnection<byte[], byte[]> conn = created.connect(ByteArrayCodec.INSTANCE);
            client = created::shutdown;
            connection = conn;
            RedisAsyncCommands<byte[], byte[]> async = conn.async();
            commands = async;
          }
        } catch (RuntimeException e) {
          throw new StoreUnavailableException("Redis is unreachable: " + e.getMessage(), e);
        }
      }
      return commands;
    }
  }

  private <T> T await(RedisFuture<T> future, long deadline) {
    try {
      return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new StoreUnavailableException("Redis did not answer within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw new StoreUnavailableException("Redis failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("Interrupted while waiting for Redis", e);
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("Redis is unreachable: " + e.getMessage(), e);
    }
  }

  @Override
  public List<List<byte[]>> read(List<byte[]> keys, List<byte[]> fields) {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[][] fieldArray = fields.toArray(byte[][]::new);
    List<RedisFuture<List<KeyValue<byte[], byte[]>>>> futures = new ArrayList<>(keys.size());
    try {
      for (byte[] key : keys) {
        futures.add(commands().hmget(key, fieldArray));
      }
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("Redis is unreachable: " + e.getMessage(), e);
    }
    List<List<byte[]>> out = new ArrayList<>(keys.size());
    for (RedisFuture<List<KeyValue<byte[], byte[]>>> future : futures) {
      List<byte[]> row = new ArrayList<>(fields.size());
      for (KeyValue<byte[], byte[]> kv : await(future, deadline)) {
        row.add(kv.hasValue() ? kv.getValue() : null);
      }
      out.add(row);
    }
    return out;
  }

  @Override
  public int write(List<Row> rows, byte[] timestampField) {
    // Writes are bulk work: allow them far more time than an online read.
    long deadline = System.nanoTime() + Math.max(timeout.toNanos() * 20, TimeUnit.SECONDS.toNanos(30));
    List<RedisFuture<byte[]>> stored = new ArrayList<>(rows.size());
    try {
      for (Row row : rows) {
        stored.add(commands().hget(row.key(), timestampField));
      }
    } catch (StoreUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("Redis is unreachable: " + e.getMessage(), e);
    }
    List<RedisFuture<Long>> writes = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      byte[] current = await(stored.get(i), deadline);
      if (current != null && current.length > 0 && MemoryOnlineStore.micros(current) >= row.eventMicros()) {
        continue;
      }
      Map<byte[], byte[]> fields = new HashMap<>();
      row.fields().forEach((k, v) -> fields.put(k.bytes(), v));
      fields.put(timestampField, row.timestamp());
      writes.add(commands().hset(row.key(), fields));
    }
    for (RedisFuture<Long> write : writes) {
      await(write, deadline);
    }
    return writes.size();
  }

  @Override
  public byte[] get(byte[] key) {
    return await(commands().get(key), System.nanoTime() + timeout.toNanos() * 10);
  }

  @Override
  public void set(byte[] key, byte[] value) {
    await(commands().set(key, value), System.nanoTime() + timeout.toNanos() * 10);
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    try {
      if (connection != null) connection.close();
      if (client != null) client.close();
    } catch (Exception ignored) {
      // closing at shutdown; nothing to recover
    }
  }
}
