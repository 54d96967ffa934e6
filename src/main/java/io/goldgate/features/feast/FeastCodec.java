package io.goldgate.features.feast;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Byte-compatible encodings of Feast's Redis online store (entity key serialization version 3),
 * so Feast's SDK and Goldgate read what the other wrote. Checked against vectors produced by Feast
 * itself (src/test/resources/feast/vectors.json):
 *
 * <ul>
 *   <li>Redis key: number of join keys, then every key name (type 2, length, UTF-8), then every
 *       value (type, length, little-endian payload), all lengths as little-endian uint32, followed by
 *       the project name. Several join keys are sorted by name; a single one is not touched.
 *   <li>Hash field of a feature: murmur3_32 (x86, seed 0) of {@code view:feature}, 4 bytes
 *       little-endian. The event time lives in the plain field {@code _ts:<view>}.
 *   <li>Values: a serialized {@code feast.types.Value}; timestamps a {@code google.protobuf.Timestamp}.
 * </ul>
 */
public final class FeastCodec {

  /** Feast's ValueType codes, which are also the field numbers of the Value oneof. */
  public enum Kind {
    BYTES(1),
    STRING(2),
    INT32(3),
    INT64(4),
    DOUBLE(5),
    FLOAT(6),
    BOOL(7),
    UNIX_TIMESTAMP(8);

    final int code;

    Kind(int code) {
      this.code = code;
    }
  }

  /** One join key with its value (Long, Integer, String, byte[], or Instant for timestamps). */
  public record KeyPart(String name, Kind kind, Object value) {}

  private FeastCodec() {}

  public static byte[] redisKey(List<KeyPart> parts, String project) {
    List<KeyPart> ordered = new ArrayList<>(parts);
    if (ordered.size() > 1) {
      // Feast sorts (name, value) pairs by name, by code point, only when there are several.
      ordered.sort(Comparator.comparing(KeyPart::name, FeastCodec::compareCodePoints));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeInt(out, ordered.size());
    for (KeyPart part : ordered) {
      byte[] name = part.name().getBytes(StandardCharsets.UTF_8);
      writeInt(out, Kind.STRING.code);
      writeInt(out, name.length);
      out.writeBytes(name);
    }
    for (KeyPart part : ordered) {
      byte[] value = keyValue(part);
      writeInt(out, part.kind().code);
      writeInt(out, value.length);
      out.writeBytes(value);
    }
    out.writeBytes(project.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static int compareCodePoints(String a, String b) {
    return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
  }

  private static byte[] keyValue(KeyPart part) {
    return switch (part.kind()) {
      case INT64 -> ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(((Number) part.value()).longValue()).array();
      case INT32 -> ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(((Number) part.value()).intValue()).array();
      case UNIX_TIMESTAMP -> ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(((Instant) part.value()).getEpochSecond()).array();
      case STRING -> ((String) part.value()).getBytes(StandardCharsets.UTF_8);
      case BYTES -> (byte[]) part.value();
      default -> throw new IllegalArgumentException("Feast cannot use a " + part.kind() + " join key: " + part.name());
    };
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >>> 8);
    out.write(v >>> 16);
    out.write(v >>> 24);
  }

  /** The hash field of a feature. */
  public static byte[] featureField(String view, String feature) {
    int h = murmur3(((view + ":" + feature)).getBytes(StandardCharsets.UTF_8));
    return new byte[] {(byte) h, (byte) (h >>> 8), (byte) (h >>> 16), (byte) (h >>> 24)};
  }

  /** The hash field holding a view's event time. */
  public static byte[] timestampField(String view) {
    return ("_ts:" + view).getBytes(StandardCharsets.UTF_8);
  }

  /** MurmurHash3 x86_32 with seed 0, as Python's mmh3.hash. */
  static int murmur3(byte[] data) {
    int h = 0;
    int n = data.length / 4;
    for (int i = 0; i < n; i++) {
      int k = (data[4 * i] & 0xff) | (data[4 * i + 1] & 0xff) << 8 | (data[4 * i + 2] & 0xff) << 16 | (data[4 * i + 3] & 0xff) << 24;
      k *= 0xcc9e2d51;
      k = Integer.rotateLeft(k, 15);
      k *= 0x1b873593;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int k = 0;
    int tail = 4 * n;
    switch (data.length & 3) {
      case 3:
        k ^= (data[tail + 2] & 0xff) << 16;
      case 2:
        k ^= (data[tail + 1] & 0xff) << 8;
      case 1:
        k ^= data[tail] & 0xff;
        k *= 0xcc9e2d51;
        k = Integer.rotateLeft(k, 15);
        k *= 0x1b873593;
        h ^= k;
      default:
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /** A serialized feast.types.Value; null gives the empty Value Feast writes for missing data. */
  public static byte[] value(Kind kind, Object value) {
    Proto out = new Proto();
    if (value == null) {
      return out.bytes();
    }
    switch (kind) {
      case BYTES -> out.bytes(1, (byte[]) value);
      case STRING -> out.bytes(2, ((String) value).getBytes(StandardCharsets.UTF_8));
      case INT32 -> out.varint(3, ((Number) value).intValue());
      case INT64 -> out.varint(4, ((Number) value).longValue());
      case DOUBLE -> out.fixed64(5, Double.doubleToRawLongBits(((Number) value).doubleValue()));
      case FLOAT -> out.fixed32(6, Float.floatToRawIntBits(((Number) value).floatValue()));
      case BOOL -> out.varint(7, ((Boolean) value) ? 1 : 0);
      case UNIX_TIMESTAMP -> out.varint(8, value instanceof Instant i ? i.getEpochSecond() : ((Number) value).longValue());
    }
    return out.bytes();
  }

  /** A serialized google.protobuf.Timestamp (zero fields omitted, as protobuf does). */
  public static byte[] timestamp(Instant instant) {
    Proto out = new Proto();
    if (instant.getEpochSecond() != 0) out.varint(1, instant.getEpochSecond());
    if (instant.getNano() != 0) out.varint(2, instant.getNano());
    return out.bytes();
  }

  /** Reads a serialized Timestamp. */
  public static Instant readTimestamp(byte[] bytes) {
    long seconds = 0;
    long nanos = 0;
    int pos = 0;
    while (pos < bytes.length) {
      int tag = (int) varintAt(bytes, pos);
      pos = varintEnd(bytes, pos);
      long v = varintAt(bytes, pos);
      pos = varintEnd(bytes, pos);
      if (tag >>> 3 == 1) seconds = v;
      else if (tag >>> 3 == 2) nanos = v;
    }
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /**
   * Receives one decoded scalar Value; strings and bytes are passed as ranges of the input. A sink
   * may fail as the stream it writes to does, and the failure reaches the caller of {@link
   * #readValue}.
   */
  public interface ValueSink {
    void bytes(byte[] source, int offset, int length) throws IOException;

    void utf8(byte[] source, int offset, int length) throws IOException;

    void int32(int value) throws IOException;

    void int64(long value) throws IOException;

    void float64(double value) throws IOException;

    void float32(float value) throws IOException;

    void bool(boolean value) throws IOException;

    void unixTimestamp(long epochSeconds) throws IOException;
  }

  /**
   * Decodes a serialized feast.types.Value of a scalar kind into {@code sink} without allocating
   * (the serving path decodes thousands per request). Returns false, calling nothing, for an
   * empty Value (Feast's null).
   */
  public static boolean readValue(byte[] bytes, ValueSink sink) throws IOException {
    if (bytes.length == 0) return false;
    int tag = (int) varintAt(bytes, 0);
    int pos = varintEnd(bytes, 0);
    switch (tag >>> 3) {
      case 1, 2 -> {
        int length = (int) varintAt(bytes, pos);
        int offset = varintEnd(bytes, pos);
        if ((tag >>> 3) == 1) sink.bytes(bytes, offset, length);
        else sink.utf8(bytes, offset, length);
      }
      case 3 -> sink.int32((int) varintAt(bytes, pos));
      case 4 -> sink.int64(varintAt(bytes, pos));
      case 5 -> sink.float64(Double.longBitsToDouble(littleEndian(bytes, pos, 8)));
      case 6 -> sink.float32(Float.intBitsToFloat((int) littleEndian(bytes, pos, 4)));
      case 7 -> sink.bool(varintAt(bytes, pos) != 0);
      case 8 -> sink.unixTimestamp(varintAt(bytes, pos));
      case 19 -> {
        return false;
      }
      default -> throw new IllegalArgumentException("Unsupported feast Value field " + (tag >>> 3));
    }
    return true;
  }

  /** The varint that starts at {@code pos}; with {@link #varintEnd}, decoding allocates no cursor. */
  private static long varintAt(byte[] b, int pos) {
    long result = 0;
    int shift = 0;
    while (true) {
      byte x = b[pos++];
      result |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return result;
      }
      shift += 7;
    }
  }

  /** Where the varint that starts at {@code pos} ends. */
  private static int varintEnd(byte[] b, int pos) {
    while ((b[pos++] & 0x80) != 0) {
      // continuation bit set: the varint goes on
    }
    return pos;
  }

  private static long littleEndian(byte[] b, int pos, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) v |= (long) (b[pos + i] & 0xff) << (8 * i);
    return v;
  }

  /** Just enough protobuf writing for Value and Timestamp. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(16);

    void varint(int field, long v) {
      raw((long) field << 3);
      raw(v);
    }

    void fixed64(int field, long v) {
      raw((long) field << 3 | 1);
      for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)));
    }

    void fixed32(int field, int v) {
      raw((long) field << 3 | 5);
      for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
    }

    void bytes(int field, byte[] b) {
      raw((long) field << 3 | 2);
      raw(b.length);
      out.writeBytes(b);
    }

    /** Negative int32 values are sign-extended to 10 bytes, as protobuf does. */
    private void raw(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
