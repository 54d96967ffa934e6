package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * Flight SQL queries beyond the simple SELECT, through Arrow's FlightSqlClient: what the engine may
 * reach (only governed tables, no files, no settings), that its two ways of reading a table give
 * the same rows, and that queries can be cancelled. Expected counts are the fixtures' (computed
 * with delta-rs, see RestrictedFlightTest and EXPECTED.md).
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class SqlEngineTest extends SqlTestBase {

  static final CallOption ANALYST = FlightTest.bearer(SampleLake.ANALYST_TOKEN);
  static final CallOption PARTNER = FlightTest.bearer(SampleLake.PARTNER_TOKEN);

  FlightRuntimeException refused(String query, CallOption auth) {
    return assertThrows(FlightRuntimeException.class, () -> rows(query, auth), query);
  }

  @Test
  void aggregatesJoinsAndSubqueriesRun() throws Exception {
    // Rows per region of sales_daily: EMEA 31, APAC 32, AMER 28 (delta-rs, see RestrictedFlightTest).
    assertEquals(
        List.of(List.of("AMER", "28"), List.of("APAC", "32"), List.of("EMEA", "31")),
        rows("SELECT region, count(*) AS n FROM retail.gold.sales_daily GROUP BY region ORDER BY region", ANALYST));
    assertEquals(
        List.of(List.of("APAC", "32")),
        rows("SELECT region, count(*) AS n FROM retail.gold.sales_daily GROUP BY region HAVING count(*) > 31 ORDER BY 1", ANALYST));
    // A self-join scans the table twice; a CTE referenced twice too.
    assertEquals(List.of(List.of(Long.toString(28L * 28 + 32 * 32 + 31 * 31))),
        rows("SELECT count(*) FROM retail.gold.sales_daily a JOIN retail.gold.sales_daily b USING (region)", ANALYST));
    assertEquals(List.of(List.of("91", "91")),
        rows("WITH s AS (SELECT region FROM retail.gold.sales_daily) SELECT (SELECT count(*) FROM s), (SELECT count(*) FROM s)", ANALYST));
    assertEquals(List.of(List.of("31")),
        rows("SELECT count(*) FROM retail.gold.sales_daily WHERE region IN (SELECT 'EMEA')", ANALYST));
  }

  @Test
  void aDeletionVectorTableCountsOnlyLiveRows() throws Exception {
    // 60 rows written, 6 deleted through a deletion vector (shares/feature-lake/EXPECTED.md).
    assertEquals(List.of(List.of("54")), rows("SELECT count(*) FROM features.delta.orders_dv", PARTNER));
    assertEquals(54, rows("SELECT * FROM features.delta.orders_dv", PARTNER).size());
  }

  @Test
  void everyTableReadsTheSameRowsThroughTheEngineAsThroughTheDirectPath() throws Exception {
    for (String table : List.of(
        "retail.gold.sales_daily", "retail.gold.customer_features", "retail.gold.inventory_levels", "features.delta.orders_dv",
        "features.delta.customers_cm", "features.delta.events_cdf", "features.delta.readings_ntz", "features.delta.plain_cdf_off")) {
      List<String> direct = rows("SELECT * FROM " + table, PARTNER).stream().map(Object::toString).sorted().toList();
      // A subquery is beyond the simple SELECT: the engine reads the table (its Parquet files
      // directly where it can, else the governed scan).
      List<String> engine = rows("SELECT * FROM (SELECT * FROM " + table + ")", PARTNER).stream().map(Object::toString).sorted().toList();
      assertEquals(direct, engine, table);
      List<String> projected = rows("SELECT count(*) FROM " + table, PARTNER).get(0);
      assertEquals(Integer.toString(direct.size()), projected.get(0), table + " count(*)");
    }
  }

  @Test
  void aSingleTableWhereIsPushedToTheScanSoRuledOutFilesAreNeverRead() throws Exception {
    // With one data file of timed_sales moved away, a query reading it fails, and a query whose
    // WHERE rules its partition out never opens it.
    java.nio.file.Path table = java.nio.file.Path.of(org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("goldgate.shares.dir", String.class), "timed_sales");
    String relative = FlightTest.lastAddedFile(table);
    java.util.regex.Matcher partition = java.util.regex.Pattern.compile("sale_date=([0-9-]+)/region=([A-Z]+)/").matcher(relative);
    assertTrue(partition.find(), relative);
    String day = partition.group(1);
    String region = partition.group(2);
    String other = region.equals("EMEA") ? "AMER" : "EMEA";
    java.nio.file.Path file = table.resolve(relative);
    java.nio.file.Path aside = table.resolve("aside-sql.parquet");
    java.nio.file.Files.move(file, aside);
    try {
      for (String reads : List.of(
          "SELECT sum(units) FROM retail.history.timed_sales",
          "SELECT sum(units) FROM retail.history.timed_sales WHERE region = '" + region + "'",
          // A condition the scan cannot take (an OR) reads everything.
          "SELECT sum(units) FROM retail.history.timed_sales WHERE region = '" + other + "' OR units > 0")) {
        FlightRuntimeException e = refused(reads, PARTNER);
        assertEquals(FlightStatusCode.NOT_FOUND, e.status().code(), reads);
        assertTrue(e.status().description().endsWith(" is missing from storage"), e.status().description());
      }
      for (String prunes : List.of(
          "SELECT sum(units) FROM retail.history.timed_sales WHERE region = '" + other + "'",
          "SELECT sum(units) FROM retail.history.timed_sales t WHERE t.region = '" + other + "' AND units >= 0",
          "SELECT count(*), sum(units) FROM retail.history.timed_sales WHERE sale_date > DATE '" + day + "'",
          "SELECT count(*) FROM retail.history.timed_sales WHERE '" + other + "' = region")) {
        assertEquals(1, rows(prunes, PARTNER).size(), prunes);
      }
    } finally {
      java.nio.file.Files.move(aside, file);
    }
    // Pushed or not, the answer is the engine's own WHERE: equal either way.
    assertEquals(rows("SELECT count(*) FROM retail.gold.sales_daily WHERE region = 'EMEA' AND units > 10", ANALYST),
        rows("SELECT count(*) FROM retail.gold.sales_daily WHERE (region = 'EMEA' AND units > 10) OR false", ANALYST));
  }

  @Test
  void anUngrantedTableIsRefusedExactlyLikeAMissingOne() {
    FlightRuntimeException ungranted = refused("SELECT count(*) FROM retail.gold.sales_daily s JOIN finance.gold.customer_ltv l ON true", PARTNER);
    FlightRuntimeException missing = refused("SELECT count(*) FROM retail.gold.sales_daily s JOIN finance.gold.nothing l ON true", PARTNER);
    FlightRuntimeException missingShare = refused("SELECT count(*) FROM retail.gold.sales_daily s JOIN nowhere.gold.customer_ltv l ON true", PARTNER);
    assertEquals(FlightStatusCode.NOT_FOUND, ungranted.status().code());
    assertEquals("Table 'finance.gold.customer_ltv' does not exist or is not shared with you", ungranted.status().description());
    assertEquals("Table 'finance.gold.nothing' does not exist or is not shared with you", missing.status().description());
    assertEquals("Table 'nowhere.gold.customer_ltv' does not exist or is not shared with you", missingShare.status().description());
    // The simple SELECT answers in the same words.
    assertEquals("Table 'finance.gold.customer_ltv' does not exist or is not shared with you",
        refused("SELECT * FROM finance.gold.customer_ltv", PARTNER).status().description());
  }

  @Test
  void aRestrictedRecipientAggregatesItsOwnRowsOnly() throws Exception {
    CallOption emea = FlightTest.bearer(SampleLake.EMEA_TOKEN);
    assertEquals(List.of(List.of("EMEA", "31")), rows("SELECT region, count(*) FROM regional.gold.sales_daily GROUP BY region", emea));
    assertEquals(List.of(List.of("31", "1")),
        rows("SELECT count(*), count(DISTINCT region) FROM regional.gold.sales_daily WHERE region IN (SELECT region FROM regional.gold.sales_daily)", emea));
  }

  @Test
  void theQueryReachesNoFileSettingOrExtension() {
    for (String hostile : List.of(
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/*')",
        "SELECT * FROM read_parquet('shares/sample-lake/sales_daily/**/*.parquet')")) {
      FlightRuntimeException e = refused(hostile, ANALYST);
      assertEquals(FlightStatusCode.UNAUTHORIZED, e.status().code(), hostile + ": " + e.status().description());
      assertTrue(e.status().description().startsWith("Permission Error"), e.status().description());
    }
    for (String write : List.of(
        "INSERT INTO retail.gold.sales_daily VALUES (1)", "CREATE TABLE x AS SELECT 1", "COPY (SELECT 1) TO '/tmp/x.csv'",
        "ATTACH '/tmp/x.db'", "INSTALL httpfs", "LOAD httpfs", "SET enable_external_access = true", "PRAGMA version",
        "SELECT 1; SELECT 2")) {
      FlightRuntimeException e = refused(write, ANALYST);
      assertTrue(
          e.status().code() == FlightStatusCode.UNIMPLEMENTED && e.status().description().startsWith("Goldgate is read-only")
              || e.status().code() == FlightStatusCode.INVALID_ARGUMENT,
          write + ": " + e.status().code() + " " + e.status().description());
    }
    // A name that is not share.schema.table, nor a CTE, is not a table.
    assertEquals("Table 'sales_daily' does not exist: name shared tables as share.schema.table",
        refused("SELECT count(*) FROM sales_daily", ANALYST).status().description());
    assertTrue(refused("SELECT * FROM query_table('retail.gold.customer_features')", ANALYST).status().description().contains("customer_features"));
    assertEquals("The statement nests brackets deeper than 128 levels",
        refused("SELECT " + "(".repeat(129) + "1" + ")".repeat(129), ANALYST).status().description());
  }

  @Test
  void aCancelledQueryStops() throws Exception {
    FlightInfo info = sql.execute("SELECT count(*) FROM range(10000000000000) a", ANALYST);
    CompletableFuture<FlightRuntimeException> read =
        CompletableFuture.supplyAsync(() -> {
          try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), ANALYST)) {
            while (stream.next()) {}
            return null;
          } catch (FlightRuntimeException e) {
            return e;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    Thread.sleep(500);
    assertEquals(CancelStatus.CANCELLED, client.cancelFlightInfo(new CancelFlightInfoRequest(info), ANALYST).getStatus());
    FlightRuntimeException stopped = read.get(30, TimeUnit.SECONDS);
    assertEquals(FlightStatusCode.CANCELLED, stopped.status().code());
    // Another recipient cannot cancel it: the ticket is not theirs.
    FlightInfo other = sql.execute("SELECT 1 AS one", ANALYST);
    assertEquals(CancelStatus.NOT_CANCELLABLE, client.cancelFlightInfo(new CancelFlightInfoRequest(other), PARTNER).getStatus());
  }

  @Test
  void preparedStatementsBindParameters() throws Exception {
    FlightSqlClient.PreparedStatement prepared = sql.prepare("SELECT count(*) AS n FROM retail.gold.sales_daily WHERE region = ? AND units > ?", ANALYST);
    try {
      assertEquals(2, prepared.getParameterSchema().getFields().size());
      for (var binding : List.of(new Object[] {"EMEA", 0L, "31"}, new Object[] {"APAC", 0L, "32"}, new Object[] {"EMEA", 1000L, "0"})) {
        try (VectorSchemaRoot parameters = VectorSchemaRoot.create(prepared.getParameterSchema(), allocator)) {
          parameters.allocateNew();
          ((org.apache.arrow.vector.VarCharVector) parameters.getVector(0)).setSafe(0, ((String) binding[0]).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          ((org.apache.arrow.vector.BigIntVector) parameters.getVector(1)).setSafe(0, (Long) binding[1]);
          parameters.setRowCount(1);
          prepared.setParameters(parameters);
          FlightInfo info = prepared.execute(ANALYST);
          try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), ANALYST)) {
            assertTrue(stream.next());
            assertEquals(binding[2], stream.getRoot().getVector(0).getObject(0).toString(), java.util.Arrays.toString(binding));
          }
        }
      }
    } finally {
      prepared.close(ANALYST);
    }
  }
}
