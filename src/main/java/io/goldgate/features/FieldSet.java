package io.goldgate.features;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The hash fields one read wants, in order, with a lookup from a field's bytes (as they arrive in
 * a Redis reply) to its position that allocates nothing: a whole-hash reply is matched field by
 * field, thousands of times per request.
 */
public final class FieldSet {

  private final byte[][] fields;
  /** The fields as read-only buffers, to compare with a reply's bytes in one vectorized call. */
  private final ByteBuffer[] buffers;
  /**
   * Four-byte fields (every feature's: a murmur3 hash) as big-endian ints: one read compares them,
   * where a buffer comparison's set-up cost more than the four bytes.
   */
  private final int[] ints;
  /** Open addressing: slot -> position + 1, or 0 when empty. */
  private final int[] slots;
  private final int mask;

  private FieldSet(byte[][] fields) {
    this.fields = fields;
    this.buffers = new ByteBuffer[fields.length];
    this.ints = new int[fields.length];
    for (int i = 0; i < fields.length; i++) {
      buffers[i] = ByteBuffer.wrap(fields[i]).asReadOnlyBuffer();
      if (fields[i].length == Integer.BYTES) {
        ints[i] = ByteBuffer.wrap(fields[i]).getInt();
      }
    }
    int size = Integer.highestOneBit(Math.max(4, fields.length * 4) - 1) << 1;
    this.slots = new int[size];
    this.mask = size - 1;
    for (int i = 0; i < fields.length; i++) {
      int slot = hash(fields[i]) & mask;
      while (slots[slot] != 0) {
        if (Arrays.equals(fields[slots[slot] - 1], fields[i])) break;
        slot = (slot + 1) & mask;
      }
      if (slots[slot] == 0) slots[slot] = i + 1;
    }
  }

  public static FieldSet of(List<byte[]> fields) {
    return new FieldSet(fields.toArray(byte[][]::new));
  }

  public int size() {
    return fields.length;
  }

  public byte[] field(int position) {
    return fields[position];
  }

  /**
   * The position of the field held in {@code bytes} (from its position to its limit), or -1. Tries
   * {@code expected} first: Redis returns a hash in the order its fields were written, which is the
   * same for every entity a view's writer wrote, so a reply is mostly matched without hashing.
   */
  public int find(ByteBuffer bytes, int expected) {
    if (expected >= 0 && expected < fields.length && holds(bytes, expected)) {
      return expected;
    }
    // Reply bytes usually sit in direct memory, where reading byte by byte is slow: copy them once.
    byte[] copy = new byte[bytes.remaining()];
    bytes.get(bytes.position(), copy);
    int slot = hash(copy) & mask;
    while (slots[slot] != 0) {
      if (Arrays.equals(fields[slots[slot] - 1], copy)) {
        return slots[slot] - 1;
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  private boolean holds(ByteBuffer bytes, int position) {
    int length = bytes.remaining();
    if (length != fields[position].length) {
      return false;
    }
    if (length == Integer.BYTES) {
      int read = bytes.getInt(bytes.position());
      return (bytes.order() == ByteOrder.BIG_ENDIAN ? read : Integer.reverseBytes(read)) == ints[position];
    }
    return bytes.mismatch(buffers[position]) < 0;
  }

  private static int hash(byte[] b) {
    int h = b.length;
    for (byte x : b) h = 31 * h + x;
    return mix(h);
  }

  private static int mix(int h) {
    return h ^ (h >>> 16) ^ (h >>> 7);
  }
}
