package io.goldgate.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.GoldgateException;
import io.goldgate.lake.predicate.ColumnRange;
import io.goldgate.lake.predicate.FilePruner;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.JsonPredicates;
import io.goldgate.lake.predicate.TypedValues;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** File pruning semantics: a file is skipped only when no row in it can match. */
class PredicatesTest {

  private static final Map<String, Filter.ValueType> TYPES = Map.of("id", Filter.ValueType.LONG, "day", Filter.ValueType.DATE, "name", Filter.ValueType.STRING);

  private static String cmp(String op, String column, String type, String value) {
    return "{\"op\":\"" + op + "\",\"children\":[{\"op\":\"column\",\"name\":\"" + column + "\",\"valueType\":\"" + type + "\"},{\"op\":\"literal\",\"value\":\"" + value + "\",\"valueType\":\"" + type + "\"}]}";
  }

  private static boolean mayMatch(String json, Map<String, ColumnRange> file) {
    Filter filter = JsonPredicates.parse(json).orElseThrow(() -> new AssertionError("did not parse: " + json));
    return FilePruner.mayMatch(filter, c -> file.getOrDefault(c, ColumnRange.UNKNOWN), TYPES::get);
  }

  @SuppressWarnings("unchecked")
  private static ColumnRange range(Object min, Object max, boolean nulls) {
    return new ColumnRange((Comparable<Object>) min, (Comparable<Object>) max, nulls, true);
  }

  @Test
  void comparisonsUseMinAndMax() {
    var ids = Map.of("id", range(10L, 20L, false));
    assertTrue(mayMatch(cmp("equal", "id", "long", "10"), ids));
    assertFalse(mayMatch(cmp("equal", "id", "long", "21"), ids));
    assertFalse(mayMatch(cmp("lessThan", "id", "long", "10"), ids));
    assertTrue(mayMatch(cmp("lessThanOrEqual", "id", "long", "10"), ids));
    assertFalse(mayMatch(cmp("greaterThan", "id", "long", "20"), ids));
    assertTrue(mayMatch(cmp("greaterThanOrEqual", "id", "long", "20"), ids));
  }

  @Test
  void notOfEqualitySkipsOnlyAFileHoldingThatSingleValue() {
    String notTen = "{\"op\":\"not\",\"children\":[" + cmp("equal", "id", "long", "10") + "]}";
    assertFalse(mayMatch(notTen, Map.of("id", range(10L, 10L, false))));
    assertTrue(mayMatch(notTen, Map.of("id", range(10L, 11L, false))));
  }

  @Test
  void nullsNeverSatisfyAComparisonNorItsNegation() {
    ColumnRange allNull = new ColumnRange(null, null, true, false);
    assertFalse(mayMatch(cmp("equal", "id", "long", "1"), Map.of("id", allNull)));
    assertFalse(mayMatch("{\"op\":\"not\",\"children\":[" + cmp("equal", "id", "long", "1") + "]}", Map.of("id", allNull)));
    String isNull = "{\"op\":\"isNull\",\"children\":[{\"op\":\"column\",\"name\":\"id\",\"valueType\":\"long\"}]}";
    assertTrue(mayMatch(isNull, Map.of("id", allNull)));
    assertFalse(mayMatch(isNull, Map.of("id", range(1L, 2L, false))));
    assertTrue(mayMatch("{\"op\":\"not\",\"children\":[" + isNull + "]}", Map.of("id", range(1L, 2L, false))));
  }

  @Test
  void andOrCombineChildren() {
    var file = Map.of("id", range(10L, 20L, false), "day", ColumnRange.exactly(LocalDate.parse("2026-01-05")));
    String outOfRange = cmp("equal", "id", "long", "99");
    String sameDay = cmp("equal", "day", "date", "2026-01-05");
    assertFalse(mayMatch("{\"op\":\"and\",\"children\":[" + outOfRange + "," + sameDay + "]}", file));
    assertTrue(mayMatch("{\"op\":\"or\",\"children\":[" + outOfRange + "," + sameDay + "]}", file));
  }

  @Test
  void unknownColumnsAndStatsKeepTheFile() {
    assertTrue(mayMatch(cmp("equal", "missing", "int", "1"), Map.of()));
    assertTrue(mayMatch(cmp("equal", "id", "long", "1"), Map.of("id", new ColumnRange(null, null, true, true))));
  }

  @Test
  void theTableTypeWinsOverTheClientsValueType() {
    assertFalse(mayMatch(cmp("greaterThan", "id", "string", "9"), Map.of("id", range(1L, 5L, false))), "compared as numbers, not strings");
  }

  @Test
  void invalidTreesAreRejectedByTheParser() {
    assertTrue(JsonPredicates.parse("{\"op\":\"and\",\"children\":[" + cmp("equal", "id", "long", "1") + "]}").isEmpty(), "and needs two children");
    assertTrue(JsonPredicates.parse("{\"op\":\"equal\",\"children\":[]}").isEmpty());
    assertTrue(JsonPredicates.parse("{\"op\":\"column\"}").isEmpty());
    assertTrue(JsonPredicates.parse(cmp("equal", "id", "uuid", "1")).isEmpty());
    assertTrue(JsonPredicates.parse("[").isEmpty());
  }

  private static String nots(int depth) {
    return "{\"op\":\"not\",\"children\":[".repeat(depth) + cmp("equal", "id", "long", "1") + "]}".repeat(depth);
  }

  private static GoldgateException refused(String json) {
    GoldgateException e = assertThrows(GoldgateException.class, () -> JsonPredicates.parse(json));
    assertEquals(GoldgateException.Kind.INVALID_ARGUMENT, e.kind());
    return e;
  }

  @Test
  void treesBeyondALimitAreRefusedNamingIt() {
    assertTrue(JsonPredicates.parse(nots(64)).isPresent(), "64 levels above a comparison are accepted");
    String tooDeep = "jsonPredicateHints is nested more than 64 levels deep; the limit is 64";
    assertEquals(tooDeep, refused(nots(65)).getMessage());
    // Deep enough for Jackson's own nesting limit to stop it before the tree is built.
    assertEquals(tooDeep, refused(nots(20_000)).getMessage());
    assertEquals(tooDeep, refused("[".repeat(100_000)).getMessage());

    String wide = "{\"op\":\"or\",\"children\":[" + String.join(",", java.util.Collections.nCopies(1_001, cmp("equal", "id", "long", "1"))) + "]}";
    assertEquals("jsonPredicateHints: an 'or' node has 1001 children; the limit is 1000", refused(wide).getMessage());

    String and = "{\"op\":\"and\",\"children\":[" + String.join(",", java.util.Collections.nCopies(1_000, cmp("equal", "id", "long", "1"))) + "]}";
    String many = "{\"op\":\"or\",\"children\":[" + and + "," + and + "," + and + ",{\"op\":\"not\",\"children\":[" + and + "]}]}";
    assertEquals("jsonPredicateHints has more than 10000 nodes; the limit is 10000", refused(many).getMessage());

    assertTrue(JsonPredicates.parse(cmp("equal", "name", "string", "x".repeat(16_384))).isPresent());
    assertEquals("jsonPredicateHints has a literal of 16385 characters; the limit is 16384",
        refused(cmp("equal", "name", "string", "x".repeat(16_385))).getMessage());
    assertEquals("jsonPredicateHints has a column name of 16385 characters; the limit is 16384",
        refused(cmp("equal", "x".repeat(16_385), "string", "x")).getMessage());
    assertEquals("jsonPredicateHints is 1048577 characters long; the limit is 1048576",
        refused(cmp("equal", "name", "string", "x") + " ".repeat(1_048_577 - cmp("equal", "name", "string", "x").length())).getMessage());
  }

  @Test
  void theStrictReaderRefusesWhatTheHintParserSkips() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonPredicates.read("{\"op\":\"like\"}", "predicate"));
    assertEquals("unknown op like", e.getMessage());
    GoldgateException limit = assertThrows(GoldgateException.class, () -> JsonPredicates.read(nots(65), "The predicate"));
    assertEquals("The predicate is nested more than 64 levels deep; the limit is 64", limit.getMessage());
  }

  @Test
  void integerColumnsCompareWithAnyNumericLiteral() {
    var ids = Map.of("id", range(10L, 20L, false));
    assertTrue(mayMatch(cmp("lessThan", "id", "double", "10.5"), ids));
    assertFalse(mayMatch(cmp("greaterThan", "id", "double", "20.5"), ids));
    assertTrue(mayMatch(cmp("lessThan", "id", "double", "Infinity"), ids));
    assertFalse(mayMatch(cmp("greaterThan", "id", "double", "1e400"), ids));
    assertFalse(mayMatch(cmp("equal", "id", "double", "NaN"), ids));
  }

  @Test
  void timestampsParseInEveryFormTheLogAndClientsUse() {
    var a = TypedValues.parseLiteral("2026-01-07T23:00:34Z", Filter.ValueType.TIMESTAMP);
    assertEquals(a, TypedValues.parseLiteral("2026-01-07 23:00:34", Filter.ValueType.TIMESTAMP));
    assertEquals(a, TypedValues.parseLiteral("2026-01-07T23:00:34.000Z", Filter.ValueType.TIMESTAMP));
    assertEquals(a, TypedValues.parseLiteral("2026-01-08T00:00:34+01:00", Filter.ValueType.TIMESTAMP));
  }
}
