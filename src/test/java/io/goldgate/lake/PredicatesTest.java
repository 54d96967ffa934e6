package io.goldgate.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    String deep = "{\"op\":\"not\",\"children\":[".repeat(200) + cmp("equal", "id", "long", "1") + "]}".repeat(200);
    assertTrue(JsonPredicates.parse(deep).isEmpty(), "hostile nesting is refused, not a stack overflow");
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
