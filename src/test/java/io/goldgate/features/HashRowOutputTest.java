package io.goldgate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashRowOutputTest {

  /** Values as Lettuce hands them over: slices of a direct buffer holding more of the reply. */
  private static ByteBuffer inReply(byte[] value, int offset, ByteOrder order) {
    ByteBuffer direct = ByteBuffer.allocateDirect(offset + value.length + 2);
    direct.position(offset).put(value).put((byte) '\r').put((byte) '\n');
    return direct.order(order).position(offset).limit(offset + value.length);
  }

  @Test
  void givenAnHgetallReply_whenDecoded_thenEachWantedValueLandsAtItsFieldsPosition() {
    FieldSet fields = FieldSet.of(List.of(bytes("_ts:v"), new byte[] {1, 2, 3, 4}, new byte[] {5, 6, 7, 8}));
    HashRowOutput output = new HashRowOutput(fields, true);
    byte[] longValue = bytes("a value longer than eight bytes");
    for (byte[] item : List.of(new byte[] {5, 6, 7, 8}, longValue, bytes("_ts:v"), bytes("ts"), new byte[] {9, 9, 9, 9}, bytes("unwanted"))) {
      output.set(inReply(item, 4, ByteOrder.BIG_ENDIAN));
    }
    byte[][] row = output.get();
    assertEquals("ts", new String(row[0]));
    assertEquals(null, row[1], "absent from the hash");
    assertEquals(Arrays.toString(longValue), Arrays.toString(row[2]));
  }

  @Test
  void givenAnHmgetReply_whenDecoded_thenValuesKeepTheOrderOfTheFieldsAndMissingOnesStayNull() {
    FieldSet fields = FieldSet.of(List.of(bytes("_ts:v"), new byte[] {1, 2, 3, 4}, new byte[] {5, 6, 7, 8}));
    HashRowOutput output = new HashRowOutput(fields, false);
    output.set(inReply(bytes("ts"), 4, ByteOrder.BIG_ENDIAN));
    output.set((ByteBuffer) null);
    output.set(inReply(bytes("a value longer than eight bytes"), 4, ByteOrder.LITTLE_ENDIAN));
    byte[][] row = output.get();
    assertEquals("ts", new String(row[0]));
    assertEquals(null, row[1], "a nil in the reply");
    assertEquals("a value longer than eight bytes", new String(row[2]));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
