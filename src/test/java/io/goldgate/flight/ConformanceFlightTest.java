package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tables the sample lake lacks, written by delta-rs (src/test/conformance-lake): strings whose
 * UTF-16 and code-point orders differ, and Parquet in Brotli (which arrow-dataset's native library
 * was built without) and in Hadoop-framed LZ4. Values are checked against EXPECTED.json, which is
 * what pyarrow reads from the same files; the interop suite compares against deltalake as well.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class ConformanceFlightTest {

  private static final CallOption AUTH = FlightTest.bearer(SampleLake.CONFORMANCE_TOKEN);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject FlightService flight;

  private BufferAllocator allocator;
  private FlightClient client;

  @BeforeEach
  void connect() {
    allocator = new RootAllocator();
    client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build();
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    allocator.close();
  }

  private static String equal(String column, String value) {
    return compare("equal", column, "string", value);
  }

  private static String compare(String op, String column, String type, String value) {
    return "{\"op\":\"" + op + "\",\"children\":[{\"op\":\"column\",\"name\":\"" + column + "\",\"valueType\":\"" + type
        + "\"},{\"op\":\"literal\",\"value\":\"" + value + "\",\"valueType\":\"" + type + "\"}]}";
  }

  /** Every row of every endpoint, each as column name -> value in the JSON shape of EXPECTED.json. */
  private List<Map<String, Object>> rows(FlightInfo info) throws Exception {
    return rows(info, AUTH);
  }

  private List<Map<String, Object>> rows(FlightInfo info, CallOption auth) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FlightEndpoint endpoint : info.getEndpoints()) {
      try (FlightStream stream = client.getStream(endpoint.getTicket(), auth)) {
        while (stream.next()) {
          VectorSchemaRoot root = stream.getRoot();
          for (int r = 0; r < root.getRowCount(); r++) {
            Map<String, Object> row = new TreeMap<>();
            for (FieldVector v : root.getFieldVectors()) {
              row.put(v.getName(), cell(v, r));
            }
            rows.add(row);
          }
        }
      }
    }
    return rows;
  }

  private static Object cell(FieldVector v, int r) {
    if (v.isNull(r)) {
      return null;
    }
    return switch (v) {
      case BaseIntVector i -> i.getValueAsLong(r);
      case Float4Vector f -> (double) f.get(r);
      case Float8Vector f -> f.get(r);
      case DecimalVector d -> d.getObject(r);
      case VarCharVector s -> new String(s.get(r), StandardCharsets.UTF_8);
      case VarBinaryVector b -> HexFormat.of().formatHex(b.get(r));
      case BitVector b -> b.get(r) == 1;
      case DateDayVector d -> (long) d.get(r);
      case TimeStampVector t -> t.get(r);
      default -> throw new AssertionError("unexpected vector " + v.getField());
    };
  }

  /** EXPECTED.json's value of a column, in the form {@link #cell} gives. */
  private static Object expected(String column, JsonNode value) {
    if (value.isNull()) {
      return null;
    }
    return switch (column) {
      case "f32", "f64" -> switch (value.asText()) {
        case "nan" -> Double.NaN;
        case "inf" -> Double.POSITIVE_INFINITY;
        case "-inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(value.asText());
      };
      case "dec", "dec2" -> new BigDecimal(value.asText());
      case "s", "bin", "part" -> value.asText();
      case "flag" -> value.asBoolean();
      default -> value.asLong();
    };
  }

  private static Map<Long, Map<String, Object>> expectedRows() throws Exception {
    JsonNode root = JSON.readTree(Files.readString(SampleLake.CONFORMANCE_LAKE.resolve("EXPECTED.json")));
    Map<Long, Map<String, Object>> rows = new HashMap<>();
    for (JsonNode row : root.get("rows")) {
      Map<String, Object> values = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        values.put(e.getKey(), expected(e.getKey(), e.getValue()));
      }
      rows.put((Long) values.get("id"), values);
    }
    return rows;
  }

  private void assertSameRows(String table) throws Exception {
    Map<Long, Map<String, Object>> expected = expectedRows();
    List<Map<String, Object>> read = rows(client.getInfo(FlightDescriptor.path("conformance", "lake", table), AUTH));
    assertEquals(expected.size(), read.size(), table + ": rows");
    for (Map<String, Object> row : read) {
      Map<String, Object> want = expected.get((Long) row.get("id"));
      assertEquals(want.keySet(), row.keySet(), table + ": columns");
      for (String column : want.keySet()) {
        Object w = want.get(column);
        Object got = row.get(column);
        if (w instanceof Double d) {
          assertEquals(Double.doubleToLongBits(d), Double.doubleToLongBits((Double) got), table + " id " + row.get("id") + " " + column + ": " + w + " vs " + got);
        } else {
          assertEquals(w, got, table + " id " + row.get("id") + " " + column);
        }
      }
    }
  }

  @Test
  void aBrotliTableReadsEqualToPyarrowsRead() throws Exception {
    assertSameRows("brotli_mixed");
  }

  @Test
  void aHadoopLz4TableReadsEqualToPyarrowsRead() throws Exception {
    assertSameRows("lz4_hadoop_mixed");
  }

  @Test
  void aBrotliTableAnswersFlightSqlWithAFilter() throws Exception {
    FlightSqlClient sql = new FlightSqlClient(client);
    FlightInfo info = sql.execute("SELECT id, s FROM conformance.lake.brotli_mixed WHERE part = '𠮷' AND id >= 10", AUTH);
    long expected = expectedRows().values().stream().filter(r -> r.get("part").equals("𠮷") && (Long) r.get("id") >= 10).count();
    List<Map<String, Object>> rows = rows(info);
    assertTrue(expected > 0);
    assertEquals(expected, rows.size());
    rows.forEach(r -> assertEquals(List.of("id", "s"), List.copyOf(r.keySet())));
  }

  @Test
  void anAstralPlaneEqualityFindsItsRowsInAFileWhoseStatsSpanHalfwidthForms() throws Exception {
    // The first file of unicode_strings holds 24 x 'ｱ' (U+FF71) and 24 x '𠮷' (U+20BB7): min 'ｱ', max '𠮷'.
    FlightInfo info = client.getInfo(command("{\"table\":\"conformance.lake.unicode_strings\",\"predicate\":" + equal("s", "𠮷") + "}"), AUTH);
    List<Map<String, Object>> rows = rows(info);
    assertEquals(24, rows.size());
    rows.forEach(r -> assertEquals("𠮷", r.get("s")));
  }

  @Test
  void theExactRowFilterOrdersStringsByCodePoint() throws Exception {
    // s > 'ｱ' holds for the 24 '𠮷' of the first file and the 12 emoji of the third ('ｚ' U+FF5A and
    // U+E000 are below 'ｱ'); n = 1000 adds one ASCII row of the second file.
    String either = "{\"op\":\"or\",\"children\":[" + compare("greaterThan", "s", "string", "ｱ") + "," + compare("equal", "n", "long", "1000") + "]}";
    List<Map<String, Object>> rows = rows(client.getInfo(command("{\"table\":\"conformance.lake.unicode_strings\",\"predicate\":" + either + "}"), AUTH));
    Map<Object, Long> counts = new TreeMap<>();
    rows.forEach(r -> counts.merge(r.get("s"), 1L, Long::sum));
    assertEquals(Map.of("𠮷", 24L, "😀", 6L, "😁", 6L, "a", 1L), counts);
  }

  @Test
  void flightSqlWhereOrdersStringsByCodePoint() throws Exception {
    FlightSqlClient sql = new FlightSqlClient(client);
    List<Map<String, Object>> rows = rows(sql.execute("SELECT s FROM conformance.lake.unicode_strings WHERE s >= '\uffff'", AUTH));
    Map<Object, Long> counts = new TreeMap<>();
    rows.forEach(r -> counts.merge(r.get("s"), 1L, Long::sum));
    assertEquals(Map.of("𠮷", 24L, "😀", 6L, "😁", 6L), counts);
  }

  /** How reading every endpoint of the table fails. */
  private FlightRuntimeException failedRead(FlightDescriptor table, CallOption auth) {
    return assertThrows(FlightRuntimeException.class, () -> rows(client.getInfo(table, auth), auth));
  }

  @Test
  void aCodecNothingHereDecodesIsRefusedNamingTableFileAndCodec() {
    FlightRuntimeException e = failedRead(FlightDescriptor.path("conformance", "lake", "lzo_labelled"), AUTH);
    assertEquals(FlightStatusCode.UNIMPLEMENTED, e.status().code());
    String message = e.status().description();
    assertTrue(message.startsWith("Table conformance.lake.lzo_labelled: data file part=north/"), message);
    assertTrue(message.endsWith("(Parquet, codec LZO) cannot be read: codec LZO is not supported"), message);
  }

  @Test
  void aDamagedBrotliPageIsADataErrorNamingTableFileAndCodec() {
    FlightRuntimeException e = failedRead(FlightDescriptor.path("conformance", "lake", "corrupt_brotli"), AUTH);
    assertEquals(FlightStatusCode.INTERNAL, e.status().code());
    String message = e.status().description();
    assertTrue(message.startsWith("Table conformance.lake.corrupt_brotli: data file part=north/"), message);
    assertTrue(message.contains("(Parquet, codec BROTLI) cannot be read: a page of column "), message);
    assertFalse(message.contains(SampleLake.CONFORMANCE_LAKE.toString()) || message.contains("/tmp/"), "no server path: " + message);
  }

  @Test
  void aDataFileMissingFromStorageIsNamedWithItsTable() {
    FlightRuntimeException e = failedRead(FlightDescriptor.path("retail", "history", "missing_file_customers"), FlightTest.PARTNER);
    assertEquals(FlightStatusCode.NOT_FOUND, e.status().code());
    String message = e.status().description();
    assertTrue(message.startsWith("Table retail.history.missing_file_customers: data file ") && message.endsWith(".parquet is missing from storage"), message);
  }

  private static FlightDescriptor command(String json) {
    return FlightDescriptor.command(json.getBytes(StandardCharsets.UTF_8));
  }
}
