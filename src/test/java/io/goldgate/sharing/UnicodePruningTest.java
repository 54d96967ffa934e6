package io.goldgate.sharing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stats pruning on a table written by delta-rs whose string stats order differently in UTF-16 and
 * in code points (src/test/conformance-lake/unicode_strings): the file with min 'ｱ' (U+FF71) and
 * max '𠮷' (U+20BB7), 48 rows, must answer hints for either string.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class UnicodePruningTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE = "/delta-sharing/shares/conformance/schemas/lake/tables/unicode_strings";

  private static List<Long> recordCounts(String hint, String sqlHint) {
    var body = JSON.createObjectNode();
    if (hint != null) body.put("jsonPredicateHints", hint);
    if (sqlHint != null) body.putArray("predicateHints").add(sqlHint);
    String answer =
        given().header("Authorization", "Bearer " + SampleLake.CONFORMANCE_TOKEN).contentType(ContentType.JSON).body(body.toString())
            .post(TABLE + "/query").then().statusCode(200).extract().asString();
    return Ndjson.actions(Ndjson.lines(answer), "file").stream()
        .map(f -> f.get("stats").asText())
        .map(UnicodePruningTest::numRecords)
        .sorted()
        .toList();
  }

  private static long numRecords(String stats) {
    try {
      return JSON.readTree(stats).get("numRecords").asLong();
    } catch (Exception e) {
      throw new AssertionError(stats, e);
    }
  }

  private static String hint(String op, String value) {
    return "{\"op\":\"" + op + "\",\"children\":[{\"op\":\"column\",\"name\":\"s\",\"valueType\":\"string\"},{\"op\":\"literal\",\"value\":\"" + value + "\",\"valueType\":\"string\"}]}";
  }

  @Test
  void anAstralPlaneEqualityKeepsTheFileHoldingIt() {
    assertEquals(List.of(48L), recordCounts(hint("equal", "𠮷"), null));
    // 'ｱ' also lies within the emoji file's bounds (U+E000 .. U+1F601); '𠮷' is above them.
    assertEquals(List.of(24L, 48L), recordCounts(hint("equal", "ｱ"), null));
  }

  @Test
  void rangesFollowCodePointOrder() {
    // > 'ｱ': the 'ｱ'/'𠮷' file and the emoji file (max '😁'); the ASCII file (max 'z') is skipped.
    assertEquals(List.of(24L, 48L), recordCounts(hint("greaterThan", "ｱ"), null));
    // < U+E000: only the ASCII file; the emoji file's minimum is U+E000 itself.
    assertEquals(List.of(24L), recordCounts(hint("lessThan", "\uE000"), null));
    assertEquals(List.of(24L, 24L, 48L), recordCounts(null, null));
  }

  @Test
  void linesNeverBreakInsideAValueWhateverLineSeparatorItHolds() {
    // brotli_mixed has a partition value holding U+2028 and U+0085, which Python's str.splitlines
    // (the stock client's NDJSON reader) splits on: they must leave the gateway escaped.
    String body =
        given().header("Authorization", "Bearer " + SampleLake.CONFORMANCE_TOKEN).contentType(ContentType.JSON).body("{}")
            .post("/delta-sharing/shares/conformance/schemas/lake/tables/brotli_mixed/query").then().statusCode(200).extract().asString();
    for (char separator : new char[] {'\u0085', '\u2028', '\u2029'}) {
      assertEquals(-1, body.indexOf(separator), "raw U+" + Integer.toHexString(separator));
    }
    List<String> parts = Ndjson.actions(Ndjson.lines(body), "file").stream().map(f -> f.get("partitionValues").get("part").asText()).toList();
    assertEquals(true, parts.contains("a\u2028b\u0085c"), parts.toString());
  }

  @Test
  void sqlHintsFollowCodePointOrderToo() {
    assertEquals(List.of(48L), recordCounts(null, "s = '𠮷'"));
    assertEquals(List.of(24L, 48L), recordCounts(null, "s > 'ｱ'"));
  }
}
