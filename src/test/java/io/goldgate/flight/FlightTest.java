package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.access.Signer;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Arrow Flight through the Java client. Row counts are the fixtures' (EXPECTED.md and the sample
 * lake's history); the Python interop suite compares the rows themselves with delta-rs and Spark.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class FlightTest {

  @Inject FlightService flight;

  private BufferAllocator allocator;
  private FlightClient client;

  @BeforeEach
  void connect() {
    allocator = new RootAllocator();
    client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build();
  }

  @AfterEach
  void closeAndCheckNothingLeaked() throws Exception {
    client.close();
    allocator.close();
    FlightTest.assertServerAllocatorEmpty(flight);
  }

  /**
   * Waits (at most 2 s) for the server's Arrow memory to drop to zero: streams and queries close
   * their buffers on their own threads right after their last batch.
   */
  static void assertServerAllocatorEmpty(FlightService flight) throws InterruptedException {
    for (int i = 0; i < 100 && flight.allocatedBytes() != 0; i++) {
      Thread.sleep(20);
    }
    assertEquals(0, flight.allocatedBytes(), "the server's allocator is empty once every stream and query is closed");
  }

  static CallOption bearer(String token) {
    CallHeaders headers = new FlightCallHeaders();
    headers.insert("authorization", "Bearer " + token);
    return new HeaderCallOption(headers);
  }

  static final CallOption PARTNER = bearer(SampleLake.PARTNER_TOKEN);

  static FlightDescriptor command(String json) {
    return FlightDescriptor.command(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads every endpoint; returns the total rows. */
  long readAll(FlightInfo info, CallOption auth, java.util.function.Consumer<VectorSchemaRoot> each) throws Exception {
    long rows = 0;
    for (FlightEndpoint endpoint : info.getEndpoints()) {
      try (FlightStream stream = client.getStream(endpoint.getTicket(), auth)) {
        while (stream.next()) {
          rows += stream.getRoot().getRowCount();
          each.accept(stream.getRoot());
        }
      }
    }
    return rows;
  }

  static FlightStatusCode statusOf(Runnable call) {
    return assertThrows(FlightRuntimeException.class, call::run).status().code();
  }

  /** The first data file the last commit of a table added, relative to the table. */
  static String lastAddedFile(java.nio.file.Path table) throws Exception {
    java.nio.file.Path log = table.resolve("_delta_log");
    String last;
    try (var commits = java.nio.file.Files.list(log)) {
      last = commits.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().reduce((a, b) -> b).orElseThrow();
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : java.nio.file.Files.readAllLines(log.resolve(last))) {
      var action = json.readTree(line);
      if (action.has("add")) return java.net.URLDecoder.decode(action.get("add").get("path").asText(), StandardCharsets.UTF_8);
    }
    throw new AssertionError("the last commit of " + table + " adds no file");
  }

  @Test
  void aDataFileDeletedUnderARunningServerIsNotFoundNamingTableAndFile() throws Exception {
    java.nio.file.Path table = java.nio.file.Path.of(org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("goldgate.shares.dir", String.class), "timed_sales");
    String relative = lastAddedFile(table);
    String expected = "Table retail.history.timed_sales: data file " + relative + " is missing from storage";
    // Planned (and its snapshot cached) while the file is there, read after it is gone.
    FlightInfo info = client.getInfo(FlightDescriptor.path("retail", "history", "timed_sales"), PARTNER);
    var sql = new org.apache.arrow.flight.sql.FlightSqlClient(client);
    FlightInfo sqlInfo = sql.execute("SELECT * FROM retail.history.timed_sales", PARTNER);
    java.nio.file.Path file = table.resolve(relative);
    java.nio.file.Path aside = table.resolve("aside.parquet");
    java.nio.file.Files.move(file, aside);
    try {
      for (FlightInfo read : List.of(info, sqlInfo)) {
        FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> readAll(read, PARTNER, root -> {}));
        assertEquals(FlightStatusCode.NOT_FOUND, e.status().code());
        assertEquals(expected, e.status().description());
      }
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> readAll(sql.execute("SELECT * FROM retail.history.timed_sales", PARTNER), PARTNER, root -> {}));
      assertEquals(FlightStatusCode.NOT_FOUND, e.status().code());
      assertEquals(expected, e.status().description());
    } finally {
      java.nio.file.Files.move(aside, file);
    }
    assertEquals(info.getRecords(), readAll(client.getInfo(FlightDescriptor.path("retail", "history", "timed_sales"), PARTNER), PARTNER, root -> {}));
  }

  @Test
  void aDataFileMissingAtStartIsNotFoundOnFlightSqlToo() throws Exception {
    var sql = new org.apache.arrow.flight.sql.FlightSqlClient(client);
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> readAll(sql.execute("SELECT * FROM retail.history.missing_file_customers", PARTNER), PARTNER, root -> {}));
    assertEquals(FlightStatusCode.NOT_FOUND, e.status().code());
    String relative = lastAddedFile(java.nio.file.Path.of("shares", "sample-lake", "customer_features"));
    assertEquals("Table retail.history.missing_file_customers: data file " + relative + " is missing from storage", e.status().description());
  }

  @Test
  void listFlightsShowsTheCallersTablesWithRecordCounts() {
    List<String> names = new ArrayList<>();
    List<Long> records = new ArrayList<>();
    client.listFlights(org.apache.arrow.flight.Criteria.ALL, PARTNER).forEach(info -> {
      names.add(String.join(".", info.getDescriptor().getPath()));
      if (String.join(".", info.getDescriptor().getPath()).equals("retail.gold.sales_daily")) records.add(info.getRecords());
    });
    assertTrue(names.contains("retail.gold.sales_daily") && names.contains("features.delta.orders_dv"), names.toString());
    assertFalse(names.stream().anyMatch(n -> n.startsWith("finance.")), "ungranted shares stay invisible");
    assertFalse(names.contains("retail.history.corrupt_inventory"), "a broken table is left out, the rest listed");
    assertEquals(List.of(91L), records);
  }

  @Test
  void aTableReadsThroughAllItsEndpoints() throws Exception {
    FlightInfo info = client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), PARTNER);
    assertEquals(4, info.getEndpoints().size(), "split across the configured maximum of endpoints");
    assertEquals(91, info.getRecords());
    assertEquals(91, readAll(info, PARTNER, root -> {}));
    assertEquals(List.of("sale_date", "region", "store_id", "sku", "units", "revenue", "unit_price", "is_promo", "updated_at", "discount_code"),
        info.getSchema().getFields().stream().map(f -> f.getName()).toList());
  }

  @Test
  void deletionVectorsRemoveTheirRows() throws Exception {
    FlightInfo info = client.getInfo(command("{\"table\":\"features.delta.orders_dv\",\"columns\":[\"order_id\"]}"), PARTNER);
    Set<Long> ids = new HashSet<>();
    long rows = readAll(info, PARTNER, root -> {
      BigIntVector v = (BigIntVector) root.getVector("order_id");
      for (int i = 0; i < root.getRowCount(); i++) ids.add(v.get(i));
    });
    assertEquals(54, rows);
    for (long cancelled : new long[] {3, 13, 23, 33, 43, 53}) {
      assertFalse(ids.contains(cancelled), "order " + cancelled + " was deleted at v2");
    }
  }

  @Test
  void projectionPredicateAndVersionPinApply() throws Exception {
    String predicate = "{\"op\":\"equal\",\"children\":[{\"op\":\"column\",\"name\":\"region\",\"valueType\":\"string\"},{\"op\":\"literal\",\"value\":\"EMEA\",\"valueType\":\"string\"}]}";
    FlightInfo info = client.getInfo(command("{\"table\":\"retail.gold.sales_daily\",\"columns\":[\"region\",\"units\"],\"predicate\":" + predicate + "}"), PARTNER);
    assertEquals(List.of("region", "units"), info.getSchema().getFields().stream().map(f -> f.getName()).toList());
    Set<String> regions = new HashSet<>();
    readAll(info, PARTNER, root -> {
      VarCharVector v = (VarCharVector) root.getVector("region");
      for (int i = 0; i < root.getRowCount(); i++) regions.add(new String(v.get(i), StandardCharsets.UTF_8));
    });
    assertEquals(Set.of("EMEA"), regions);
    assertEquals(96, readAll(client.getInfo(command("{\"table\":\"retail.gold.sales_daily\",\"version\":2}"), PARTNER), PARTNER, r -> {}));
    FlightInfo limited = client.getInfo(command("{\"table\":\"retail.gold.customer_features\",\"limit\":7}"), PARTNER);
    assertEquals(1, limited.getEndpoints().size());
    assertEquals(7, readAll(limited, PARTNER, r -> {}));
  }

  @Test
  void predicatesOnDataColumnsAreExactEvenWhenTheColumnIsNotProjected() throws Exception {
    String atMost60 = "{\"op\":\"lessThanOrEqual\",\"children\":[{\"op\":\"column\",\"name\":\"customer_id\",\"valueType\":\"long\"},{\"op\":\"literal\",\"value\":\"60\",\"valueType\":\"long\"}]}";
    FlightInfo info = client.getInfo(command("{\"table\":\"retail.gold.customer_features\",\"columns\":[\"segment\"],\"predicate\":" + atMost60 + "}"), PARTNER);
    assertEquals(List.of("segment"), info.getSchema().getFields().stream().map(f -> f.getName()).toList());
    assertEquals(60, readAll(info, PARTNER, r -> {}), "customers 1-60 exactly, though the file holds 1-75");
    String either = "{\"op\":\"or\",\"children\":[" + atMost60 + ",{\"op\":\"greaterThan\",\"children\":[{\"op\":\"column\",\"name\":\"customer_id\",\"valueType\":\"long\"},{\"op\":\"literal\",\"value\":\"165\",\"valueType\":\"long\"}]}]}";
    assertEquals(65, readAll(client.getInfo(command("{\"table\":\"retail.gold.customer_features\",\"predicate\":" + either + "}"), PARTNER), PARTNER, r -> {}));
    String notNull = "{\"op\":\"not\",\"children\":[{\"op\":\"isNull\",\"children\":[{\"op\":\"column\",\"name\":\"discount_code\",\"valueType\":\"string\"}]}]}";
    long withCode = readAll(client.getInfo(command("{\"table\":\"retail.gold.sales_daily\",\"predicate\":" + notNull + "}"), PARTNER), PARTNER, r -> {});
    String isNull = "{\"op\":\"isNull\",\"children\":[{\"op\":\"column\",\"name\":\"discount_code\",\"valueType\":\"string\"}]}";
    long withoutCode = readAll(client.getInfo(command("{\"table\":\"retail.gold.sales_daily\",\"predicate\":" + isNull + "}"), PARTNER), PARTNER, r -> {});
    assertEquals(91, withCode + withoutCode);
    assertTrue(withCode > 0 && withoutCode > 0);
    String limit5 = "{\"table\":\"retail.gold.customer_features\",\"predicate\":" + atMost60 + ",\"limit\":5}";
    assertEquals(5, readAll(client.getInfo(command(limit5), PARTNER), PARTNER, r -> {}));
  }

  @Test
  void callsWithoutAValidTokenAreUnauthenticated() {
    FlightDescriptor sales = FlightDescriptor.path("retail", "gold", "sales_daily");
    assertEquals(FlightStatusCode.UNAUTHENTICATED, statusOf(() -> client.getInfo(sales)));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, statusOf(() -> client.getInfo(sales, bearer("wrong"))));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, statusOf(() -> client.getInfo(sales, bearer(SampleLake.EXPIRED_TOKEN))));
  }

  @Test
  void ungrantedAndUnknownTablesLookAbsent() {
    assertEquals(FlightStatusCode.NOT_FOUND, statusOf(() -> client.getInfo(FlightDescriptor.path("finance", "gold", "customer_ltv"), PARTNER)));
    assertEquals(FlightStatusCode.NOT_FOUND, statusOf(() -> client.getInfo(FlightDescriptor.path("retail", "gold", "nope"), PARTNER)));
    assertEquals(FlightStatusCode.NOT_FOUND, statusOf(() -> client.getSchema(FlightDescriptor.path("finance", "gold", "customer_ltv"), PARTNER)));
  }

  @Test
  void badCommandsAreInvalidArguments() {
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, statusOf(() -> client.getInfo(command("{not json"), PARTNER)));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, statusOf(() -> client.getInfo(command("{\"table\":\"retail.gold.sales_daily\",\"columns\":[\"nope\"]}"), PARTNER)));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, statusOf(() -> client.getInfo(command("{\"table\":\"sales_daily\"}"), PARTNER)));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, statusOf(() -> client.getInfo(command("{\"table\":\"retail.gold.sales_daily\",\"colour\":1}"), PARTNER)));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, statusOf(() -> client.getInfo(command("{\"table\":\"retail.gold.sales_daily\",\"predicate\":{\"op\":\"like\"}}"), PARTNER)));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, statusOf(() -> client.getInfo(command("{\"table\":\"retail.gold.inventory_levels\",\"version\":1}"), PARTNER)));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, statusOf(() -> client.getInfo(FlightDescriptor.path("retail", "gold"), PARTNER)));
    String unknownColumn = "{\"op\":\"isNull\",\"children\":[{\"op\":\"column\",\"name\":\"ghost\",\"valueType\":\"string\"}]}";
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, statusOf(() -> client.getInfo(command("{\"table\":\"retail.gold.sales_daily\",\"predicate\":" + unknownColumn + "}"), PARTNER)));
  }

  private static FlightRuntimeException refused(Runnable call) {
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, call::run);
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, e.status().code(), e.status().description());
    return e;
  }

  @Test
  void hostileStatementsAndPredicatesAreInvalidArgumentsNamingTheLimit() {
    var sql = new org.apache.arrow.flight.sql.FlightSqlClient(client);
    // Beyond the simple SELECT's own limits a statement goes to the engine, which bounds it too.
    assertEquals("The statement nests brackets deeper than 128 levels",
        refused(() -> sql.execute("SELECT * FROM retail.gold.sales_daily WHERE " + "(".repeat(10_000) + "units = 1", PARTNER)).status().description());
    assertTrue(refused(() -> sql.execute("SELECT * FROM retail.gold.sales_daily WHERE " + "NOT ".repeat(16_000) + "units = 1", PARTNER))
        .status().description().contains("Max expression depth limit of 1000 exceeded"));
    assertEquals("The statement is 200053 characters long; the limit is 65536",
        refused(() -> sql.execute("SELECT * FROM retail.gold.sales_daily WHERE " + "NOT ".repeat(50_000) + "units = 1", PARTNER)).status().description());
    String compare = "{\"op\":\"equal\",\"children\":[{\"op\":\"column\",\"name\":\"units\",\"valueType\":\"long\"},{\"op\":\"literal\",\"value\":\"1\",\"valueType\":\"long\"}]}";
    String deep = "{\"op\":\"not\",\"children\":[".repeat(65) + compare + "]}".repeat(65);
    assertEquals("The predicate is nested more than 64 levels deep; the limit is 64",
        refused(() -> client.getInfo(command("{\"table\":\"retail.gold.sales_daily\",\"predicate\":" + deep + "}"), PARTNER)).status().description());
    String hostile = "{\"op\":\"not\",\"children\":[".repeat(5_000) + compare + "]}".repeat(5_000);
    assertEquals("The command is nested too deeply: the limit for its predicate is 64 levels of and/or/not above a comparison",
        refused(() -> client.getInfo(command("{\"table\":\"retail.gold.sales_daily\",\"predicate\":" + hostile + "}"), PARTNER)).status().description());
  }

  private List<String> tableNames(FlightInfo info) throws Exception {
    List<String> names = new ArrayList<>();
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket(), PARTNER)) {
      while (stream.next()) {
        VarCharVector name = (VarCharVector) stream.getRoot().getVector("table_name");
        for (int i = 0; i < stream.getRoot().getRowCount(); i++) names.add(name.getObject(i).toString());
      }
    }
    return names;
  }

  @Test
  void flightSqlFilterPatternsMatchWithoutBacktrackingAndHonourTheEscape() throws Exception {
    var sql = new org.apache.arrow.flight.sql.FlightSqlClient(client);
    // As a regex this pattern pinned a core for longer than any client waits.
    assertEquals(List.of(), tableNames(sql.getTables(null, null, "%".repeat(200) + "#", null, false, PARTNER)));
    assertEquals(List.of("missing_file_customers"), tableNames(sql.getTables("retail", "history", "missing\\_file\\_%", null, false, PARTNER)));
    assertEquals(List.of("growing_sales"), tableNames(sql.getTables("retail", "HIST%", "growing_s_les", null, false, PARTNER)));
    assertEquals("table_name_filter_pattern is 1025 characters long; the limit is 1024",
        refused(() -> sql.getTables(null, null, "%".repeat(1_025), null, false, PARTNER)).status().description());
    assertEquals("db_schema_filter_pattern ends with the escape character '\\'; write '\\\\' for a backslash",
        refused(() -> sql.getSchemas(null, "gold\\", PARTNER)).status().description());
  }

  @Test
  void forgedTamperedExpiredOrForeignTicketsAreRefused() throws Exception {
    assertEquals(FlightStatusCode.UNAUTHORIZED, statusOf(() -> drain(new Ticket("forged".getBytes(StandardCharsets.UTF_8)), PARTNER)));
    FlightInfo info = client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), PARTNER);
    String ticket = new String(info.getEndpoints().get(0).getTicket().getBytes(), StandardCharsets.UTF_8);
    String tampered = ticket.replace("\"split\":0", "\"split\":1");
    assertEquals(FlightStatusCode.UNAUTHORIZED, statusOf(() -> drain(new Ticket(tampered.getBytes(StandardCharsets.UTF_8)), PARTNER)));
    String body = ticket.substring(ticket.indexOf('.') + 1).replaceFirst("\"expires\":\\d+", "\"expires\":1");
    String expired = new Signer(SampleLake.SIGNING_KEY).sign("flight-ticket", body) + "." + body;
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> drain(new Ticket(expired.getBytes(StandardCharsets.UTF_8)), PARTNER));
    assertEquals(FlightStatusCode.UNAUTHORIZED, e.status().code());
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
    assertEquals(FlightStatusCode.UNAUTHORIZED, statusOf(() -> drain(info.getEndpoints().get(0).getTicket(), bearer(SampleLake.ANALYST_TOKEN))));
    assertEquals(91, readAll(info, PARTNER, r -> {}), "the server is still healthy");
  }

  private void drain(Ticket ticket, CallOption auth) {
    try (FlightStream stream = client.getStream(ticket, auth)) {
      while (stream.next()) {}
    } catch (FlightRuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void aClientThatCancelsMidStreamLeavesNothingBehind() throws Exception {
    FlightInfo info = client.getInfo(command("{\"table\":\"retail.gold.customer_features\"}"), PARTNER);
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket(), PARTNER)) {
      assertTrue(stream.next());
      stream.cancel("enough", null);
    }
    assertEquals(170, readAll(client.getInfo(command("{\"table\":\"retail.gold.customer_features\"}"), PARTNER), PARTNER, r -> {}));
  }
}
