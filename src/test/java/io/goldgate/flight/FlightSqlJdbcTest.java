package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.testing.ReferenceDuckDb;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.arrow.driver.jdbc.ArrowFlightJdbcDriver;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flight SQL through the real Arrow Flight SQL JDBC driver (the one DBeaver, Tableau and JVM tools
 * load), connected with a bearer token as a BI tool would be. Query answers are compared with an
 * independent computation: DuckDB reading the same tables' live Parquet files directly
 * ({@link ReferenceDuckDb}, which finds the live files by replaying the JSON log itself and refuses
 * tables with deletion vectors or column mapping), running the very same SQL text. By the engine's
 * rules (flight.sql.DirectParquet) the queries take both of its paths: customer_features
 * (unpartitioned) through DuckDB's Parquet reader over the planned files, and sales_daily queries
 * that use its partition columns through the governed Arrow scan. Fixture counts: sales_daily has 91 rows (EMEA 31, APAC 32, AMER 28, see
 * RestrictedFlightTest), customer_features 170, orders_dv 54 live of 60 written (feature-lake
 * EXPECTED.md).
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class FlightSqlJdbcTest {

  static final String READ_ONLY = "Goldgate is read-only";

  @Inject FlightService flight;

  private static ReferenceDuckDb direct;

  @BeforeAll
  static void readTheFilesDirectly() throws Exception {
    Path lake = SampleLake.SAMPLE_LAKE;
    direct = new ReferenceDuckDb()
        .view("retail", "gold", "sales_daily", lake.resolve("sales_daily"), null)
        .view("retail", "gold", "customer_features", lake.resolve("customer_features"), null)
        .view("retail", "gold", "inventory_levels", lake.resolve("inventory_levels"), null)
        // What recipient regional-emea may see (SampleLake#regionalYaml: region = ${recipient.region}).
        .view("regional", "gold", "sales_daily", lake.resolve("sales_daily"), "region = 'EMEA'");
  }

  @AfterAll
  static void closeDirect() throws Exception {
    direct.close();
  }

  /** A connection as a JDBC tool opens one: the driver, a URL and the recipient's bearer token. */
  private Connection connect(String token) throws SQLException {
    String url = "jdbc:arrow-flight-sql://localhost:" + flight.port() + "?useEncryption=false&token=" + token;
    // The driver itself rather than DriverManager, which may not see drivers of a test class loader.
    return new ArrowFlightJdbcDriver().connect(url, new Properties());
  }

  // ---------------------------------------------------------------- DatabaseMetaData

  @Test
  void givenThePartner_whenBrowsingCatalogsSchemasAndTables_thenOnlyItsGrantedSharesAppear() throws Exception {
    try (Connection c = connect(SampleLake.PARTNER_TOKEN)) {
      DatabaseMetaData meta = c.getMetaData();
      assertEquals(List.of("features", "retail"), sorted(column(meta.getCatalogs(), "TABLE_CAT")), "finance, regional and conformance are not granted");
      List<String> schemas = new ArrayList<>();
      try (ResultSet rs = meta.getSchemas()) {
        while (rs.next()) schemas.add(rs.getString("TABLE_CATALOG") + "." + rs.getString("TABLE_SCHEM"));
      }
      assertEquals(List.of("features.delta", "retail.gold", "retail.history"), sorted(schemas));
      assertEquals(List.of("gold", "history"), sorted(column(meta.getSchemas("retail", "%"), "TABLE_SCHEM")));

      List<String> tables = new ArrayList<>();
      try (ResultSet rs = meta.getTables("retail", "gold", "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_CAT") + "." + rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE"));
        }
      }
      assertEquals(List.of("retail.gold.customer_features:TABLE", "retail.gold.inventory_levels:TABLE", "retail.gold.sales_daily:TABLE"), sorted(tables));
      Set<String> everyCatalog = new TreeSet<>(column(meta.getTables(null, null, "%", null), "TABLE_CAT"));
      assertEquals(Set.of("features", "retail"), everyCatalog);
      assertEquals(List.of("orders_dv"), column(meta.getTables("features", "delta", "orders\\_%", null), "TABLE_NAME"));
      assertEquals(List.of("TABLE"), column(meta.getTableTypes(), "TABLE_TYPE"));

      // Read from GetSqlInfo.
      assertEquals("Goldgate", meta.getDatabaseProductName());
      assertTrue(meta.isReadOnly());
      assertEquals("\"", meta.getIdentifierQuoteString());
    }
  }

  @Test
  void givenATable_whenListingItsColumns_thenNamesAndJdbcTypesAreTheTables() throws Exception {
    try (Connection c = connect(SampleLake.PARTNER_TOKEN)) {
      List<String> names = new ArrayList<>();
      List<Integer> types = new ArrayList<>();
      List<Integer> positions = new ArrayList<>();
      try (ResultSet rs = c.getMetaData().getColumns("retail", "gold", "sales_daily", "%")) {
        while (rs.next()) {
          assertEquals("retail", rs.getString("TABLE_CAT"));
          assertEquals("gold", rs.getString("TABLE_SCHEM"));
          assertEquals("sales_daily", rs.getString("TABLE_NAME"));
          names.add(rs.getString("COLUMN_NAME"));
          types.add(rs.getInt("DATA_TYPE"));
          positions.add(rs.getInt("ORDINAL_POSITION"));
        }
      }
      assertEquals(List.of("sale_date", "region", "store_id", "sku", "units", "revenue", "unit_price", "is_promo", "updated_at", "discount_code"), names);
      assertEquals(List.of(Types.DATE, Types.VARCHAR, Types.INTEGER, Types.VARCHAR, Types.BIGINT, Types.DECIMAL, Types.DOUBLE, Types.BOOLEAN,
          Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR), types);
      assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), positions);
      assertEquals(List.of("units", "unit_price", "updated_at"), column(c.getMetaData().getColumns("retail", "gold", "sales_daily", "u%"), "COLUMN_NAME"));
      assertEquals(List.of(), column(c.getMetaData().getColumns("finance", "gold", "customer_ltv", "%"), "COLUMN_NAME"), "an ungranted table has no columns");
    }
  }

  @Test
  void givenKeysAndTypes_whenAsked_thenKeysAreEmptyAndTheServerDescribesItsTypes() throws Exception {
    try (Connection c = connect(SampleLake.PARTNER_TOKEN)) {
      DatabaseMetaData meta = c.getMetaData();
      assertEquals(List.of(), column(meta.getPrimaryKeys("retail", "gold", "sales_daily"), "COLUMN_NAME"), "Delta tables declare no keys");
      assertEquals(List.of(), column(meta.getImportedKeys("retail", "gold", "sales_daily"), "PKCOLUMN_NAME"));
      assertEquals(List.of(), column(meta.getExportedKeys("retail", "gold", "sales_daily"), "FKCOLUMN_NAME"));
      // Driver 18.3.0 answers getTypeInfo() itself (Avatica's empty default) without asking the
      // server, so it must merely not fail; the server's type info is read below as ADBC reads it.
      meta.getTypeInfo().close();
    }
    try (BufferAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build()) {
      FlightSqlClient sql = new FlightSqlClient(client);
      FlightInfo info = sql.getXdbcTypeInfo(FlightTest.PARTNER);
      Set<String> typeNames = new TreeSet<>();
      for (FlightEndpoint endpoint : info.getEndpoints()) {
        try (FlightStream stream = sql.getStream(endpoint.getTicket(), FlightTest.PARTNER)) {
          while (stream.next()) {
            VarCharVector name = (VarCharVector) stream.getRoot().getVector("type_name");
            for (int i = 0; i < stream.getRoot().getRowCount(); i++) typeNames.add(name.getObject(i).toString());
          }
        }
      }
      assertTrue(typeNames.containsAll(Set.of("BIGINT", "VARCHAR", "DOUBLE", "DATE")), typeNames.toString());
    }
  }

  // ---------------------------------------------------------------- queries vs the files read directly

  @Test
  void givenAggregatesWithGroupByHavingAndOrderBy_whenQueried_thenTheyEqualTheDirectRead() throws Exception {
    String sql = """
        SELECT region, count(*) AS n, sum(units) AS units, avg(unit_price) AS avg_price, min(sale_date) AS first_day, max(revenue) AS top_revenue
        FROM retail.gold.sales_daily
        GROUP BY region
        HAVING count(*) > 28
        ORDER BY units DESC, region""";
    try (Connection c = connect(SampleLake.PARTNER_TOKEN); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData columns = rs.getMetaData();
      assertEquals(List.of(Types.VARCHAR, Types.BIGINT, Types.DECIMAL, Types.DOUBLE, Types.DATE, Types.DECIMAL), jdbcTypes(columns),
          "DuckDB's types: count BIGINT, sum of BIGINT HUGEINT (Decimal 38,0), avg DOUBLE, DATE, DECIMAL");
      Table answer = Table.of(rs);
      assertEquals(direct(sql), answer);
      assertEquals(Set.of("APAC", "EMEA"), new TreeSet<>(answer.column(0)), "HAVING left out AMER's 28 rows");
    }
    assertSameAsDirect("SELECT count(*) AS n, sum(revenue) AS revenue, min(unit_price) AS cheapest, max(units) AS most FROM retail.gold.sales_daily");
  }

  @Test
  void givenAJoinOfTwoTables_whenQueried_thenItEqualsTheDirectRead() throws Exception {
    Table joined = assertSameAsDirect("""
        SELECT s.sku, sum(s.units) AS sold, i.on_hand, i.reorder_point
        FROM retail.gold.sales_daily s
        JOIN retail.gold.inventory_levels i ON s.sku = i.sku
        WHERE s.region = 'EMEA' AND i.warehouse = 'WH-BER'
        GROUP BY s.sku, i.on_hand, i.reorder_point
        ORDER BY s.sku""");
    assertTrue(joined.rows().size() > 3, "the join matches rows: " + joined);
    assertSameAsDirect("""
        SELECT i.warehouse, count(DISTINCT s.sku) AS skus_sold, sum(s.revenue) AS revenue
        FROM retail.gold.inventory_levels i
        LEFT JOIN retail.gold.sales_daily s ON s.sku = i.sku AND s.is_promo
        GROUP BY i.warehouse
        ORDER BY i.warehouse""");
  }

  @Test
  void givenSubqueriesCtesAndWindows_whenQueried_thenTheyEqualTheDirectRead() throws Exception {
    assertSameAsDirect("""
        SELECT segment, count(*) AS above_segment_average
        FROM retail.gold.customer_features c
        WHERE lifetime_value > (SELECT avg(lifetime_value) FROM retail.gold.customer_features WHERE segment = c.segment)
        GROUP BY segment
        ORDER BY segment""");
    assertSameAsDirect("""
        SELECT sku, sum(units) AS units
        FROM retail.gold.sales_daily
        WHERE sku IN (SELECT sku FROM retail.gold.inventory_levels WHERE on_hand >= 300)
        GROUP BY sku
        ORDER BY sku""");
    assertSameAsDirect("""
        WITH daily AS (SELECT sale_date, sum(revenue) AS revenue FROM retail.gold.sales_daily GROUP BY sale_date)
        SELECT sale_date, revenue, sum(revenue) OVER (ORDER BY sale_date) AS running_revenue
        FROM daily
        ORDER BY sale_date""");
  }

  @Test
  void givenLimitAndOffset_whenQueried_thenTheRowsAreThatPage() throws Exception {
    Table page = assertSameAsDirect("SELECT customer_id, segment, lifetime_value FROM retail.gold.customer_features ORDER BY customer_id LIMIT 5 OFFSET 160");
    assertEquals(List.of(161L, 162L, 163L, 164L, 165L).stream().map(BigDecimal::valueOf).toList(), page.column(0));
    assertEmptyLikeDirect("SELECT customer_id FROM retail.gold.customer_features ORDER BY customer_id LIMIT 5 OFFSET 170");
  }

  @Test
  void givenAnEmptyResult_whenRead_thenItHasNoRowsAndTheServerNamesEachColumnOnce() throws Exception {
    for (String sql : List.of(
        "SELECT customer_id, segment FROM retail.gold.customer_features WHERE customer_id < 0",
        "SELECT segment, count(*) AS n FROM retail.gold.customer_features WHERE customer_id < 0 GROUP BY segment")) {
      assertEmptyLikeDirect(sql);
    }
  }

  @Test
  void givenAPreparedStatementWithParameters_whenExecutedTwiceWithOtherValues_thenEachAnswerEqualsTheDirectRead() throws Exception {
    String sql = """
        SELECT store_id, count(*) AS n, sum(units) AS units, sum(revenue) AS revenue
        FROM retail.gold.sales_daily
        WHERE region = ? AND sale_date >= ? AND units > ?
        GROUP BY store_id
        ORDER BY store_id""";
    Object[][] bindings = {{"EMEA", LocalDate.parse("2026-01-07"), 10}, {"APAC", LocalDate.parse("2026-01-05"), 0}};
    try (Connection c = connect(SampleLake.PARTNER_TOKEN); PreparedStatement goldgate = c.prepareStatement(sql);
        PreparedStatement duckdb = direct.connection().prepareStatement(sql)) {
      assertEquals(3, goldgate.getParameterMetaData().getParameterCount());
      List<Table> answers = new ArrayList<>();
      for (Object[] values : bindings) {
        for (PreparedStatement statement : List.of(goldgate, duckdb)) {
          statement.setString(1, (String) values[0]);
          statement.setDate(2, Date.valueOf((LocalDate) values[1]));
          statement.setInt(3, (Integer) values[2]);
        }
        Table expected;
        try (ResultSet rs = duckdb.executeQuery()) {
          expected = Table.of(rs);
        }
        try (ResultSet rs = goldgate.executeQuery()) {
          Table answer = Table.of(rs);
          assertEquals(expected, answer, "bound " + List.of(values));
          answers.add(answer);
        }
      }
      assertEquals(List.of(101, 102, 103).stream().map(BigDecimal::valueOf).toList(), answers.get(0).column(0), "EMEA's stores");
      assertEquals(List.of(301, 302).stream().map(BigDecimal::valueOf).toList(), answers.get(1).column(0), "APAC's stores: the new values were used");
      assertEquals(BigDecimal.valueOf(32), answers.get(1).column(1).stream().map(BigDecimal.class::cast).reduce(BigDecimal.ZERO, BigDecimal::add), "all 32 APAC rows");
    }
  }

  // ---------------------------------------------------------------- governance

  @Test
  void givenARecipientRestrictedToARegion_whenAggregating_thenOnlyItsRegionIsCounted() throws Exception {
    String perRegion = "SELECT region, count(*) AS n, sum(units) AS units, sum(revenue) AS revenue FROM regional.gold.sales_daily GROUP BY region ORDER BY region";
    try (Connection emea = connect(SampleLake.EMEA_TOKEN)) {
      Table answer = query(emea, perRegion);
      assertEquals(direct(perRegion), answer);
      assertEquals(List.of("EMEA"), answer.column(0));
      assertEquals(List.of(BigDecimal.valueOf(31)), answer.column(1));
      assertEquals(List.of(List.of(BigDecimal.ZERO)), query(emea, "SELECT count(*) AS n FROM regional.gold.sales_daily WHERE region <> 'EMEA'").rows(),
          "a WHERE on other regions finds nothing");
      String joinedToItself = "SELECT count(*) AS n FROM regional.gold.sales_daily a JOIN regional.gold.sales_daily b ON a.sku = b.sku AND a.sale_date = b.sale_date";
      assertEquals(direct(joinedToItself), query(emea, joinedToItself));
    }
    try (Connection apac = connect(SampleLake.APAC_TOKEN)) {
      assertEquals(List.of(List.of("APAC", BigDecimal.valueOf(32))), query(apac, "SELECT region, count(*) AS n FROM regional.gold.sales_daily GROUP BY region").rows());
    }
  }

  @Test
  void givenAJoinWithAnUngrantedTable_whenQueried_thenItFailsExactlyAsForATableThatDoesNotExist() throws Exception {
    String join = "SELECT s.region, count(*) AS n FROM retail.gold.sales_daily s JOIN %s l ON l.customer_id = s.store_id GROUP BY s.region";
    try (Connection c = connect(SampleLake.PARTNER_TOKEN)) {
      String ungranted = failure(c, join.formatted("finance.gold.customer_ltv"));
      assertTrue(ungranted.contains("Table 'finance.gold.customer_ltv' does not exist or is not shared with you"), ungranted);
      String missing = failure(c, join.formatted("finance.gold.no_such_table"));
      assertTrue(missing.contains("Table 'finance.gold.no_such_table' does not exist or is not shared with you"), missing);
      assertEquals(ungranted.replace("customer_ltv", "T"), missing.replace("no_such_table", "T"), "nothing tells an ungranted table from a missing one");
      String otherRecipients = failure(c, "SELECT count(*) AS n FROM retail.gold.sales_daily s JOIN regional.gold.sales_daily r ON r.sku = s.sku");
      assertTrue(otherRecipients.contains("Table 'regional.gold.sales_daily' does not exist or is not shared with you"), otherRecipients);
    }
    try (Connection emea = connect(SampleLake.EMEA_TOKEN)) {
      String message = failure(emea, "SELECT count(*) AS n FROM regional.gold.sales_daily r JOIN retail.gold.sales_daily s ON r.sku = s.sku");
      assertTrue(message.contains("Table 'retail.gold.sales_daily' does not exist or is not shared with you"), message);
    }
  }

  @Test
  void givenADeletionVectorTable_whenCounted_thenOnlyLiveRowsCount() throws Exception {
    try (Connection c = connect(SampleLake.PARTNER_TOKEN)) {
      assertEquals(List.of(List.of(BigDecimal.valueOf(54), BigDecimal.ZERO)),
          query(c, "SELECT count(*) AS n, count(*) FILTER (WHERE order_id IN (3, 13, 23, 33, 43, 53)) AS deleted FROM features.delta.orders_dv").rows(),
          "60 rows written, the 6 cancelled orders deleted through deletion vectors at v2");
    }
  }

  @Test
  void givenAWrite_whenSent_thenItIsRefusedAsReadOnly() throws Exception {
    Path copyTarget = Files.createTempDirectory("goldgate-jdbc").resolve("leaked.csv");
    try (Connection c = connect(SampleLake.PARTNER_TOKEN); Statement s = c.createStatement()) {
      for (String write : List.of(
          "DELETE FROM retail.gold.sales_daily WHERE units > 0",
          "CREATE TABLE retail.gold.copied AS SELECT * FROM retail.gold.sales_daily",
          "INSERT INTO retail.gold.sales_daily (units) VALUES (1)",
          "COPY (SELECT 1 AS one) TO '" + copyTarget + "'")) {
        SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate(write), write);
        assertTrue(e.getMessage().contains(READ_ONLY), write + ": " + e.getMessage());
      }
      SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("DELETE FROM retail.gold.sales_daily"));
      assertTrue(e.getMessage().contains(READ_ONLY), e.getMessage());
      assertFalse(Files.exists(copyTarget), "COPY wrote nothing");
      assertEquals(List.of(List.of(BigDecimal.valueOf(91))), query(c, "SELECT count(*) AS n FROM retail.gold.sales_daily").rows(), "the table is untouched");
    } finally {
      Files.deleteIfExists(copyTarget);
      Files.deleteIfExists(copyTarget.getParent());
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Runs {@code sql} as the partner through Goldgate and directly; asserts equal answers. */
  private Table assertSameAsDirect(String sql) throws Exception {
    try (Connection c = connect(SampleLake.PARTNER_TOKEN)) {
      Table answer = query(c, sql);
      assertEquals(direct(sql), answer, sql);
      return answer;
    }
  }

  /**
   * Asserts that {@code sql} answers no rows, and that the server names the direct read's columns
   * once. Driver 18.3.0 lists every column of a result without rows twice (arrow-java#44, fixed
   * upstream after 18.3; a server cannot avoid it: the driver skips batches without rows), so the
   * driver's labels are compared without repeats and the schema is checked as the server sent it.
   */
  private void assertEmptyLikeDirect(String sql) throws Exception {
    Table expected = direct(sql);
    assertEquals(List.of(), expected.rows(), "the direct read is empty too: " + sql);
    try (Connection c = connect(SampleLake.PARTNER_TOKEN)) {
      Table answer = query(c, sql);
      assertEquals(List.of(), answer.rows(), sql);
      assertEquals(expected.labels(), answer.labels().stream().distinct().toList(), sql);
    }
    try (BufferAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build()) {
      FlightInfo info = new FlightSqlClient(client).execute(sql, FlightTest.PARTNER);
      assertEquals(expected.labels(), info.getSchema().getFields().stream().map(f -> f.getName()).toList(), sql);
    }
  }

  private static Table query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return Table.of(rs);
    }
  }

  private static Table direct(String sql) throws SQLException {
    return query(direct.connection(), sql);
  }

  private static String failure(Connection c, String sql) {
    return assertThrows(SQLException.class, () -> query(c, sql), sql).getMessage();
  }

  private static List<String> column(ResultSet rs, String name) throws SQLException {
    try (rs) {
      List<String> values = new ArrayList<>();
      while (rs.next()) values.add(rs.getString(name));
      return values;
    }
  }

  private static List<String> sorted(List<String> values) {
    return values.stream().sorted().toList();
  }

  private static List<Integer> jdbcTypes(ResultSetMetaData columns) throws SQLException {
    List<Integer> types = new ArrayList<>();
    for (int i = 1; i <= columns.getColumnCount(); i++) types.add(columns.getColumnType(i));
    return types;
  }

  /**
   * A result as comparable values: column labels and rows, with every exact number as a
   * BigDecimal in {@link #exact} form (DuckDB's JDBC answers HUGEINT as BigInteger where Arrow's
   * Decimal(38,0) gives BigDecimal), dates as LocalDate, and doubles equal within 1e-9 relative
   * (the engines may add them up in different orders).
   */
  record Table(List<String> labels, List<List<Object>> rows) {

    static Table of(ResultSet rs) throws SQLException {
      ResultSetMetaData meta = rs.getMetaData();
      List<String> labels = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) labels.add(meta.getColumnLabel(i));
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= labels.size(); i++) row.add(normal(rs.getObject(i)));
        rows.add(row);
      }
      return new Table(labels, rows);
    }

    /** One form per value: no trailing zeros after the point, none taken off an integer (100, not 1E+2). */
    static BigDecimal exact(BigDecimal value) {
      BigDecimal stripped = value.stripTrailingZeros();
      return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    List<Object> column(int index) {
      return rows.stream().map(r -> r.get(index)).toList();
    }

    private static Object normal(Object value) {
      return switch (value) {
        case null -> null;
        case Double d -> new Approx(d);
        case Float f -> new Approx(f.doubleValue());
        case BigDecimal d -> exact(d);
        case BigInteger i -> exact(new BigDecimal(i));
        case Long l -> exact(BigDecimal.valueOf(l));
        case Integer i -> exact(BigDecimal.valueOf(i));
        case Short s -> exact(BigDecimal.valueOf(s));
        case Byte b -> exact(BigDecimal.valueOf(b));
        case Date d -> d.toLocalDate();
        case LocalDate d -> d;
        case String s -> s;
        case Boolean b -> b;
        default -> throw new AssertionError("no comparison defined for " + value.getClass().getName() + " " + value);
      };
    }
  }

  /** A double that equals another within 1e-9 relative; its hash is constant so that equals decides. */
  record Approx(double value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Approx other && Math.abs(value - other.value) <= 1e-9 * Math.max(1, Math.abs(value));
    }

    @Override
    public int hashCode() {
      return 0;
    }

    @Override
    public String toString() {
      return "~" + value;
    }
  }
}
