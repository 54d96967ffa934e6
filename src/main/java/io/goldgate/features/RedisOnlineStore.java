package io.goldgate.features;

import io.goldgate.CompletionFailures;
import io.goldgate.redis.RedisConnection;
import io.goldgate.redis.RedisUnavailableException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Feast's Redis online store through Lettuce: standalone or cluster, TLS and password from the URI.
 * Every call pipelines its commands and waits for all of them once, bounded by the timeout.
 */
final class RedisOnlineStore implements OnlineStore {

  private static final byte[] WRITE_IF_NEWER = loadScript("/redis/write-if-newer.lua");
  private static final byte[] WRITE_PACKED_IF_NEWER = loadScript("/redis/write-packed-if-newer.lua");

  private final RedisConnection redis;
  private final String writeIfNewerSha;
  private final String writePackedIfNewerSha = sha1Hex(WRITE_PACKED_IF_NEWER);

  RedisOnlineStore(RedisConnection redis) {
    this.redis = redis;
    this.writeIfNewerSha = sha1Hex(WRITE_IF_NEWER);
  }

  private RedisClusterAsyncCommands<byte[], byte[]> commands() {
    return redis.bytes();
  }

  @Override
  public CompletionStage<byte[][][]> read(List<byte[]> keys, FieldSet fields, boolean wholeHash) {
    List<AsyncCommand<byte[], byte[], byte[][]>> commands = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(key);
      if (!wholeHash) {
        for (int f = 0; f < fields.size(); f++) {
          args.add(fields.field(f));
        }
      }
      commands.add(new AsyncCommand<>(new Command<>(wholeHash ? CommandType.HGETALL : CommandType.HMGET, new HashRowOutput(fields, wholeHash), args)));
    }
    try {
      // One write and flush for the whole request instead of one per command.
      redis.nonBlockingReadConnection().dispatch(commands);
    } catch (RuntimeException e) {
      commands.forEach(c -> c.cancel(false));
      // A failed connect was counted where it happened.
      return CompletableFuture.failedFuture(e instanceof RedisUnavailableException ? e : redis.failure(e));
    }
    return redis.withinTimeout(CompletableFuture.allOf(commands.toArray(CompletableFuture[]::new)))
        .handle((ignored, failure) -> {
          if (failure != null) {
            Throwable cause = CompletionFailures.unwrap(failure);
            throw new CompletionException(redis.failure(cause));
          }
          byte[][][] out = new byte[keys.size()][][];
          for (int k = 0; k < out.length; k++) {
            out[k] = commands.get(k).join();
          }
          return out;
        });
  }

  @Override
  public int write(List<Row> rows, byte[] timestampField) {
    // Writes are bulk work: allow them far more time than an online read.
    long deadline = System.nanoTime() + Math.max(redis.timeout().toNanos() * 20, TimeUnit.SECONDS.toNanos(30));
    ensureScriptLoaded(writeIfNewerSha, WRITE_IF_NEWER, deadline);
    RedisClusterAsyncCommands<byte[], byte[]> commands = commands();
    List<RedisFuture<Long>> writes = new ArrayList<>(rows.size());
    try {
      for (Row row : rows) {
        byte[][] args = new byte[3 + 2 * row.values().length][];
        args[0] = timestampField;
        args[1] = row.timestamp();
        args[2] = Long.toString(row.eventMicros()).getBytes(StandardCharsets.US_ASCII);
        int i = 3;
        for (int f = 0; f < row.values().length; f++) {
          args[i++] = row.fieldNames()[f];
          args[i++] = row.values()[f];
        }
        writes.add(commands.evalsha(writeIfNewerSha, ScriptOutputType.INTEGER, new byte[][] {row.key()}, args));
      }
    } catch (RuntimeException e) {
      throw new RedisUnavailableException("Redis is unreachable: " + e.getMessage(), e);
    }
    int written = 0;
    for (RedisFuture<Long> write : writes) {
      written += redis.await(write, deadline).intValue();
    }
    return written;
  }

  /**
   * Loads the script on every node that may run it; after a Redis restart (which forgets scripts)
   * the next batch loads it again.
   */
  private void ensureScriptLoaded(String sha, byte[] script, long deadline) {
    RedisClusterAsyncCommands<byte[], byte[]> commands = commands();
    if (redis.cluster()) {
      // SCRIPT EXISTS asks one node of a cluster, SCRIPT LOAD goes to every master: a master that
      // restarted (forgetting its scripts) would answer NOSCRIPT to every write routed to it.
      redis.await(commands.scriptLoad(script), deadline);
      return;
    }
    try {
      List<Boolean> exists = redis.await(commands.scriptExists(sha), deadline);
      if (!exists.isEmpty() && exists.stream().allMatch(Boolean::booleanValue)) {
        return;
      }
    } catch (RedisUnavailableException e) {
      if (!(e.getCause() instanceof RedisNoScriptException)) {
        throw e;
      }
    }
    redis.await(commands.scriptLoad(script), deadline);
  }

  @Override
  public CompletionStage<PackedValue.Row[]> readPacked(List<byte[]> keys, int[] slots) {
    PackedValue.Row[] out = new PackedValue.Row[keys.size()];
    StatefulConnection<byte[], byte[]> connection;
    List<AsyncCommand<byte[], byte[], PackedValue.Row[]>> commands = new ArrayList<>(1);
    try {
      connection = redis.nonBlockingReadConnection();
      if (connection instanceof StatefulRedisClusterConnection<?, ?>) {
        // A multi-key command must stay within one hash slot: one MGET per slot, all dispatched at once.
        Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
        for (int k = 0; k < keys.size(); k++) {
          bySlot.computeIfAbsent(SlotHash.getSlot(keys.get(k)), s -> new ArrayList<>()).add(k);
        }
        for (List<Integer> positions : bySlot.values()) {
          commands.add(mget(keys, positions.stream().mapToInt(Integer::intValue).toArray(), slots, out));
        }
      } else {
        int[] all = new int[keys.size()];
        Arrays.setAll(all, i -> i);
        commands.add(mget(keys, all, slots, out));
      }
      connection.dispatch(commands);
    } catch (RuntimeException e) {
      commands.forEach(c -> c.cancel(false));
      return CompletableFuture.failedFuture(e instanceof RedisUnavailableException ? e : redis.failure(e));
    }
    return redis.withinTimeout(CompletableFuture.allOf(commands.toArray(CompletableFuture[]::new)))
        .handle((ignored, failure) -> {
          if (failure != null) {
            throw new CompletionException(redis.failure(CompletionFailures.unwrap(failure)));
          }
          return out;
        });
  }

  private static AsyncCommand<byte[], byte[], PackedValue.Row[]> mget(List<byte[]> keys, int[] positions, int[] slots, PackedValue.Row[] out) {
    CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE);
    for (int position : positions) {
      args.addKey(keys.get(position));
    }
    return new AsyncCommand<>(new Command<>(CommandType.MGET, new PackedRowsOutput(slots, positions, out), args));
  }

  @Override
  public int writePacked(List<Packed> values) {
    long deadline = System.nanoTime() + Math.max(redis.timeout().toNanos() * 20, TimeUnit.SECONDS.toNanos(30));
    ensureScriptLoaded(writePackedIfNewerSha, WRITE_PACKED_IF_NEWER, deadline);
    RedisClusterAsyncCommands<byte[], byte[]> commands = commands();
    List<RedisFuture<Long>> writes = new ArrayList<>(values.size());
    try {
      for (Packed value : values) {
        writes.add(commands.evalsha(writePackedIfNewerSha, ScriptOutputType.INTEGER, new byte[][] {value.key()}, value.value()));
      }
    } catch (RuntimeException e) {
      throw new RedisUnavailableException("Redis is unreachable: " + e.getMessage(), e);
    }
    int written = 0;
    for (RedisFuture<Long> write : writes) {
      written += redis.await(write, deadline).intValue();
    }
    return written;
  }

  @Override
  public byte[] get(byte[] key) {
    return redis.await(commands().get(key), System.nanoTime() + redis.timeout().toNanos() * 10);
  }

  @Override
  public void set(byte[] key, byte[] value) {
    redis.await(commands().set(key, value), System.nanoTime() + redis.timeout().toNanos() * 10);
  }

  @Override
  public List<String> nodeTags() {
    return redis.nodeTags();
  }

  @Override
  public String description() {
    return redis.description();
  }

  @Override
  public void close() {
    // the shared RedisConnection closes itself
  }

  private static byte[] loadScript(String resource) {
    try (InputStream in = RedisOnlineStore.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1Hex(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
