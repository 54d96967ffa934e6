package io.goldgate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldSetTest {

  private static final FieldSet FIELDS = FieldSet.of(List.of(bytes("_ts:view"), bytes("f1"), bytes("f2"), bytes("f3")));

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A field as Lettuce hands it over: a slice of a direct buffer holding more of the reply. */
  private static ByteBuffer inReply(String field) {
    byte[] around = bytes("$2\r\n" + field + "\r\n");
    ByteBuffer direct = ByteBuffer.allocateDirect(around.length).put(around).flip();
    return direct.position(4).limit(4 + field.length());
  }

  @Test
  void givenFieldsInTheWrittenOrder_whenFindingEachAfterThePrevious_thenEveryPositionIsRight() {
    int position = -1;
    for (String field : List.of("_ts:view", "f1", "f2", "f3")) {
      position = FIELDS.find(inReply(field), position + 1);
      assertEquals(List.of("_ts:view", "f1", "f2", "f3").indexOf(field), position, field);
    }
  }

  @Test
  void givenAWrongOrAbsentGuess_whenFinding_thenTheLookupStillFindsTheField() {
    assertEquals(3, FIELDS.find(inReply("f3"), 1));
    assertEquals(0, FIELDS.find(inReply("_ts:view"), 4));
    assertEquals(2, FIELDS.find(inReply("f2"), -1));
  }

  @Test
  void givenAFieldThatIsNotWanted_whenFinding_thenMinusOne() {
    assertEquals(-1, FIELDS.find(inReply("f4"), 1));
    assertEquals(-1, FIELDS.find(inReply("f"), 1), "a prefix of a wanted field is another field");
    assertEquals(-1, FIELDS.find(inReply("f11"), 1), "so is a longer one");
  }

  @Test
  void givenFourByteFieldsAsFeastNamesThem_whenFinding_thenOnlyTheSameFourBytesMatch() {
    FieldSet hashed = FieldSet.of(List.of(bytes("_ts:view"), new byte[] {1, 2, 3, 4}, new byte[] {(byte) 0xff, 0, 0, 1}));
    assertEquals(1, hashed.find(inReply(new byte[] {1, 2, 3, 4}), 1));
    assertEquals(2, hashed.find(inReply(new byte[] {(byte) 0xff, 0, 0, 1}), 2));
    assertEquals(1, hashed.find(inReply(new byte[] {1, 2, 3, 4}).order(ByteOrder.LITTLE_ENDIAN), 1), "whatever order the buffer reads in");
    assertEquals(-1, hashed.find(inReply(new byte[] {1, 2, 3, 5}), 1), "one byte off is another field");
    assertEquals(2, hashed.find(inReply(new byte[] {(byte) 0xff, 0, 0, 1}), 1), "a wrong guess falls back to the lookup");
  }

  private static ByteBuffer inReply(byte[] field) {
    ByteBuffer direct = ByteBuffer.allocateDirect(field.length + 6).put(bytes("$4\r\n")).put(field).put((byte) '\r').flip();
    return direct.position(4).limit(4 + field.length);
  }
}
