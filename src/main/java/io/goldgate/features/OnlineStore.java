package io.goldgate.features;

import java.util.List;
import java.util.Map;

/**
 * Where online feature values live: Redis hashes in Feast's layout (one hash per entity key), or
 * an in-process map with the same semantics when no Redis is configured.
 */
public interface OnlineStore extends AutoCloseable {

  /**
   * For every key, the stored values of the fields, in the order of {@code fields} (null where
   * absent), all in one pipelined round trip. With {@code wholeHash} the store may read each whole
   * hash (HGETALL) and pick the fields: cheaper for Redis when most of a small hash is wanted.
   * Never blocks: the result completes when the store answers, or fails with {@link
   * io.goldgate.redis.RedisUnavailableException} when it does not answer in time.
   */
  java.util.concurrent.CompletionStage<byte[][][]> read(List<byte[]> keys, FieldSet fields, boolean wholeHash);

  /**
   * Writes rows with Feast's rule: a row replaces what is stored only if its event time is newer
   * than the one in {@code timestampField}. Returns how many rows were written.
   */
  int write(List<Row> rows, byte[] timestampField);

  /**
   * For every key, the packed value ({@link PackedValue}) stored under it, decoded into a row laid
   * out as {@code slots} says (null where absent), in one MGET (one per cluster slot). Fails like
   * {@link #read}.
   */
  java.util.concurrent.CompletionStage<PackedValue.Row[]> readPacked(List<byte[]> keys, int[] slots);

  /**
   * Writes packed values with Feast's rule, atomically per key: a value replaces the stored one
   * only if its event time (at the same offset in both) is newer. Returns how many were written.
   */
  int writePacked(List<Packed> values);

  /** A small value outside the feature hashes (materialization watermarks). */
  byte[] get(byte[] key);

  void set(byte[] key, byte[] value);

  /**
   * Hash tags that place a key on each node of the store (one per Redis Cluster master); a store
   * on one node has the one empty tag. Markers written under each tell a node that came back
   * empty from a store that still holds everything.
   */
  default List<String> nodeTags() {
    return List.of("");
  }

  /** What this store is, for logs and health. */
  String description();

  @Override
  void close();

  /**
   * One entity row: its key, its feature values (aligned with {@code fieldNames}, which all rows of
   * a view share), its event time (as stored and as a number).
   */
  record Row(byte[] key, byte[][] fieldNames, byte[][] values, byte[] timestamp, long eventMicros) {}

  /** One entity's packed value for one view, under its key. */
  record Packed(byte[] key, byte[] value) {}

  /** byte[] with value equality, to key maps. */
  record ByteKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey k && java.util.Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }
  }
}
