package io.goldgate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
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
}
