package io.goldgate.lake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.lake.predicate.FilePruner;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.JsonPredicates;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pruning by the stats real writers put in the log, for every type whose stats can mislead: a
 * file is skipped only when no row in it can match, whatever the writer rounded, truncated or left
 * out. Stats strings are the shapes delta-rs 1.6 and Delta Spark write.
 */
class StatsPruningTest {

  private static final String SCHEMA =
      """
      {"type":"struct","fields":[
        {"name":"s","type":"string","nullable":true,"metadata":{}},
        {"name":"f32","type":"float","nullable":true,"metadata":{}},
        {"name":"f64","type":"double","nullable":true,"metadata":{}},
        {"name":"dec","type":"decimal(38,2)","nullable":true,"metadata":{}},
        {"name":"ts","type":"timestamp","nullable":true,"metadata":{}},
        {"name":"ntz","type":"timestamp_ntz","nullable":true,"metadata":{}},
        {"name":"flag","type":"boolean","nullable":true,"metadata":{}},
        {"name":"part","type":"double","nullable":true,"metadata":{}},
        {"name":"region","type":"string","nullable":true,"metadata":{}}
      ]}""";

  private static final TableColumns COLUMNS = new TableColumns(SCHEMA, List.of("part", "region"));

  private static boolean mayMatch(String stats, String op, String column, String type, String value) {
    return mayMatch(stats, Map.of(), op, column, type, value);
  }

  private static boolean mayMatch(String stats, Map<String, String> partitionValues, String op, String column, String type, String value) {
    String json =
        "{\"op\":\"" + op + "\",\"children\":[{\"op\":\"column\",\"name\":\"" + column + "\",\"valueType\":\"" + type
            + "\"},{\"op\":\"literal\",\"value\":\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"valueType\":\"" + type + "\"}]}";
    return mayMatch(stats, partitionValues, json);
  }

  /** Whether a file with these stats and partition values may hold a row the JSON predicate matches. */
  private static boolean mayMatch(String stats, Map<String, String> partitionValues, String json) {
    DataFile file = new DataFile("f.parquet", 1, 0, partitionValues, stats, true, null);
    Filter filter = JsonPredicates.parse(json).orElseThrow(() -> new AssertionError("did not parse: " + json));
    DataFile.FileStats parsed = file.parsedStats();
    return FilePruner.mayMatch(
        filter,
        name -> file.range(COLUMNS.find(name), parsed),
        name -> COLUMNS.find(name).valueType());
  }

  private static String stats(String column, String min, String max) {
    return "{\"numRecords\":48,\"minValues\":{\"" + column + "\":" + min + "},\"maxValues\":{\"" + column + "\":" + max + "},\"nullCount\":{\"" + column + "\":0}}";
  }

  @Test
  void astralPlaneStringsAreAboveHalfwidthForms() {
    // The file of the issue: 24 rows of each, stats written by delta-rs.
    String file = stats("s", "\"ｱ\"", "\"𠮷\"");
    assertTrue(mayMatch(file, "equal", "s", "string", "𠮷"));
    assertTrue(mayMatch(file, "equal", "s", "string", "ｱ"));
    assertTrue(mayMatch(file, "greaterThan", "s", "string", "ｱ"));
    assertTrue(mayMatch(file, "greaterThanOrEqual", "s", "string", "😀"), "U+1F600 lies between U+FF71 and U+20BB7");
    assertFalse(mayMatch(file, "greaterThan", "s", "string", "𠮷"));
    assertFalse(mayMatch(file, "lessThan", "s", "string", "ｱ"));
    assertFalse(mayMatch(file, "equal", "s", "string", "z"), "ASCII is below both bounds");
    assertFalse(mayMatch(file, "equal", "s", "string", Character.toString(0x2F800)), "U+2F800 is above the maximum");
  }

  @Test
  void aTruncatedStringMaximumBoundsNothing() {
    // Delta Spark keeps 32 characters and appends U+FFFD, which is below U+1F600 in code points.
    String prefix = "a".repeat(32);
    String file = stats("s", "\"" + prefix + "\"", "\"" + prefix + "\ufffd\"");
    assertTrue(mayMatch(file, "equal", "s", "string", prefix + "😀"));
    assertFalse(mayMatch(file, "lessThan", "s", "string", "a"), "the minimum, a prefix, still bounds");
    // delta-rs keeps 64 bytes and rounds the last character up: still a bound.
    String rounded = stats("s", "\"" + "中".repeat(21) + "\"", "\"" + "中".repeat(20) + "丮\"");
    assertFalse(mayMatch(rounded, "greaterThan", "s", "string", "中".repeat(20) + "丮"));
    assertTrue(mayMatch(rounded, "equal", "s", "string", "中".repeat(40)));
  }

  @Test
  void floatStatsAreTheFloatsTheColumnHolds() {
    // 0.1f is 0.10000000149011612 as a double: a double literal 0.1 is below it.
    String file = stats("f32", "0.10000000149011612", "0.10000000149011612");
    assertTrue(mayMatch(file, "greaterThan", "f32", "double", "0.1"));
    assertFalse(mayMatch(file, "lessThan", "f32", "double", "0.1"));
    assertTrue(mayMatch(stats("f32", "0.1", "0.1"), "greaterThan", "f32", "double", "0.1"), "stats written as the float's shortest text");
  }

  @Test
  void nanIsAboveEveryNumberAndLeftOutOfStats() {
    // delta-rs leaves NaN out of min/max: a file of {1.0, NaN} has max 1.0.
    String file = stats("f64", "1.0", "1.0");
    assertTrue(mayMatch(file, "greaterThan", "f64", "double", "5"), "NaN > 5 in SQL order");
    assertTrue(mayMatch(file, "equal", "f64", "double", "NaN"));
    assertFalse(mayMatch(file, "lessThan", "f64", "double", "0"), "the minimum still bounds");
    assertFalse(mayMatch(file, "equal", "f64", "double", "0.5"));
  }

  @Test
  void negativeZeroEqualsZero() {
    assertTrue(mayMatch(stats("f64", "-0.0", "-0.0"), "equal", "f64", "double", "0.0"));
    assertTrue(mayMatch(stats("f64", "0.0", "0.0"), "lessThanOrEqual", "f64", "double", "-0.0"));
    assertTrue(mayMatch("{}", Map.of("part", "-0.0"), "equal", "part", "double", "0"));
    assertFalse(mayMatch("{}", Map.of("part", "-0.0"), "lessThan", "part", "double", "0"));
  }

  @Test
  void decimalStatsRoundedToDoublesAreWidened() {
    // delta-rs writes decimal bounds as doubles: 123456789012345678901234.55 becomes 1.2345678901234568E23.
    String file = stats("dec", "1.2345678901234568E23", "1.2345678901234568E23");
    assertTrue(mayMatch(file, "equal", "dec", "double", "123456789012345678901234.55"));
    assertTrue(mayMatch(file, "greaterThan", "dec", "double", "123456789012345678901234.55"));
    assertFalse(mayMatch(file, "greaterThan", "dec", "double", "1.3E23"));
    // Spark writes them exactly, at any scale.
    assertTrue(mayMatch(stats("dec", "1.50", "2.5"), "equal", "dec", "double", "1.5000"));
    assertFalse(mayMatch(stats("dec", "1.50", "2.5"), "equal", "dec", "double", "2.51"));
  }

  @Test
  void timestampStatsMayBeTruncatedEitherWay() {
    // -1,500 microseconds, truncated towards zero by a writer: the minimum reads .999.
    String file = stats("ts", "\"1969-12-31T23:59:59.999Z\"", "\"1970-01-01T00:00:00.000Z\"");
    assertTrue(mayMatch(file, "lessThan", "ts", "timestamp", "1969-12-31T23:59:59.9986Z"));
    assertTrue(mayMatch(file, "greaterThan", "ts", "timestamp", "1970-01-01T00:00:00.000500Z"));
    assertFalse(mayMatch(file, "greaterThan", "ts", "timestamp", "1970-01-01T00:00:00.002Z"));
    // Offsets other than Z, as Spark writes them in its session time zone.
    assertTrue(mayMatch(stats("ts", "\"2024-01-01T01:00:00.000+01:00\"", "\"2024-01-01T01:00:00.000+01:00\""), "equal", "ts", "timestamp", "2024-01-01T00:00:00Z"));
    // timestamp_ntz stats have no zone and a space (delta-rs).
    String ntz = stats("ntz", "\"2024-05-01 10:00:00.000\"", "\"2024-05-01 11:00:00.000\"");
    assertTrue(mayMatch(ntz, "equal", "ntz", "timestamp", "2024-05-01T10:30:00Z"));
    assertFalse(mayMatch(ntz, "greaterThan", "ntz", "timestamp", "2024-05-01T11:00:01Z"));
  }

  @Test
  void anEmptyPartitionValueIsNullForStringsToo() {
    // delta-rs writes "" for an empty string partition and reads it back as null, as the protocol says.
    String isNull = "{\"op\":\"isNull\",\"children\":[{\"op\":\"column\",\"name\":\"region\",\"valueType\":\"string\"}]}";
    assertTrue(mayMatch("{}", Map.of("region", ""), isNull));
    assertFalse(mayMatch("{}", Map.of("region", ""), "equal", "region", "string", ""));
    assertFalse(mayMatch("{}", Map.of("region", ""), "lessThanOrEqual", "region", "string", "a"));
  }

  @Test
  void booleansAndNulls() {
    String allTrue = stats("flag", "true", "true");
    assertFalse(mayMatch(allTrue, "equal", "flag", "bool", "false"));
    assertTrue(mayMatch(allTrue, "greaterThan", "flag", "bool", "false"));
    String allNull = "{\"numRecords\":3,\"minValues\":{},\"maxValues\":{},\"nullCount\":{\"flag\":3}}";
    assertFalse(mayMatch(allNull, "equal", "flag", "bool", "true"));
    String nullBounds = "{\"numRecords\":3,\"minValues\":{\"f64\":null},\"maxValues\":{\"f64\":null},\"nullCount\":{\"f64\":0}}";
    assertTrue(mayMatch(nullBounds, "greaterThan", "f64", "double", "1e308"), "an infinity written as null bounds nothing");
  }

  @Test
  void eachColumnKeepsItsOwnBoundsWhenOthersLackSome() {
    // f64 has no maximum, flag no bounds, f32 a nested minimum; an empty string is a recorded bound.
    String stats =
        "{\"numRecords\":5,\"minValues\":{\"f64\":-2.5,\"s\":\"\",\"f32\":{\"nested\":1},\"dec\":1.5},"
            + "\"maxValues\":{\"s\":\"m\",\"f32\":7.0,\"dec\":2.5},\"nullCount\":{\"s\":0,\"f64\":0,\"flag\":5,\"f32\":0,\"dec\":0}}";
    assertFalse(mayMatch(stats, "greaterThan", "s", "string", "m"), "s's maximum is m");
    assertTrue(mayMatch(stats, "equal", "s", "string", ""), "s's minimum is the empty string");
    assertFalse(mayMatch(stats, "lessThan", "s", "string", ""), "nothing is below the empty string");
    assertTrue(mayMatch(stats, "greaterThan", "f64", "double", "1e300"), "one bound missing bounds nothing");
    assertTrue(mayMatch(stats, "lessThan", "f64", "double", "-1e300"), "one bound missing bounds nothing");
    assertFalse(mayMatch(stats, "equal", "flag", "bool", "true"), "flag is null in every row");
    assertTrue(mayMatch(stats, "greaterThan", "f32", "float", "1e30"), "a nested minimum bounds nothing");
    assertFalse(mayMatch(stats, "greaterThan", "dec", "double", "3"), "dec's maximum is 2.5");
    assertFalse(mayMatch(stats, "lessThan", "dec", "double", "1"), "dec's minimum is 1.5");
    assertTrue(mayMatch(stats, "equal", "dec", "double", "2"));
  }
}
