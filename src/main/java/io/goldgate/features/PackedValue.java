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
 * byte 0      version (2)
 * bytes 1-8   event time, microseconds since the epoch, big-endian with the sign bit flipped, so
 *             that comparing the 8 bytes as unsigned bytes orders event times (the write script
 *             compares them there; every later version keeps them at this offset)
 * varint n    length of the row scope ({@link RowScope}), 0 for a view whose table restricts no rows
 * n bytes     the row scope
 * varint m    how many values follow: the view's features, in the order the view declares them
 * m times     varint length, then the value as the JSON Feast's feature server answers for it
 *             (a number, a string, base64 bytes in a string, true/false, an ISO-8601 time in a
 *             string), rendered once when written; length 0 is Feast's null
 * </pre>
 *
 * Varints are unsigned LEB128, as protobuf's. Values are stored as the JSON a lookup answers because
 * lookups outnumber writes: a 100-entity lookup copies 5,000 values into its answer instead of
 * decoding and formatting them (formatting doubles alone was a fifth of the gateway's time).
 *
 * <p>Version 1 held each value as a serialized feast.types.Value; it is still read, converted per
 * value, and a write of the same event time replaces it ({@link #newer}), so rematerializing a view
 * upgrades it in place. A value of an unknown version reads as absent (NOT_FOUND).
 */
final class PackedValue {

  static final byte VERSION = 2;
  /** The earlier version, whose values were serialized feast.types.Values. */
  static final byte PROTOBUF_VALUES = 1;
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

  /**
   * Encodes one entity's values of a view, given as serialized feast.types.Values, rendering each
   * to its JSON with {@code fragments}.
   */
  static byte[] encode(long eventMicros, byte[] scope, byte[][] values, FeastJson.Fragments fragments) {
    byte[][] json = new byte[values.length][];
    int size = 1 + TIME_LENGTH + 5 + (scope == null ? 0 : scope.length) + 5;
    for (int i = 0; i < values.length; i++) {
      json[i] = fragments.of(values[i]);
      size += 5 + json[i].length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    out.write(VERSION);
    long ordered = eventMicros ^ Long.MIN_VALUE;
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (ordered >>> shift));
    }
    lengthPrefixed(out, scope == null ? new byte[0] : scope);
    varint(out, json.length);
    for (byte[] v : json) {
      lengthPrefixed(out, v);
    }
    return out.toByteArray();
  }

  static byte[] encode(long eventMicros, byte[] scope, byte[][] values) {
    return encode(eventMicros, scope, values, new FeastJson.Fragments());
  }

  static long eventMicros(byte[] value) {
    return ByteBuffer.wrap(value, TIME_OFFSET, TIME_LENGTH).getLong() ^ Long.MIN_VALUE;
  }

  /**
   * Whether {@code value} replaces {@code stored}: nothing is stored, its event time is newer, or the
   * times are equal and the stored value is of an earlier version (which the write script decides
   * the same way).
   */
  static boolean newer(byte[] value, byte[] stored) {
    if (stored == null || stored.length < TIME_OFFSET + TIME_LENGTH) {
      return true;
    }
    int time = Arrays.compareUnsigned(value, TIME_OFFSET, TIME_OFFSET + TIME_LENGTH, stored, TIME_OFFSET, TIME_OFFSET + TIME_LENGTH);
    return time > 0 || time == 0 && Byte.toUnsignedInt(value[0]) > Byte.toUnsignedInt(stored[0]);
  }

  /**
   * Decodes {@code bytes} (position to limit, left unmoved) into a row laid out as {@code slots}
   * says: per position, a feature's index in the view, {@link #EVENT_TIME} or {@link #SCOPE}; a
   * feature is its value's JSON, empty for null. Null when the value is of an unknown version, or
   * malformed.
   */
  static Row decode(ByteBuffer bytes, int[] slots) {
    int at = bytes.position();
    int end = bytes.limit();
    if (end - at < 1 + TIME_LENGTH || bytes.get(at) != VERSION && bytes.get(at) != PROTOBUF_VALUES) {
      return null;
    }
    boolean protobuf = bytes.get(at) == PROTOBUF_VALUES;
    long micros = bytes.getLong(at + TIME_OFFSET) ^ Long.MIN_VALUE;
    int first = at;
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
    if (protobuf) {
      return version1(bytes, slots, micros, scopeAt, scopeLength, starts, lengths);
    }
    // One copy of the whole value; the slots point into it (a 100-entity lookup asks for 5,000).
    byte[] whole = new byte[end - first];
    bytes.get(first, whole);
    int[] slotStarts = new int[slots.length];
    int[] slotLengths = new int[slots.length];
    for (int p = 0; p < slots.length; p++) {
      int slot = slots[p];
      if (slot == EVENT_TIME) {
        slotStarts[p] = Row.TIME;
      } else if (slot == SCOPE) {
        slotStarts[p] = scopeAt - first;
        slotLengths[p] = scopeLength;
      } else if (slot < count) {
        slotStarts[p] = starts[slot] - first;
        slotLengths[p] = lengths[slot];
      } else {
        slotStarts[p] = Row.ABSENT;
      }
    }
    return new Row(whole, slotStarts, slotLengths, micros);
  }

  /** A version-1 value's slots, each protobuf value converted to its JSON, laid end to end. */
  private static Row version1(ByteBuffer bytes, int[] slots, long micros, int scopeAt, int scopeLength, int[] starts, int[] lengths) {
    FeastJson.Fragments converter = new FeastJson.Fragments();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] slotStarts = new int[slots.length];
    int[] slotLengths = new int[slots.length];
    for (int p = 0; p < slots.length; p++) {
      int slot = slots[p];
      byte[] part;
      if (slot == EVENT_TIME) {
        slotStarts[p] = Row.TIME;
        continue;
      } else if (slot == SCOPE) {
        part = slice(bytes, scopeAt, scopeLength);
      } else if (slot < starts.length) {
        part = converter.of(slice(bytes, starts[slot], lengths[slot]));
      } else {
        slotStarts[p] = Row.ABSENT;
        continue;
      }
      slotStarts[p] = out.size();
      slotLengths[p] = part.length;
      out.writeBytes(part);
    }
    return new Row(out.toByteArray(), slotStarts, slotLengths, micros);
  }

  /**
   * One entity's packed value as read: its bytes, and where in them each requested slot is ({@link
   * #TIME} for the event time, {@link #ABSENT} for a feature the value does not hold).
   */
  record Row(byte[] bytes, int[] starts, int[] lengths, long eventMicros) {
    static final int TIME = -2;
    static final int ABSENT = -1;

    Instant eventTime() {
      return Instant.ofEpochSecond(Math.floorDiv(eventMicros, 1_000_000), Math.floorMod(eventMicros, 1_000_000) * 1_000L);
    }

    /** Whether slot {@code p} holds exactly {@code expected}. */
    boolean slotEquals(int p, byte[] expected) {
      return starts[p] >= 0 && Arrays.equals(bytes, starts[p], starts[p] + lengths[p], expected, 0, expected.length);
    }

    /**
     * Slot {@code p}'s bytes, copied: a feature's JSON (empty for null), the scope, or the event time
     * as a serialized Timestamp (as the hash layout stores it); null for an absent feature.
     */
    byte[] slot(int p) {
      if (starts[p] == TIME) {
        return FeastCodec.timestamp(eventTime());
      }
      return starts[p] == ABSENT ? null : Arrays.copyOfRange(bytes, starts[p], starts[p] + lengths[p]);
    }
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
