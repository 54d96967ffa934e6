package io.goldgate.features;

import io.goldgate.features.feast.FeastCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The packed layout's value: all of one entity's values of one view in one Redis string.
 *
 * <pre>
 * byte 0      version (1)
 * bytes 1-8   event time, microseconds since the epoch, big-endian with the sign bit flipped, so
 *             that comparing the 8 bytes as unsigned bytes orders event times (the write script
 *             compares them there; every later version keeps them at this offset)
 * varint n    length of the row scope ({@link RowScope}), 0 for a view whose table restricts no rows
 * n bytes     the row scope
 * varint m    how many values follow: the view's features, in the order the view declares them
 * m times     varint length, then the value as a serialized feast.types.Value, whose first byte
 *             (the protobuf tag) is the type; length 0 is Feast's null (the empty Value)
 * </pre>
 *
 * Varints are unsigned LEB128, as protobuf's. A value of another version than this reader's reads as
 * absent (NOT_FOUND) until the view is rematerialized.
 */
final class PackedValue {

  static final byte VERSION = 1;
  /** Where the event time sits, and its length. */
  static final int TIME_OFFSET = 1;
  static final int TIME_LENGTH = 8;

  /** Positions in a decoded row that take the event time or the row scope rather than a feature. */
  static final int EVENT_TIME = -1;
  static final int SCOPE = -2;

  private PackedValue() {}

  /**
   * The key of an entity's packed value for one view: the entity's Feast hash key (its serialized
   * entity key and the project), then {@code #gg1:} and the view name, which no Feast key ends
   * with. No hash tag: per-slot MGETs spread a request's entities over the cluster.
   */
  static byte[] key(byte[] entityKey, String view) {
    byte[] suffix = ("#gg1:" + view).getBytes(StandardCharsets.UTF_8);
    byte[] key = Arrays.copyOf(entityKey, entityKey.length + suffix.length);
    System.arraycopy(suffix, 0, key, entityKey.length, suffix.length);
    return key;
  }

  static byte[] encode(long eventMicros, byte[] scope, byte[][] values) {
    int size = 1 + TIME_LENGTH + 5 + (scope == null ? 0 : scope.length) + 5;
    for (byte[] v : values) {
      size += 5 + v.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    out.write(VERSION);
    long ordered = eventMicros ^ Long.MIN_VALUE;
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (ordered >>> shift));
    }
    lengthPrefixed(out, scope == null ? new byte[0] : scope);
    varint(out, values.length);
    for (byte[] v : values) {
      lengthPrefixed(out, v);
    }
    return out.toByteArray();
  }

  static long eventMicros(byte[] value) {
    return ByteBuffer.wrap(value, TIME_OFFSET, TIME_LENGTH).getLong() ^ Long.MIN_VALUE;
  }

  /** Whether {@code value} holds an event time newer than {@code stored}'s (or nothing is stored). */
  static boolean newer(byte[] value, byte[] stored) {
    return stored == null || stored.length < TIME_OFFSET + TIME_LENGTH
        || Arrays.compareUnsigned(value, TIME_OFFSET, TIME_OFFSET + TIME_LENGTH, stored, TIME_OFFSET, TIME_OFFSET + TIME_LENGTH) > 0;
  }

  /**
   * Decodes {@code bytes} (position to limit, left unmoved) into a row laid out as {@code slots}
   * says: per position, a feature's index in the view, {@link #EVENT_TIME} (a serialized Timestamp,
   * as the hash layout stores it) or {@link #SCOPE}. Null when the value is of another version.
   */
  static byte[][] decode(ByteBuffer bytes, int[] slots) {
    int at = bytes.position();
    int end = bytes.limit();
    if (end - at < 1 + TIME_LENGTH || bytes.get(at) != VERSION) {
      return null;
    }
    long micros = bytes.getLong(at + TIME_OFFSET) ^ Long.MIN_VALUE;
    at += 1 + TIME_LENGTH;
    // A malformed value (not written by Goldgate) reads as absent rather than failing the request.
    long[] cursor = {at};
    int scopeLength = length(bytes, cursor, end);
    int scopeAt = (int) cursor[0];
    cursor[0] += scopeLength;
    int count = length(bytes, cursor, end);
    if (scopeLength < 0 || count < 0 || count > end) {
      return null;
    }
    // Where each value starts and how long it is: the slots ask for features in any order.
    int[] starts = new int[count];
    int[] lengths = new int[count];
    for (int i = 0; i < count; i++) {
      lengths[i] = length(bytes, cursor, end);
      starts[i] = (int) cursor[0];
      if (lengths[i] < 0) {
        return null;
      }
      cursor[0] += lengths[i];
    }
    if (cursor[0] > end) {
      return null;
    }
    byte[][] row = new byte[slots.length][];
    for (int p = 0; p < slots.length; p++) {
      int slot = slots[p];
      if (slot == EVENT_TIME) {
        row[p] = FeastCodec.timestamp(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L));
      } else if (slot == SCOPE) {
        row[p] = slice(bytes, scopeAt, scopeLength);
      } else if (slot < count) {
        row[p] = slice(bytes, starts[slot], lengths[slot]);
      }
    }
    return row;
  }

  private static byte[] slice(ByteBuffer bytes, int at, int length) {
    byte[] out = new byte[length];
    bytes.get(at, out);
    return out;
  }

  /** A varint length at the cursor, moved past it; -1 when it runs past {@code end} or past it. */
  private static int length(ByteBuffer bytes, long[] cursor, int end) {
    long value = 0;
    long at = cursor[0];
    for (int shift = 0; ; shift += 7) {
      if (at >= end || shift > 28) {
        return -1;
      }
      byte b = bytes.get((int) at++);
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        break;
      }
    }
    cursor[0] = at;
    return value > end - at ? -1 : (int) value;
  }

  private static void lengthPrefixed(ByteArrayOutputStream out, byte[] bytes) {
    varint(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
