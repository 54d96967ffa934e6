package io.goldgate.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.goldgate.flight.FlightService;
import io.goldgate.storage.TableLocation;
import io.goldgate.testing.Await;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.SampleLake;
import io.micrometer.core.instrument.MeterRegistry;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.RootAllocator;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The audit log end to end, run once per sink (files in embedded mode, a real Redis stream):
 * a scripted session of real requests (REST Assured, the Arrow Flight Java client), then the
 * operator API that reads it back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AuditTestBase {

  static final String SALES = "/delta-sharing/shares/retail/schemas/gold/tables/sales_daily";

  @Inject FlightService flight;
  @Inject MeterRegistry meters;

  /** Facts of the scripted session, checked against the events. */
  static final Map<String, Object> session = new LinkedHashMap<>();

  /** Every stored event as the sink holds it (file lines or stream entries), for leak checks. */
  abstract String rawStoredEvents() throws Exception;

  /** Makes the sink fail (storage gone), without touching sharing itself. */
  abstract void breakSink() throws Exception;

  abstract void repairSink() throws Exception;

  static String adminToken() {
    return ConfigProvider.getConfig().getValue("goldgate.admin.token", String.class);
  }

  static RequestSpecification admin() {
    return given().header("Authorization", "Bearer " + adminToken());
  }

  static RequestSpecification partner() {
    return given().header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN);
  }

  static CallOption bearer(String token) {
    CallHeaders headers = new FlightCallHeaders();
    headers.insert("authorization", "Bearer " + token);
    return new HeaderCallOption(headers);
  }

  /** GET /admin/audit with query parameters; waits until {@code expected} events are there. */
  static JsonPath audit(int expected, Object... params) {
    JsonPath page = null;
    for (int i = 0; i < 100; i++) {
      page = admin().queryParams(map(params)).get("/admin/audit").then().statusCode(200).extract().jsonPath();
      if (page.getList("events").size() >= expected) break;
      sleep(50);
    }
    return page;
  }

  static Map<String, Object> map(Object... params) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < params.length; i += 2) m.put((String) params[i], params[i + 1]);
    return m;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits at most 10 s, as the audit writer flushes within a second or so. */
  static void await(String what, BooleanSupplier condition) {
    Await.until(what, Duration.ofSeconds(10), condition);
  }

  @Test
  @Order(1)
  void givenAScriptedSession_whenReadingTheAuditLog_thenItHoldsExactlyOneEventPerCallWithItsDetails() throws Exception {
    // given: list shares, query a table, download one of its files, a Flight read, a 404
    Response shares = partner().get("/delta-sharing/shares").then().statusCode(200).extract().response();
    // Uncompressed, so the audited bytes on the wire are the body's length.
    Response query =
        partner().config(io.restassured.RestAssured.config().decoderConfig(io.restassured.config.DecoderConfig.decoderConfig().noContentDecoders()))
            .contentType("application/json").body("{}").post(SALES + "/query").then().statusCode(200).extract().response();
    List<JsonNode> files = Ndjson.actions(Ndjson.lines(query.asString()), "file");
    assertTrue(files.size() > 1);
    String url = files.getFirst().get("url").asText();
    byte[] downloaded = given().urlEncodingEnabled(false).get(url).then().statusCode(200).extract().asByteArray();
    assertEquals(files.getFirst().get("size").asLong(), downloaded.length);
    long flightRows = 0;
    long planned;
    try (var allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build()) {
      FlightInfo info =
          client.getInfo(FlightDescriptor.command("{\"table\":\"retail.gold.sales_daily\",\"limit\":7}".getBytes(StandardCharsets.UTF_8)), bearer(SampleLake.PARTNER_TOKEN));
      assertEquals(1, info.getEndpoints().size());
      planned = info.getEndpoints().size();
      try (FlightStream stream = client.getStream(info.getEndpoints().getFirst().getTicket(), bearer(SampleLake.PARTNER_TOKEN))) {
        while (stream.next()) flightRows += stream.getRoot().getRowCount();
      }
    }
    assertEquals(7, flightRows);
    assertEquals(1, planned);
    partner().get("/delta-sharing/shares/nope").then().statusCode(404);

    // when
    JsonPath page = audit(6, "order", "oldest");

    // then: exactly six events (in arrival order), nothing else
    List<Map<String, Object>> events = new ArrayList<>(page.getList("events"));
    assertEquals(6, events.size(), events.toString());
    events.sort(Comparator.comparing(e -> Instant.parse((String) e.get("time"))));
    assertEquals(List.of("listShares", "queryTable", "downloadFile", "GetFlightInfo", "DoGet", "getShare"), events.stream().map(e -> e.get("operation")).toList());
    for (Map<String, Object> e : events) {
      assertEquals("127.0.0.1", e.get("clientIp"), e.toString());
      assertNotNull(e.get("userAgent"), e.toString());
      assertNotNull(e.get("id"));
      assertTrue(((Number) e.get("latencyMs")).longValue() >= 0);
    }

    Map<String, Object> list = events.get(0);
    assertEquals("partner", list.get("recipient"));
    assertEquals("delta-sharing", list.get("protocol"));
    assertEquals("200", list.get("status"));
    assertEquals((long) shares.asByteArray().length, ((Number) list.get("bytes")).longValue());
    assertNull(list.get("table"));
    assertNull(list.get("errorCode"));

    Map<String, Object> q = events.get(1);
    assertEquals("partner", q.get("recipient"));
    assertEquals("retail", q.get("share"));
    assertEquals("gold", q.get("schema"));
    assertEquals("sales_daily", q.get("table"));
    assertEquals(Integer.parseInt(query.header("Delta-Table-Version")), ((Number) q.get("version")).intValue());
    assertEquals(4, ((Number) q.get("version")).intValue());
    assertEquals(files.size(), ((Number) q.get("files")).intValue());
    assertEquals((long) query.asByteArray().length, ((Number) q.get("bytes")).longValue());
    assertEquals("200", q.get("status"));

    Map<String, Object> file = events.get(2);
    assertEquals("partner", file.get("recipient"), "the pre-signed URL names who it was issued to");
    assertEquals("delta-sharing", file.get("protocol"));
    assertEquals("sales_daily", file.get("table"));
    assertEquals(1, ((Number) file.get("files")).intValue());
    assertEquals((long) downloaded.length, ((Number) file.get("bytes")).longValue());
    assertEquals("200", file.get("status"));

    Map<String, Object> info = events.get(3);
    assertEquals("partner", info.get("recipient"));
    assertEquals("flight", info.get("protocol"));
    assertEquals("retail", info.get("share"));
    assertEquals("sales_daily", info.get("table"));
    assertEquals(4, ((Number) info.get("version")).intValue());
    assertEquals("OK", info.get("status"));
    int plannedFiles = ((Number) info.get("files")).intValue();
    assertTrue(plannedFiles >= 1);

    Map<String, Object> get = events.get(4);
    assertEquals("partner", get.get("recipient"));
    assertEquals("flight", get.get("protocol"));
    assertEquals("sales_daily", get.get("table"));
    assertEquals(4, ((Number) get.get("version")).intValue());
    assertEquals(plannedFiles, ((Number) get.get("files")).intValue(), "one endpoint reads every planned file");
    assertEquals(7L, ((Number) get.get("rows")).longValue());
    assertTrue(((Number) get.get("bytes")).longValue() > 0);
    assertEquals("OK", get.get("status"));

    Map<String, Object> missing = events.get(5);
    assertEquals("partner", missing.get("recipient"));
    assertEquals("nope", missing.get("share"));
    assertEquals("404", missing.get("status"));
    assertEquals("RESOURCE_DOES_NOT_EXIST", missing.get("errorCode"));
    assertNotNull(missing.get("message"));

    // newest first (the default) is the same events in reverse recording order
    List<Object> oldestIds = page.getList("events.id");
    List<Object> newestIds = new ArrayList<>(admin().get("/admin/audit").then().statusCode(200).extract().jsonPath().getList("events.id"));
    java.util.Collections.reverse(newestIds);
    assertEquals(oldestIds, newestIds);
    session.put("sessionEnd", Instant.now());
    session.put("fileUrl", url);
    session.put("salesFiles", (long) files.size());
    session.put("salesBytes", files.stream().mapToLong(f -> f.get("size").asLong()).sum());
  }

  @Test
  @Order(2)
  void givenEvents_whenFilteringByRecipientTableAndTime_thenOnlyMatchingOnesAreReturned() throws Exception {
    // given: the session, plus an analyst read and a failed authentication
    given().header("Authorization", "Bearer " + SampleLake.ANALYST_TOKEN).get("/delta-sharing/shares").then().statusCode(200);
    given().header("Authorization", "Bearer wrong-token").get("/delta-sharing/shares").then().statusCode(401);
    try (var allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build()) {
      var rejected = org.junit.jupiter.api.Assertions.assertThrows(org.apache.arrow.flight.FlightRuntimeException.class,
          () -> client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer("wrong-token")));
      assertEquals(org.apache.arrow.flight.FlightStatusCode.UNAUTHENTICATED, rejected.status().code());
      var sql = new org.apache.arrow.flight.sql.FlightSqlClient(client);
      FlightInfo info = sql.execute("SELECT region FROM retail.gold.sales_daily LIMIT 3", bearer(SampleLake.ANALYST_TOKEN));
      assertEquals(1, info.getEndpoints().size());
    }
    audit(10);

    // then
    JsonPath analyst = audit(2, "recipient", "analyst", "order", "oldest");
    assertEquals(List.of("listShares", "GetFlightInfo"), analyst.getList("events.operation"));
    Map<String, Object> sql = analyst.getMap("events[1]");
    assertEquals("flight-sql", sql.get("protocol"));
    assertEquals("sales_daily", sql.get("table"));
    assertEquals(4, ((Number) sql.get("version")).intValue());
    assertEquals("OK", sql.get("status"));
    JsonPath sales = audit(5, "table", "RETAIL.gold.Sales_Daily", "order", "oldest");
    assertEquals(List.of("queryTable", "downloadFile", "GetFlightInfo", "DoGet", "GetFlightInfo"), sales.getList("events.operation"));
    JsonPath unauthenticated = audit(4, "from", session.get("sessionEnd").toString());
    List<String> afterSession = unauthenticated.getList("events.status");
    assertEquals(List.of("OK", "UNAUTHENTICATED", "401", "200"), afterSession, "newest first: the SQL query, the failed authentications, the analyst's listing");
    List<Map<String, Object>> afterEvents = unauthenticated.getList("events");
    List<Map<String, Object>> rejected = afterEvents.subList(1, 3);
    assertNull(rejected.get(0).get("recipient"));
    assertEquals("flight", rejected.get(0).get("protocol"));
    assertEquals("GetFlightInfo", rejected.get(0).get("operation"));
    assertEquals("Unknown bearer token", rejected.get(0).get("message"));
    assertNull(rejected.get(1).get("recipient"));
    assertEquals("listShares", rejected.get(1).get("operation"));
    assertEquals("UNAUTHENTICATED", rejected.get(1).get("errorCode"));
    assertEquals("Unknown bearer token", rejected.get(1).get("message"));
    assertEquals(6, audit(6, "to", session.get("sessionEnd").toString()).getList("events").size());
    assertEquals(0, audit(0, "recipient", "nobody").getList("events").size());
  }

  @Test
  @Order(3)
  void givenMoreEventsThanALimit_whenPaging_thenPagesCoverEveryEventOnceInOrder() {
    List<Object> all = audit(10, "limit", "1000").getList("events.id");
    assertEquals(10, all.size());
    for (String order : List.of("newest", "oldest")) {
      List<Object> expected = new ArrayList<>(all);
      if (order.equals("oldest")) java.util.Collections.reverse(expected);
      List<Object> seen = new ArrayList<>();
      String token = null;
      int pages = 0;
      do {
        var request = admin().queryParam("limit", 3).queryParam("order", order);
        if (token != null) request = request.queryParam("pageToken", token);
        JsonPath page = request.get("/admin/audit").then().statusCode(200).body("order", equalTo(order)).extract().jsonPath();
        seen.addAll(page.getList("events.id"));
        token = page.getString("nextPageToken");
        pages++;
      } while (token != null);
      assertEquals(expected, seen, order);
      assertEquals(4, pages, "3 + 3 + 3 + 1 events");
    }
    // A page token continues only the order it was issued for.
    String newestToken = admin().queryParam("limit", 3).get("/admin/audit").then().extract().jsonPath().getString("nextPageToken");
    admin().queryParam("order", "oldest").queryParam("pageToken", newestToken).get("/admin/audit").then().statusCode(400)
        .body("message", org.hamcrest.Matchers.containsString("other order"));
  }

  @Test
  @Order(3)
  void givenBadFilterValues_whenReadingTheAuditLog_thenItIs400NamingTheProblem() {
    admin().queryParam("from", "yesterday").get("/admin/audit").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", equalTo("'from' must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, got 'yesterday'"));
    admin().queryParam("to", "2026-13-01T00:00:00Z").get("/admin/audit").then().statusCode(400)
        .body("message", equalTo("'to' must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, got '2026-13-01T00:00:00Z'"));
    admin().queryParam("from", "2026-02-01T00:00:00Z").queryParam("to", "2026-01-01T00:00:00Z").get("/admin/audit").then().statusCode(400)
        .body("message", equalTo("'from' (2026-02-01T00:00:00Z) must be before 'to' (2026-01-01T00:00:00Z)"));
    admin().queryParam("table", "retail.sales_daily").get("/admin/audit").then().statusCode(400)
        .body("message", equalTo("'table' must be share.schema.table, got 'retail.sales_daily'"));
    admin().queryParam("limit", "0").get("/admin/audit").then().statusCode(400)
        .body("message", equalTo("'limit' must be a whole number from 1 to 1000, got '0'"));
    admin().queryParam("limit", "1001").get("/admin/audit").then().statusCode(400);
    admin().queryParam("limit", "ten").get("/admin/audit").then().statusCode(400);
    admin().queryParam("order", "random").get("/admin/audit").then().statusCode(400)
        .body("message", equalTo("'order' must be 'newest' or 'oldest', got 'random'"));
    admin().queryParam("pageToken", "not-a-token!").get("/admin/audit").then().statusCode(400)
        .body("message", equalTo("Invalid pageToken: not a token this endpoint issued"));
    String foreign = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("newest|garbage".getBytes(StandardCharsets.UTF_8));
    admin().queryParam("pageToken", foreign).get("/admin/audit").then().statusCode(400)
        .body("message", equalTo("Invalid pageToken: it is not a position in this audit log"));
    given().header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN).get("/admin/audit").then().statusCode(401);
  }

  @Test
  @Order(4)
  void givenTheTestCatalog_whenListingTables_thenEachTableShowsItsExposureVersionAndLastAccess() {
    List<Map<String, Object>> tables = admin().get("/admin/tables").then().statusCode(200).extract().jsonPath().getList("$");
    Path sample = SampleLake.SAMPLE_LAKE;
    Path features = SampleLake.FEATURE_LAKE;
    Path temp = Path.of(ConfigProvider.getConfig().getValue("goldgate.shares.dir", String.class));
    Instant salesAccess = Instant.parse((String) audit(1, "table", "retail.gold.sales_daily").getList("events.time").getFirst());
    List<Map<String, Object>> expected = new ArrayList<>();
    expected.add(entry(features.resolve("customers_cm"), List.of("features.delta.customers_cm"), List.of(), 4, null));
    expected.add(entry(features.resolve("events_cdf"), List.of("features.delta.events_cdf", "features.delta.events_cdf_latest_only", "regional.gold.events_by_day"), List.of(), 5, null));
    expected.add(entry(features.resolve("orders_dv"), List.of("features.delta.orders_dv"), List.of(), 3, null));
    expected.add(entry(features.resolve("plain_cdf_off"), List.of("features.delta.plain_cdf_off"), List.of(), 2, null));
    expected.add(entry(features.resolve("readings_ntz"), List.of("features.delta.readings_ntz"), List.of(), 1, null));
    expected.add(entry(sample.resolve("customer_features"), List.of("finance.gold.customer_ltv", "retail.gold.customer_features"), List.of("customer_stats", "location_customer_stats"), 3, null));
    expected.add(entry(sample.resolve("inventory_levels"), List.of("regional.gold.inventory_by_warehouse", "retail.gold.inventory_levels"), List.of("inventory_position", "regional_inventory"), 3, null));
    expected.add(entry(sample.resolve("sales_daily"), List.of("regional.gold.emea_sales", "regional.gold.misfiltered_sales", "regional.gold.sales_daily", "retail.gold.sales_daily"), List.of(), 4, salesAccess));
    expected.add(entry(temp.resolve("corrupt_inventory"), List.of("retail.history.corrupt_inventory"), List.of(), 3, null));
    expected.add(entry(temp.resolve("growing_customers"), List.of("retail.history.growing_customers"), List.of("growing_customer_stats"), 3, null));
    expected.add(entry(temp.resolve("growing_sales"), List.of("retail.history.growing_sales"), List.of(), 4, null));
    expected.add(entry(temp.resolve("missing_file_customers"), List.of("retail.history.missing_file_customers"), List.of(), 3, null));
    expected.add(entry(temp.resolve("timed_events"), List.of("features.delta.timed_events"), List.of(), 5, null));
    expected.add(entry(temp.resolve("timed_sales"), List.of("retail.history.timed_sales"), List.of(), 4, null));
    Path conformance = SampleLake.CONFORMANCE_LAKE;
    expected.add(entry(conformance.resolve("brotli_mixed"), List.of("conformance.lake.brotli_mixed"), List.of(), 0, null));
    expected.add(entry(conformance.resolve("lz4_hadoop_mixed"), List.of("conformance.lake.lz4_hadoop_mixed"), List.of(), 0, null));
    expected.add(entry(conformance.resolve("unicode_strings"), List.of("conformance.lake.unicode_strings"), List.of(), 2, null));
    expected.add(entry(temp.resolve("corrupt_brotli"), List.of("conformance.lake.corrupt_brotli"), List.of(), 0, null));
    expected.add(entry(temp.resolve("lzo_labelled"), List.of("conformance.lake.lzo_labelled"), List.of(), 0, null));
    expected.sort(Comparator.comparing(e -> (String) e.get("location")));
    // Who may read each feature view: the catalog's recipients are known here; recipients other
    // tests created through the admin API may come on top.
    Map<String, List<String>> readers = new java.util.TreeMap<>();
    List<Map<String, Object>> withoutReaders = new ArrayList<>();
    Map<String, List<String>> reaching = new java.util.TreeMap<>();
    Map<String, Object> sizes = new java.util.TreeMap<>();
    for (Map<String, Object> table : tables) {
      Map<String, Object> copy = new LinkedHashMap<>(table);
      @SuppressWarnings("unchecked")
      Map<String, List<String>> byView = (Map<String, List<String>>) copy.remove("featureViewReaders");
      if (byView != null) readers.putAll(byView);
      @SuppressWarnings("unchecked")
      List<String> recipients = (List<String>) copy.remove("recipients");
      reaching.put((String) copy.get("location"), declared(recipients));
      sizes.put((String) copy.get("location"), copy.remove("sizeBytes"));
      withoutReaders.add(copy);
    }
    assertEquals(expected, withoutReaders);
    // Who each table reaches: the declared recipients granted one of its shares (API ones may come on top).
    String salesLocation = TableLocation.local(sample.resolve("sales_daily")).uri();
    assertEquals(List.of("analyst", "former-partner", "partner", "regional-apac", "regional-emea", "regional-lowercase", "regional-unassigned"),
        reaching.get(salesLocation));
    assertEquals(List.of("analyst", "former-partner", "partner"), reaching.get(TableLocation.local(sample.resolve("customer_features")).uri()),
        "finance and retail");
    assertEquals(List.of("partner"), reaching.get(TableLocation.local(features.resolve("orders_dv")).uri()));
    assertEquals(List.of("conformance"), reaching.get(TableLocation.local(conformance.resolve("unicode_strings")).uri()));
    assertEquals(((Number) session.get("salesBytes")).longValue(), ((Number) sizes.get(salesLocation)).longValue(),
        "the size of the files a query of the latest version lists");
    assertTrue(readers.get("customer_stats").containsAll(List.of("analyst", "partner")), readers.toString());
    assertTrue(readers.get("regional_inventory").containsAll(List.of("regional-apac", "regional-emea", "regional-unassigned")), readers.toString());
    assertEquals(List.of("conformance"), readers.get("location_customer_stats"), "only through its granted feature service");
    for (String view : List.of("customer_stats", "inventory_position", "growing_customer_stats")) {
      assertFalse(readers.get(view).contains("conformance") || readers.get(view).contains("regional-emea"), view + ": " + readers);
    }
  }

  /** The recipients the test catalog declares: others are ones tests created through the API. */
  static final java.util.Set<String> DECLARED = java.util.Set.of(
      "partner", "analyst", "former-partner", "regional-emea", "regional-apac", "regional-unassigned", "regional-lowercase", "conformance");

  static List<String> declared(List<String> recipients) {
    return recipients.stream().filter(DECLARED::contains).toList();
  }

  @Test
  @Order(4)
  void givenASharedTable_whenAskingForItsDetail_thenSchemaSizeHistoryAndReachAreThoseOfItsDeltaLog() throws Exception {
    // given: sales_daily's log, read here with Jackson: the schema of its last metaData, each commit's commitInfo
    Path log = SampleLake.SAMPLE_LAKE.resolve("sales_daily").resolve("_delta_log");
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    JsonNode metaData = null;
    List<Map<String, Object>> history = new ArrayList<>();
    for (int v = 0; v <= 4; v++) {
      Path commit = log.resolve(String.format("%020d.json", v));
      String operation = null;
      for (String line : java.nio.file.Files.readAllLines(commit)) {
        JsonNode action = json.readTree(line);
        if (action.has("metaData")) metaData = action.get("metaData");
        if (action.has("commitInfo")) operation = action.get("commitInfo").get("operation").asText();
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("version", v);
      entry.put("timestamp", Instant.ofEpochMilli(java.nio.file.Files.getLastModifiedTime(commit).toMillis()));
      entry.put("operation", operation);
      history.addFirst(entry);
    }
    List<Map<String, Object>> columns = new ArrayList<>();
    for (JsonNode field : json.readTree(metaData.get("schemaString").asText()).get("fields")) {
      columns.add(new LinkedHashMap<>(Map.of("name", field.get("name").asText(), "type", field.get("type").asText(), "nullable", field.get("nullable").asBoolean())));
    }
    assertEquals(List.of("WRITE", "DELETE", "WRITE", "WRITE", "WRITE"), history.stream().map(h -> h.get("operation")).toList());
    Instant lastAccess = Instant.parse((String) audit(1, "table", "retail.gold.sales_daily").getList("events.time").getFirst());

    // when: asked with other cases
    JsonPath detail = admin().get("/admin/tables/RETAIL/Gold/Sales_Daily").then().statusCode(200).extract().jsonPath();

    // then
    assertEquals("retail", detail.getString("share"));
    assertEquals("gold", detail.getString("schema"));
    assertEquals("sales_daily", detail.getString("table"));
    assertEquals(TableLocation.local(SampleLake.SAMPLE_LAKE.resolve("sales_daily")).uri(), detail.getString("location"));
    assertEquals(4, detail.getInt("version"));
    assertEquals(((Number) session.get("salesBytes")).longValue(), detail.getLong("sizeBytes"));
    assertEquals(((Number) session.get("salesFiles")).longValue(), detail.getLong("numFiles"));
    assertEquals(lastAccess, Instant.parse(detail.getString("lastAccess")));
    assertEquals(columns, detail.getList("columns"));
    assertEquals(json.convertValue(metaData.get("partitionColumns"), List.class), detail.getList("partitionColumns"));
    List<Map<String, Object>> got = detail.getList("history");
    assertEquals(history.stream().map(h -> h.get("version")).toList(), got.stream().map(h -> h.get("version")).toList());
    assertEquals(history.stream().map(h -> h.get("operation")).toList(), got.stream().map(h -> h.get("operation")).toList());
    assertEquals(history.stream().map(h -> h.get("timestamp")).toList(), got.stream().map(h -> Instant.parse((String) h.get("timestamp"))).toList(),
        "commit times as time travel compares them: the commit files' modification times");
    assertEquals(List.of("analyst", "former-partner", "partner"), declared(detail.getList("recipients")), "the retail share's, not regional's");
    assertEquals(List.of(), detail.getList("featureViews"));
    assertNull(detail.get("error"));

    // a table feature views read, under the name of another share
    JsonPath ltv = admin().get("/admin/tables/finance/gold/customer_ltv").then().statusCode(200).extract().jsonPath();
    assertEquals(List.of("customer_stats", "location_customer_stats"), ltv.getList("featureViews"));
    assertEquals(List.of("analyst"), declared(ltv.getList("recipients")));
    assertEquals(3, ltv.getInt("version"));

    for (String unknown : List.of("retail/gold/nope", "nope/gold/sales_daily", "retail/nope/sales_daily")) {
      admin().get("/admin/tables/" + unknown).then().statusCode(404).body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST"));
    }
    partner().get("/admin/tables/retail/gold/sales_daily").then().statusCode(401);
  }

  static Map<String, Object> entry(Path location, List<String> shares, List<String> views, int version, Instant lastAccess) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("location", TableLocation.local(location).uri());
    m.put("shares", shares);
    m.put("flight", true);
    m.put("featureViews", views);
    m.put("version", version);
    if (lastAccess != null) m.put("lastAccess", lastAccess.toString());
    return m;
  }

  @Test
  @Order(5)
  void givenOnlineLookups_whenReadingTheCounters_thenLookupsAndEntityRowsAreCountedPerRecipient() {
    admin().post("/admin/features/views/customer_stats/materialize").then().statusCode(200);
    String one = "{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[1,2,3]}}";
    String two = "{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[4,99999]}}";
    partner().contentType("application/json").body(one).post("/get-online-features").then().statusCode(200);
    partner().contentType("application/json").body(two).post("/get-online-features").then().statusCode(200);
    given().header("Authorization", "Bearer " + SampleLake.ANALYST_TOKEN).contentType("application/json").body(one).post("/get-online-features").then().statusCode(200);
    partner().contentType("application/json").body("{\"features\":[\"customer_stats:nope\"],\"entities\":{\"customer_id\":[1]}}")
        .post("/get-online-features").then().statusCode(400);

    admin().get("/admin/audit/feature-lookups").then().statusCode(200)
        .body("partner.lookups", equalTo(2)).body("partner.entityRows", equalTo(5))
        .body("analyst.lookups", equalTo(1)).body("analyst.entityRows", equalTo(3))
        .body("size()", equalTo(2));
    // Persisted by the writer within a second; the totals read the same before and after.
    sleep(1_500);
    admin().get("/admin/audit/feature-lookups").then().statusCode(200)
        .body("partner.lookups", equalTo(2)).body("partner.entityRows", equalTo(5));
    assertEquals(0, audit(0, "table", "retail.gold.customer_features").getList("events").size(), "lookups are counted, not audited one by one");
  }

  @Test
  @Order(6)
  void givenTheStoredEvents_whenSearchingForCredentials_thenNoTokenHashOrSignatureIsThere() throws Exception {
    audit(8);
    String stored = rawStoredEvents();
    assertTrue(stored.contains("sales_daily"), "the raw store holds the events");
    for (String secret : List.of(SampleLake.PARTNER_TOKEN, SampleLake.ANALYST_TOKEN, "wrong-token", SampleLake.sha256(SampleLake.PARTNER_TOKEN),
        SampleLake.sha256(SampleLake.ANALYST_TOKEN), adminToken(), "sig=", "&s=", "/delta-sharing/files/")) {
      assertFalse(stored.contains(secret), "the audit store holds " + secret);
    }
  }

  /** A push of customer_stats: entities 930001 and up are in no table, so no other test reads them. */
  static String push(String time, long... ids) {
    String column = java.util.Arrays.stream(ids).mapToObj(Long::toString).collect(java.util.stream.Collectors.joining(","));
    String times = java.util.Arrays.stream(ids).mapToObj(i -> "\"" + time + "\"").collect(java.util.stream.Collectors.joining(","));
    String n = java.util.Arrays.stream(ids).mapToObj(i -> "1").collect(java.util.stream.Collectors.joining(","));
    return ("{\"push_source_name\": \"customer_stats\", \"df\": {\"customer_id\": [%s], \"last_order_ts\": [%s], \"segment\": [%s],"
        + " \"lifetime_value\": [%s], \"orders_count\": [%s], \"avg_basket\": [%s], \"is_active\": [%s], \"churn_score\": [%s],"
        + " \"favorite_category\": [%s]}}").formatted(column, times, n.replace("1", "\"a\""), n, n, n, n.replace("1", "true"), n, n.replace("1", "\"b\""));
  }

  @Test
  @Order(8)
  void givenFeastServeWritesAndRefusals_whenReadingTheAuditLog_thenEachIsOneFeaturesEventWithViewsRowsAndStatus() throws Exception {
    // given: a recipient granted writes of customer_stats through the admin API
    String writer = "audit-writer-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String link = admin().contentType("application/json").body("{\"name\":\"" + writer + "\",\"shares\":[\"retail\"]}").post("/admin/recipients")
        .then().statusCode(201).extract().jsonPath().getString("activation.url");
    String token = given().post(java.net.URI.create(link).getPath()).then().statusCode(200).extract().jsonPath().getString("bearerToken");
    admin().put("/admin/recipients/" + writer + "/feature-writes/customer_stats").then().statusCode(200);
    RequestSpecification asWriter = given().header("Authorization", "Bearer " + token).contentType("application/json");

    // when: two pushes (the second older, so skipped), a write, a bad frame, two materializations
    asWriter.body(push("2030-01-02T00:00:00Z", 930001, 930002)).post("/push").then().statusCode(200);
    asWriter.body(push("2030-01-01T00:00:00Z", 930001, 930002)).post("/push").then().statusCode(200);
    asWriter.body("""
        {"feature_view_name": "customer_stats", "df": {"customer_id": [930003], "event_timestamp": ["2030-01-01T00:00:00"],
          "segment": ["a"], "lifetime_value": [1.0], "orders_count": [1], "avg_basket": [1.0], "is_active": [true], "churn_score": [0.5],
          "favorite_category": ["x"], "last_order_ts": [1700000000]}}""").post("/write-to-online-store").then().statusCode(200);
    asWriter.body(push("2030-01-01T00:00:00Z", 930004).replace("\"orders_count\": [1]", "\"orders_count\": [\"one\"]")).post("/push")
        .then().statusCode(400);
    asWriter.body("{\"feature_views\":[\"customer_stats\",\"customer_stats\"]}").post("/materialize").then().statusCode(200);
    asWriter.body("{\"end_ts\":\"2030-01-01T00:00:00\"}").post("/materialize-incremental").then().statusCode(403);
    Instant beforeOthers = Instant.now();
    partner().contentType("application/json").body(push("2030-01-01T00:00:00Z", 930005)).post("/push").then().statusCode(403);
    given().contentType("application/json").body(push("2030-01-01T00:00:00Z", 930005)).post("/push").then().statusCode(401);
    given().get("/push").then().statusCode(405);

    // then: the writer's six calls, oldest first
    List<Map<String, Object>> events = audit(6, "recipient", writer, "order", "oldest").getList("events");
    assertEquals(6, events.size(), events.toString());
    assertEquals(List.of("push", "push", "write-to-online-store", "push", "materialize", "materialize-incremental"),
        events.stream().map(e -> e.get("operation")).toList());
    assertEquals(List.of("200", "200", "200", "400", "200", "403"), events.stream().map(e -> e.get("status")).toList());
    assertEquals(java.util.Arrays.asList(2, 0, 1, null, 0, null), events.stream().map(e -> e.get("rows")).toList(),
        "rows the store took: the older push none, a refused call no count");
    for (Map<String, Object> e : events.subList(0, 5)) {
      assertEquals(writer, e.get("recipient"));
      assertEquals("features", e.get("protocol"));
      assertEquals(List.of("customer_stats"), e.get("featureViews"), e.toString());
      assertEquals("127.0.0.1", e.get("clientIp"));
      assertNull(e.get("table"));
    }
    assertNull(events.get(0).get("errorCode"));
    assertEquals("INVALID_PARAMETER_VALUE", events.get(3).get("errorCode"));
    assertEquals("df column 'orders_count' row 0: \"one\" is not a int32", events.get(3).get("message"));
    Map<String, Object> all = events.get(5);
    assertEquals("PERMISSION_DENIED", all.get("errorCode"));
    Map<String, Object> online = admin().get("/admin/features/materialization").then().statusCode(200).extract().jsonPath().getMap("$");
    assertEquals(new java.util.TreeSet<>(online.keySet()), new java.util.TreeSet<>((List<?>) all.get("featureViews")),
        "a materialization naming no view names every online view");

    // the refused push of a recipient without the grant, and the unauthenticated one; the 405 is no write
    List<Map<String, Object>> others = audit(2, "from", beforeOthers.toString()).getList("events");
    assertEquals(2, others.size(), others.toString());
    Map<String, Object> unauthenticated = others.get(0);
    assertEquals("401", unauthenticated.get("status"));
    assertEquals("features", unauthenticated.get("protocol"));
    assertEquals("push", unauthenticated.get("operation"));
    assertEquals("UNAUTHENTICATED", unauthenticated.get("errorCode"));
    assertNull(unauthenticated.get("recipient"));
    Map<String, Object> refused = others.get(1);
    assertEquals("partner", refused.get("recipient"));
    assertEquals("403", refused.get("status"));
    assertEquals("PERMISSION_DENIED", refused.get("errorCode"));
    assertEquals("You may not write feature view 'customer_stats': writes need the recipient property goldgate.featureWrites to list it", refused.get("message"));
    assertEquals(List.of("customer_stats"), refused.get("featureViews"));
    assertNull(refused.get("rows"));
    assertEquals(List.of("push"), audit(1, "recipient", "partner").getList("events.operation").subList(0, 1));

    String stored = rawStoredEvents();
    assertTrue(stored.contains("write-to-online-store"), "the raw store holds the events");
    assertFalse(stored.contains(token) || stored.contains(SampleLake.sha256(token)), "the audit store holds the writer's token");
  }

  @Test
  @Order(9)
  void givenAFileUrlWhoseRecipientWasChanged_whenDownloading_thenItIs403AndAuditedWithoutARecipient() {
    String url = (String) session.get("fileUrl");
    assertTrue(url.contains("&r=partner&s="), url);
    given().urlEncodingEnabled(false).get(url.replace("&r=partner&", "&r=analyst&")).then().statusCode(403)
        .body("message", equalTo("This file URL has an invalid signature"));
    Map<String, Object> event = audit(1).getMap("events[0]");
    assertEquals("downloadFile", event.get("operation"));
    assertEquals("403", event.get("status"));
    assertEquals("PERMISSION_DENIED", event.get("errorCode"));
    assertEquals("sales_daily", event.get("table"));
    assertNull(event.get("recipient"));
    assertNull(event.get("files"));
  }

  @Test
  @Order(10)
  void givenTheSinkFails_whenRecipientsKeepReading_thenRequestsSucceedAndDroppedEventsAreCounted() throws Exception {
    JsonPath before = admin().get("/admin/audit/stats").then().statusCode(200).extract().jsonPath();
    double meterBefore = meters.counter("goldgate.audit.dropped").count();
    long droppedBefore = before.getLong("dropped");
    breakSink();
    try {
      for (int i = 0; i < 3; i++) {
        partner().get("/delta-sharing/shares").then().statusCode(200);
      }
      partner().contentType("application/json").body("{}").post(SALES + "/query").then().statusCode(200);
      await("4 events are dropped", () -> admin().get("/admin/audit/stats").then().extract().jsonPath().getLong("dropped") == droppedBefore + 4);
      assertEquals(meterBefore + 4, meters.counter("goldgate.audit.dropped").count());
    } finally {
      repairSink();
    }
    // Auditing resumes once the sink is back.
    long written = admin().get("/admin/audit/stats").then().extract().jsonPath().getLong("written");
    await("auditing resumes", () -> {
      partner().get("/delta-sharing/shares/retail").then().statusCode(200);
      return admin().get("/admin/audit/stats").then().extract().jsonPath().getLong("written") > written;
    });
    assertEquals("getShare", audit(1).getList("events.operation").getFirst());
  }

  @Test
  @Order(12)
  void givenAFlightSqlJoin_whenAuditing_thenItsEventNamesEveryTableItRead() throws Exception {
    // given: a join of two shares' tables, planned and read
    Instant from = Instant.now();
    try (var allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build()) {
      var sql = new org.apache.arrow.flight.sql.FlightSqlClient(client);
      FlightInfo info = sql.execute(
          "SELECT count(*) FROM retail.gold.sales_daily s JOIN finance.gold.customer_ltv l ON s.store_id = l.customer_id", bearer(SampleLake.ANALYST_TOKEN));
      try (var stream = sql.getStream(info.getEndpoints().get(0).getTicket(), bearer(SampleLake.ANALYST_TOKEN))) {
        while (stream.next()) {}
      }
    }

    // then: both events name both tables, and the table filter finds them by either
    List<Map<String, Object>> events = audit(2, "from", from.toString(), "table", "finance.gold.customer_ltv", "order", "oldest").getList("events");
    assertEquals(List.of("GetFlightInfo", "DoGet"), events.stream().map(e -> e.get("operation")).toList(), events.toString());
    for (Map<String, Object> event : events) {
      assertEquals("flight-sql", event.get("protocol"));
      assertEquals("sales_daily", event.get("table"));
      assertEquals(List.of("retail.gold.sales_daily", "finance.gold.customer_ltv"), event.get("tables"));
      assertEquals("OK", event.get("status"));
    }
    assertEquals(2, audit(2, "from", from.toString(), "table", "retail.gold.sales_daily").getList("events").size());
  }

  @Test
  @Order(11)
  void givenCallsInAWindow_whenAskingForTheTimeline_thenEachBucketCountsExactlyTheCallsRequestsBytesAndErrorsInIt() {
    // given: four calls of two recipients, one failing, in a window of their own
    Instant from = Instant.now();
    List<Response> calls = List.of(
        partner().get("/delta-sharing/shares").then().statusCode(200).extract().response(),
        partner().get("/delta-sharing/shares/retail").then().statusCode(200).extract().response(),
        partner().get("/delta-sharing/shares/nope").then().statusCode(404).extract().response(),
        given().header("Authorization", "Bearer " + SampleLake.ANALYST_TOKEN).get("/delta-sharing/shares").then().statusCode(200).extract().response());
    List<Map<String, Object>> events = audit(4, "from", from.toString(), "order", "oldest").getList("events");
    assertEquals(4, events.size(), events.toString());
    long bytes = events.stream().mapToLong(e -> ((Number) e.get("bytes")).longValue()).sum();
    assertEquals(calls.get(0).asByteArray().length + calls.get(1).asByteArray().length,
        ((Number) events.get(0).get("bytes")).longValue() + ((Number) events.get(1).get("bytes")).longValue());
    Instant to = from.plus(Duration.ofHours(1));

    // when: minute buckets over the hour that starts with the first call
    JsonPath timeline = admin().queryParam("from", from.toString()).queryParam("to", to.toString()).queryParam("bucket", "PT1M")
        .get("/admin/audit/timeline").then().statusCode(200).extract().jsonPath();

    // then: each bucket holds the events whose time falls in it, as GET /admin/audit lists them
    assertEquals(from, Instant.parse(timeline.getString("from")));
    assertEquals(to, Instant.parse(timeline.getString("to")));
    assertEquals(60, timeline.getInt("bucketSeconds"));
    List<Map<String, Object>> buckets = timeline.getList("buckets");
    assertEquals(60, buckets.size());
    Map<String, long[]> expected = new java.util.TreeMap<>();
    for (int i = 0; i < 60; i++) {
      assertEquals(from.plusSeconds(60L * i), Instant.parse((String) buckets.get(i).get("start")));
    }
    long[][] all = new long[60][3];
    for (Map<String, Object> e : events) {
      int i = (int) (Duration.between(from, Instant.parse((String) e.get("time"))).toMillis() / 60_000);
      boolean error = e.get("status").equals("404");
      for (long[] counts : new long[][] {all[i], expected.computeIfAbsent((String) e.get("recipient"), r -> new long[180])}) {
        int base = counts.length == 3 ? 0 : 3 * i;
        counts[base] += 1;
        counts[base + 1] += ((Number) e.get("bytes")).longValue();
        counts[base + 2] += error ? 1 : 0;
      }
    }
    for (int i = 0; i < 60; i++) {
      assertEquals(List.of(all[i][0], all[i][1], all[i][2]), counts(buckets.get(i)), "bucket " + i);
    }
    assertEquals(List.of(4L, bytes, 1L), total(buckets));
    Map<String, List<Map<String, Object>>> byRecipient = timeline.getMap("byRecipient");
    assertEquals(List.of("analyst", "partner"), List.copyOf(byRecipient.keySet()));
    for (var series : expected.entrySet()) {
      List<Map<String, Object>> got = byRecipient.get(series.getKey());
      assertEquals(60, got.size());
      for (int i = 0; i < 60; i++) {
        long[] c = series.getValue();
        assertEquals(List.of(c[3 * i], c[3 * i + 1], c[3 * i + 2]), counts(got.get(i)), series.getKey() + " bucket " + i);
        assertEquals(buckets.get(i).get("start"), got.get(i).get("start"));
      }
    }
    assertEquals(List.of(3L, bytes - ((Number) events.get(3).get("bytes")).longValue(), 1L), total(byRecipient.get("partner")));
    assertEquals(0, timeline.getInt("recipientsOmitted"));
    assertFalse(timeline.getBoolean("truncated"));
    assertTrue(timeline.getLong("scanned") >= 4);

    // Filters as GET /admin/audit's, plus protocol and status.
    assertEquals(List.of(1L, ((Number) events.get(3).get("bytes")).longValue(), 0L), total(timeline(from, to, "recipient", "analyst")));
    assertEquals(List.of(1L, ((Number) events.get(2).get("bytes")).longValue(), 1L), total(timeline(from, to, "status", "error")));
    assertEquals(List.of(1L, ((Number) events.get(2).get("bytes")).longValue(), 1L), total(timeline(from, to, "status", "404")));
    assertEquals(List.of(3L, bytes - ((Number) events.get(2).get("bytes")).longValue(), 0L), total(timeline(from, to, "status", "success")));
    assertEquals(List.of(4L, bytes, 1L), total(timeline(from, to, "protocol", "delta-sharing")));
    assertEquals(List.of(0L, 0L, 0L), total(timeline(from, to, "protocol", "flight")));
    assertEquals(List.of(0L, 0L, 0L), total(timeline(from, to, "table", "retail.gold.sales_daily")));
    assertEquals(List.of(1L, ((Number) events.get(2).get("bytes")).longValue(), 1L),
        total(audit(1, "from", from.toString(), "status", "error").<Map<String, Object>>getList("events").stream().map(e -> Map.<String, Object>of("requests", 1, "bytes", e.get("bytes"), "errors", 1)).toList()),
        "GET /admin/audit filters by status too");
    assertEquals(3, audit(3, "from", from.toString(), "recipient", "partner", "protocol", "delta-sharing").getList("events").size());

    // The default: the last 24 hours, hour by hour.
    JsonPath day = admin().get("/admin/audit/timeline").then().statusCode(200).extract().jsonPath();
    assertEquals(Duration.ofHours(24), Duration.between(Instant.parse(day.getString("from")), Instant.parse(day.getString("to"))));
    assertEquals(3600, day.getInt("bucketSeconds"));
    assertEquals(24, day.getList("buckets").size());

    // Bounded inputs: 400 naming the parameter.
    admin().queryParam("bucket", "PT30S").get("/admin/audit/timeline").then().statusCode(400).body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", equalTo("'bucket' must be an ISO-8601 duration from PT1M to P1D such as PT5M or PT1H, got 'PT30S'"));
    admin().queryParam("bucket", "PT1M").get("/admin/audit/timeline").then().statusCode(400)
        .body("message", equalTo("'bucket' (PT1M) cuts the window into 1440 buckets, more than 500: choose a longer bucket or a shorter window"));
    admin().queryParam("from", "2026-01-01T00:00:00Z").queryParam("to", "2026-03-01T00:00:00Z").queryParam("bucket", "P1D")
        .get("/admin/audit/timeline").then().statusCode(400)
        .body("message", equalTo("The window from 'from' (2026-01-01T00:00:00Z) to 'to' (2026-03-01T00:00:00Z) must be at most 31 days long"));
    admin().queryParam("protocol", "http").get("/admin/audit/timeline").then().statusCode(400)
        .body("message", equalTo("'protocol' must be one of delta-sharing, flight, flight-sql, features, got 'http'"));
    admin().queryParam("status", "4xx").get("/admin/audit").then().statusCode(400)
        .body("message", equalTo("'status' must be success, error, an HTTP status code such as 404 or a Flight status such as NOT_FOUND, got '4xx'"));
    partner().get("/admin/audit/timeline").then().statusCode(401);
  }

  static List<Long> counts(Map<String, Object> bucket) {
    return List.of(((Number) bucket.get("requests")).longValue(), ((Number) bucket.get("bytes")).longValue(), ((Number) bucket.get("errors")).longValue());
  }

  static List<Long> total(List<Map<String, Object>> buckets) {
    long[] t = new long[3];
    for (Map<String, Object> b : buckets) {
      List<Long> c = counts(b);
      for (int k = 0; k < 3; k++) t[k] += c.get(k);
    }
    return List.of(t[0], t[1], t[2]);
  }

  static List<Map<String, Object>> timeline(Instant from, Instant to, String filter, String value) {
    return admin().queryParam("from", from.toString()).queryParam("to", to.toString()).queryParam(filter, value)
        .get("/admin/audit/timeline").then().statusCode(200).extract().jsonPath().getList("buckets");
  }
}
