package io.goldgate.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.features.feast.FeastCodec;
import io.goldgate.features.feast.FeastCodec.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The packed value's encoding: every Feast type and null decode to Feast's JSON, times order as bytes, version 1 still reads. */
class PackedValueTest {

  static final byte[][] EVERY_TYPE = {
    FeastCodec.value(Kind.INT32, -7),
    FeastCodec.value(Kind.INT64, Long.MIN_VALUE),
    FeastCodec.value(Kind.FLOAT, 1.5f),
    FeastCodec.value(Kind.DOUBLE, -0.1),
    FeastCodec.value(Kind.STRING, "é\u0000x"),
    FeastCodec.value(Kind.BOOL, false),
    FeastCodec.value(Kind.BYTES, new byte[] {0, (byte) 0xff, 0x7f}),
    FeastCodec.value(Kind.UNIX_TIMESTAMP, Instant.parse("2025-03-04T05:06:07Z")),
    FeastCodec.value(Kind.STRING, null),
    FeastCodec.value(Kind.STRING, "x".repeat(300)),
  };

  /** The JSON Feast's feature server answers for each of {@link #EVERY_TYPE}, written out by hand. */
  static final String[] EVERY_TYPE_JSON = {
    "-7", "-9223372036854775808", "1.5", "-0.1", "\"\u00e9\\u0000x\"", "false", "\"AP9/\"", "\"2025-03-04T05:06:07Z\"", "",
    "\"" + "x".repeat(300) + "\"",
  };

  @Test
  void givenEveryFeastTypeAndANullWhenPackedThenEachDecodesToItsFeastJson() {
    byte[] scope = "3:day=1:2".getBytes(StandardCharsets.UTF_8);
    byte[] packed = PackedValue.encode(1_741_064_767_123_456L, scope, EVERY_TYPE);
    assertEquals(2, packed[0], "version");
    // Any order, repeats, the time and the scope.
    int[] slots = {9, PackedValue.SCOPE, 0, 1, 2, 3, 4, 5, 6, 7, 8, PackedValue.EVENT_TIME, 0};
    PackedValue.Row row = PackedValue.decode(ByteBuffer.wrap(packed), slots);
    assertEquals(EVERY_TYPE_JSON[9], utf8(row.slot(0)));
    assertArrayEquals(scope, row.slot(1));
    for (int i = 0; i <= 8; i++) {
      assertEquals(EVERY_TYPE_JSON[i], utf8(row.slot(2 + i)), "value " + i);
    }
    assertEquals(0, row.slot(10).length, "Feast's null is empty");
    assertEquals(Instant.parse("2025-03-04T05:06:07.123456Z"), FeastCodec.readTimestamp(row.slot(11)));
    assertEquals(EVERY_TYPE_JSON[0], utf8(row.slot(12)));
    assertEquals(1_741_064_767_123_456L, PackedValue.eventMicros(packed));
  }

  @Test
  void givenAVersion1ValueWhenDecodedThenItsProtobufValuesReadAsTheSameJson() {
    byte[] v1 = version1(1_741_064_767_123_456L, EVERY_TYPE);
    int[] slots = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, PackedValue.EVENT_TIME};
    PackedValue.Row row = PackedValue.decode(ByteBuffer.wrap(v1), slots);
    for (int i = 0; i <= 9; i++) {
      assertEquals(EVERY_TYPE_JSON[i], utf8(row.slot(i)), "value " + i);
    }
    assertEquals(Instant.parse("2025-03-04T05:06:07.123456Z"), FeastCodec.readTimestamp(row.slot(10)));
  }

  @Test
  void givenAVersion1ValueWhenTheSameEventTimeIsWrittenThenTheNewVersionReplacesItAndNotTheOtherWayRound() {
    byte[] v1 = version1(5, EVERY_TYPE);
    byte[] v2 = PackedValue.encode(5, null, EVERY_TYPE);
    assertTrue(PackedValue.newer(v2, v1), "same time, newer encoding: replaced (a rematerialization upgrades)");
    assertTrue(!PackedValue.newer(v1, v2), "same time, older encoding: kept");
    assertTrue(!PackedValue.newer(v2, version1(6, EVERY_TYPE)), "an older time never replaces a newer one, whatever its encoding");
  }

  @Test
  void givenAValueInsideALargerBufferWhenDecodedThenOnlyItsBytesAreRead() {
    byte[] packed = PackedValue.encode(-1, null, EVERY_TYPE);
    byte[] around = new byte[packed.length + 10];
    System.arraycopy(packed, 0, around, 5, packed.length);
    PackedValue.Row row = PackedValue.decode(ByteBuffer.wrap(around, 5, packed.length), new int[] {PackedValue.SCOPE, 4, PackedValue.EVENT_TIME});
    assertEquals(0, row.slot(0).length, "no scope");
    assertEquals(EVERY_TYPE_JSON[4], utf8(row.slot(1)));
    assertEquals(Instant.ofEpochSecond(0).minusNanos(1_000), FeastCodec.readTimestamp(row.slot(2)));
  }

  @Test
  void givenAFeatureTheValueDoesNotHoldWhenDecodedThenItsSlotIsAbsentAndTheOthersRead() {
    byte[] scope = "3:day=1:2".getBytes(StandardCharsets.UTF_8);
    PackedValue.Row row = PackedValue.decode(ByteBuffer.wrap(PackedValue.encode(5, scope, EVERY_TYPE)), new int[] {EVERY_TYPE.length, 0, PackedValue.SCOPE});
    assertNull(row.slot(0), "a feature added to the view after the value was written");
    assertEquals(EVERY_TYPE_JSON[0], utf8(row.slot(1)));
    assertTrue(row.slotEquals(2, scope));
    assertTrue(!row.slotEquals(2, "3:day=1:3".getBytes(StandardCharsets.UTF_8)));
    assertTrue(!row.slotEquals(0, new byte[0]), "an absent slot equals nothing");
  }

  @Test
  void givenEventTimesWhenComparedAsBytesThenTheyOrderAsTimes() {
    long[] times = {Long.MIN_VALUE, -1_000_000, -1, 0, 1, 255, 256, 1_741_064_767_123_456L, Long.MAX_VALUE};
    for (int i = 0; i + 1 < times.length; i++) {
      byte[] older = PackedValue.encode(times[i], null, new byte[0][]);
      byte[] newer = PackedValue.encode(times[i + 1], null, new byte[0][]);
      assertTrue(PackedValue.newer(newer, older), times[i + 1] + " after " + times[i]);
      assertTrue(!PackedValue.newer(older, newer));
      assertTrue(!PackedValue.newer(older, older), "equal is not newer");
      assertTrue(Arrays.compareUnsigned(newer, 1, 9, older, 1, 9) > 0);
    }
  }

  @Test
  void givenAnotherVersionOrATruncatedValueWhenDecodedThenItReadsAsAbsent() {
    byte[] packed = PackedValue.encode(5, null, EVERY_TYPE);
    byte[] future = packed.clone();
    future[0] = 3;
    assertNull(PackedValue.decode(ByteBuffer.wrap(future), new int[] {0}));
    assertNull(PackedValue.decode(ByteBuffer.wrap(Arrays.copyOf(packed, packed.length - 1)), new int[] {0}));
    assertNull(PackedValue.decode(ByteBuffer.wrap(Arrays.copyOf(packed, 5)), new int[] {0}));
    assertNull(PackedValue.decode(ByteBuffer.wrap(new byte[0]), new int[] {0}));
  }

  /** Version 1 as its javadoc laid it out, built here by hand: the values as serialized feast.types.Values. */
  static byte[] version1(long micros, byte[][] values) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(1);
    out.writeBytes(ByteBuffer.allocate(8).putLong(micros ^ Long.MIN_VALUE).array());
    out.write(0);
    out.write(values.length);
    for (byte[] v : values) {
      int n = v.length;
      while ((n & ~0x7f) != 0) {
        out.write((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      out.write(n);
      out.writeBytes(v);
    }
    return out.toByteArray();
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void givenAnEntityKeyWhenKeyedForAViewThenTheKeyIsTheHashKeyAndTheView() {
    byte[] entity = {1, 2, 3};
    assertArrayEquals(new byte[] {1, 2, 3, '#', 'g', 'g', '1', ':', 'v'}, PackedValue.key(entity, "v"));
  }
}
