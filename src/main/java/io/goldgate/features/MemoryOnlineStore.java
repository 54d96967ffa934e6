package io.goldgate.features;

import io.goldgate.features.feast.FeastCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The embedded store: Feast's Redis layout in process memory, for trying Goldgate without Redis. */
final class MemoryOnlineStore implements OnlineStore {

  private final Map<ByteKey, Map<ByteKey, byte[]>> hashes = new ConcurrentHashMap<>();
  private final Map<ByteKey, byte[]> values = new ConcurrentHashMap<>();

  @Override
  public java.util.concurrent.CompletionStage<byte[][][]> read(List<byte[]> keys, FieldSet fields, boolean wholeHash) {
    byte[][][] out = new byte[keys.size()][][];
    for (int k = 0; k < keys.size(); k++) {
      Map<ByteKey, byte[]> hash = hashes.getOrDefault(new ByteKey(keys.get(k)), Map.of());
      byte[][] row = new byte[fields.size()][];
      for (int f = 0; f < fields.size(); f++) {
        row[f] = hash.get(new ByteKey(fields.field(f)));
      }
      out[k] = row;
    }
    return java.util.concurrent.CompletableFuture.completedFuture(out);
  }

  @Override
  public int write(List<Row> rows, byte[] timestampField) {
    int written = 0;
    ByteKey ts = new ByteKey(timestampField);
    for (Row row : rows) {
      Map<ByteKey, byte[]> hash = hashes.computeIfAbsent(new ByteKey(row.key()), k -> new ConcurrentHashMap<>());
      synchronized (hash) {
        byte[] stored = hash.get(ts);
        if (stored != null && micros(stored) >= row.eventMicros()) {
          continue;
        }
        for (int f = 0; f < row.values().length; f++) {
          hash.put(new ByteKey(row.fieldNames()[f]), row.values()[f]);
        }
        hash.put(ts, row.timestamp());
        written++;
      }
    }
    return written;
  }

  @Override
  public java.util.concurrent.CompletionStage<PackedValue.Row[]> readPacked(List<byte[]> keys, int[] slots) {
    PackedValue.Row[] out = new PackedValue.Row[keys.size()];
    for (int k = 0; k < keys.size(); k++) {
      byte[] value = values.get(new ByteKey(keys.get(k)));
      out[k] = value == null ? null : PackedValue.decode(java.nio.ByteBuffer.wrap(value), slots);
    }
    return java.util.concurrent.CompletableFuture.completedFuture(out);
  }

  @Override
  public int writePacked(List<Packed> packed) {
    int written = 0;
    for (Packed p : packed) {
      boolean[] replaced = {false};
      // compute() runs atomically per key, as the Lua script does in Redis.
      values.compute(new ByteKey(p.key()), (k, stored) -> {
        replaced[0] = PackedValue.newer(p.value(), stored);
        return replaced[0] ? p.value() : stored;
      });
      written += replaced[0] ? 1 : 0;
    }
    return written;
  }

  static long micros(byte[] timestamp) {
    return Materializer.micros(FeastCodec.readTimestamp(timestamp));
  }

  @Override
  public byte[] get(byte[] key) {
    return values.get(new ByteKey(key));
  }

  @Override
  public void set(byte[] key, byte[] value) {
    values.put(new ByteKey(key), value);
  }

  @Override
  public String description() {
    return "embedded in-process store (set goldgate.redis.url to use Redis)";
  }

  @Override
  public void close() {}
}
