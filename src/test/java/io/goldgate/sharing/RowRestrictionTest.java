package io.goldgate.sharing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Share {@code regional} (SampleLake#regionalYaml): recipientPartitionFilter restricts each
 * recipient to the partitions its properties name.
 *
 * <p>Expected figures were computed independently of the gateway with delta-rs (deltalake 1.6.6,
 * /work/main/.venv) reading shares/sample-lake/sales_daily directly: per version, {@code SELECT
 * region, count(*) ... GROUP BY region} for rows and {@code get_add_actions()} grouped by
 * {@code partition.region} for files and bytes. sales_daily v4 (latest): EMEA 31 rows / 5 files /
 * 13813 bytes, APAC 32 / 5 / 13817, AMER 28 / 4 / 11156 (91 rows, 14 files in all); v1: EMEA 24
 * rows / 3 files / 8492 bytes. Log actions per version (commit files read with json): EMEA adds
 * v0:2, v1:1, v2:1, v3:4 (and 4 removes, the DELETE's rewrite), v4:1.
 *
 * <p>events_cdf (feature-lake, partitioned by event_date; commit files read with json): cdc files
 * per date: 2024-03-02 at v2 and v4, 2024-03-03 at v3 and v4, 2024-03-01 at v4; every date gets one
 * add at v0, v1 and v5.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class RowRestrictionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String REGIONAL = "/delta-sharing/shares/regional/schemas/gold/tables/";
  static final String SALES = REGIONAL + "sales_daily";
  static final String EVENTS = REGIONAL + "events_by_day";

  static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token);
  }

  static List<JsonNode> query(String token, String table, String body) {
    Response r = as(token).body(body).post(table + "/query");
    r.then().statusCode(200);
    return Ndjson.lines(r.asString());
  }

  static List<JsonNode> deltaQuery(String token, String table, String body) {
    Response r = as(token).header("delta-sharing-capabilities", "responseformat=delta").body(body).post(table + "/query");
    r.then().statusCode(200).header("delta-sharing-capabilities", containsString("responseformat=delta"));
    return Ndjson.lines(r.asString());
  }

  /** The region of every file line, in order. */
  static List<String> regions(List<JsonNode> files) {
    return files.stream().map(f -> f.get("partitionValues").get("region").asText()).toList();
  }

  static long rows(List<JsonNode> files) throws Exception {
    long rows = 0;
    for (JsonNode f : files) {
      rows += JSON.readTree(f.get("stats").asText()).get("numRecords").asLong();
    }
    return rows;
  }

  @Test
  void givenAnEmeaRecipient_whenQueryingParquet_thenOnlyEmeaFilesAndTheirTotalsAreReturned() throws Exception {
    List<JsonNode> lines = query(SampleLake.EMEA_TOKEN, SALES, "{}");
    List<JsonNode> files = Ndjson.actions(lines, "file");
    assertEquals(List.of("EMEA", "EMEA", "EMEA", "EMEA", "EMEA"), regions(files));
    assertEquals(31, rows(files));
    JsonNode metadata = lines.get(1).get("metaData");
    assertEquals(5, metadata.get("numFiles").asLong(), "numFiles counts only the visible files");
    assertEquals(13813, metadata.get("size").asLong(), "size counts only the visible files");
  }

  @Test
  void givenAnApacRecipient_whenQueryingTheSameTable_thenOnlyApacFilesAreReturned() throws Exception {
    List<JsonNode> lines = query(SampleLake.APAC_TOKEN, SALES, "{}");
    List<JsonNode> files = Ndjson.actions(lines, "file");
    assertEquals(List.of("APAC", "APAC", "APAC", "APAC", "APAC"), regions(files));
    assertEquals(32, rows(files));
    assertEquals(13817, lines.get(1).get("metaData").get("size").asLong());
  }

  @Test
  void givenAnEmeaRecipient_whenQueryingInDeltaFormat_thenOnlyEmeaAddActionsAreReturned() throws Exception {
    List<JsonNode> lines = deltaQuery(SampleLake.EMEA_TOKEN, SALES, "{}");
    List<JsonNode> adds = Ndjson.actions(lines, "file").stream().map(f -> f.get("deltaSingleAction").get("add")).toList();
    assertEquals(List.of("EMEA", "EMEA", "EMEA", "EMEA", "EMEA"), regions(adds));
    assertEquals(31, rows(adds));
    JsonNode metadata = lines.get(1).get("metaData");
    assertEquals(5, metadata.get("numFiles").asLong());
    assertEquals(13813, metadata.get("size").asLong());
  }

  @Test
  void givenAnEmeaRecipient_whenPagingTwoFilesAtATime_thenThePagesHoldExactlyItsFiveFiles() throws Exception {
    Set<String> unpaged = new HashSet<>();
    Ndjson.actions(query(SampleLake.EMEA_TOKEN, SALES, "{}"), "file").forEach(f -> unpaged.add(f.get("id").asText()));
    List<JsonNode> paged = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    String body = "{\"maxFiles\":2}";
    for (int page = 0; page < 10; page++) {
      List<JsonNode> lines = query(SampleLake.EMEA_TOKEN, SALES, body);
      List<JsonNode> files = Ndjson.actions(lines, "file");
      paged.addAll(files);
      pageSizes.add(files.size());
      assertEquals(5, lines.get(1).get("metaData").get("numFiles").asLong(), "every page reports the visible totals");
      JsonNode end = Ndjson.actions(lines, "endStreamAction").get(0);
      if (!end.hasNonNull("nextPageToken")) break;
      body = "{\"maxFiles\":2,\"pageToken\":\"" + end.get("nextPageToken").asText() + "\"}";
    }
    assertEquals(List.of(2, 2, 1), pageSizes);
    assertEquals(List.of("EMEA", "EMEA", "EMEA", "EMEA", "EMEA"), regions(paged));
    Set<String> pagedIds = new HashSet<>();
    paged.forEach(f -> pagedIds.add(f.get("id").asText()));
    assertEquals(unpaged, pagedIds);
  }

  @Test
  void givenAnEmeaRecipient_whenTimeTravellingToVersion1_thenOnlyEmeaFilesOfThatVersionAreReturned() throws Exception {
    List<JsonNode> lines = query(SampleLake.EMEA_TOKEN, SALES, "{\"version\":1}");
    List<JsonNode> files = Ndjson.actions(lines, "file");
    assertEquals(List.of("EMEA", "EMEA", "EMEA"), regions(files));
    assertEquals(24, rows(files));
    assertEquals(8492, lines.get(1).get("metaData").get("size").asLong());
  }

  @Test
  void givenALimitHint_whenQuerying_thenOnlyVisibleFilesCountTowardsIt() {
    // The first file in log order is not EMEA's: counting hidden files would return nothing.
    List<JsonNode> files = Ndjson.actions(query(SampleLake.EMEA_TOKEN, SALES, "{\"limitHint\":1}"), "file");
    assertEquals(List.of("EMEA"), regions(files));
  }

  @Test
  void givenAPredicateOnAnotherRegion_whenQuerying_thenNothingIsReturned() {
    List<JsonNode> files = Ndjson.actions(query(SampleLake.EMEA_TOKEN, SALES, "{\"predicateHints\":[\"region = 'APAC'\"]}"), "file");
    assertEquals(List.of(), files);
  }

  @Test
  void givenAStartingVersion_whenQuerying_thenOnlyEmeaAddsAndRemovesAreReturned() {
    List<JsonNode> lines = query(SampleLake.EMEA_TOKEN, SALES, "{\"startingVersion\":0}");
    Map<Long, Integer> addsPerVersion = new TreeMap<>();
    Map<Long, Integer> removesPerVersion = new TreeMap<>();
    for (JsonNode add : Ndjson.actions(lines, "add")) {
      assertEquals("EMEA", add.get("partitionValues").get("region").asText());
      addsPerVersion.merge(add.get("version").asLong(), 1, Integer::sum);
    }
    for (JsonNode remove : Ndjson.actions(lines, "remove")) {
      assertEquals("EMEA", remove.get("partitionValues").get("region").asText());
      removesPerVersion.merge(remove.get("version").asLong(), 1, Integer::sum);
    }
    assertEquals(Map.of(0L, 2, 1L, 1, 2L, 1, 3L, 4, 4L, 1), addsPerVersion);
    assertEquals(Map.of(3L, 4), removesPerVersion);
  }

  @Test
  void givenAnAsyncQuery_whenPolled_thenOnlyEmeaFilesAreReturned() throws Exception {
    Response submitted = as(SampleLake.EMEA_TOKEN).header("delta-sharing-capabilities", "asyncquery=true").body("{}").post(SALES + "/query");
    submitted.then().statusCode(200);
    String queryId = Ndjson.lines(submitted.asString()).get(0).get("queryStatus").get("queryId").asText();
    Response done = null;
    for (int attempt = 0; attempt < 100; attempt++) {
      Response r = as(SampleLake.EMEA_TOKEN).body("{}").post(SALES + "/queries/" + queryId);
      r.then().statusCode(200);
      if (!r.asString().contains("\"queryStatus\"")) {
        done = r;
        break;
      }
      Thread.sleep(50);
    }
    assertTrue(done != null, "query still pending after 5 s");
    List<JsonNode> files = Ndjson.actions(Ndjson.lines(done.asString()), "file");
    assertEquals(List.of("EMEA", "EMEA", "EMEA", "EMEA", "EMEA"), regions(files));
    assertEquals(31, rows(files));
  }

  /** Per version: the kinds of file actions, in feed order. */
  static Map<Long, String> changeShape(List<JsonNode> lines, String expectedDay) {
    Map<Long, String> shape = new TreeMap<>();
    for (JsonNode line : lines) {
      for (String kind : new String[] {"add", "cdf", "remove"}) {
        if (!line.has(kind)) continue;
        JsonNode action = line.get(kind);
        assertEquals(expectedDay, action.get("partitionValues").get("event_date").asText(), "a file of another day was sent: " + action);
        shape.merge(action.get("version").asLong(), kind, (x, y) -> x + "," + y);
      }
    }
    return shape;
  }

  @Test
  void givenRecipientsBoundToOneDay_whenReadingTheChangeFeed_thenOnlyThatDaysAddAndCdcFilesAreSent() {
    Response emea = as(SampleLake.EMEA_TOKEN).get(EVENTS + "/changes?startingVersion=0");
    emea.then().statusCode(200);
    assertEquals(Map.of(0L, "add", 1L, "add", 2L, "cdf", 4L, "cdf", 5L, "add"), changeShape(Ndjson.lines(emea.asString()), "2024-03-02"));
    Response apac = as(SampleLake.APAC_TOKEN).get(EVENTS + "/changes?startingVersion=0");
    apac.then().statusCode(200);
    assertEquals(Map.of(0L, "add", 1L, "add", 3L, "cdf", 4L, "cdf", 5L, "add"), changeShape(Ndjson.lines(apac.asString()), "2024-03-03"));
  }

  @Test
  void givenADeltaFormatChangeFeed_whenRead_thenOnlyTheRecipientsDayIsSent() {
    Response r = as(SampleLake.EMEA_TOKEN).header("delta-sharing-capabilities", "responseformat=delta").get(EVENTS + "/changes?startingVersion=0");
    r.then().statusCode(200);
    Map<Long, String> shape = new TreeMap<>();
    for (JsonNode file : Ndjson.actions(Ndjson.lines(r.asString()), "file")) {
      JsonNode action = file.get("deltaSingleAction");
      String kind = action.fieldNames().next();
      assertEquals("2024-03-02", action.get(kind).get("partitionValues").get("event_date").asText());
      shape.merge(file.get("version").asLong(), kind, (x, y) -> x + "," + y);
    }
    assertEquals(Map.of(0L, "add", 1L, "add", 2L, "cdc", 4L, "cdc", 5L, "add"), shape);
  }

  @Test
  void givenARecipientWithoutTheProperty_whenReadingData_thenEveryDataCallIs403NamingTheProperty() {
    var message = allOf(containsString("'region'"), containsString("regional-unassigned"), containsString("regional.gold.sales_daily"));
    as(SampleLake.NO_REGION_TOKEN).body("{}").post(SALES + "/query").then().statusCode(403)
        .body("errorCode", equalTo("PERMISSION_DENIED")).body("message", message);
    as(SampleLake.NO_REGION_TOKEN).header("delta-sharing-capabilities", "responseformat=delta").body("{}").post(SALES + "/query").then().statusCode(403);
    as(SampleLake.NO_REGION_TOKEN).body("{\"startingVersion\":0}").post(SALES + "/query").then().statusCode(403);
    as(SampleLake.NO_REGION_TOKEN).header("delta-sharing-capabilities", "asyncquery=true").body("{}").post(SALES + "/query").then().statusCode(403);
    as(SampleLake.NO_REGION_TOKEN).get(SALES + "/metadata").then().statusCode(403).body("errorCode", equalTo("PERMISSION_DENIED"));
    as(SampleLake.NO_REGION_TOKEN).get(EVENTS + "/changes?startingVersion=0").then().statusCode(403)
        .body("message", containsString("'event_day'"));
  }

  @Test
  void givenARecipientWithoutTheProperty_whenListingAndAskingTheVersion_thenTheTableIsStillVisible() {
    as(SampleLake.NO_REGION_TOKEN).get("/delta-sharing/shares/regional/schemas/gold/tables").then().statusCode(200)
        .body("items.name", org.hamcrest.Matchers.hasItem("sales_daily"));
    as(SampleLake.NO_REGION_TOKEN).get(SALES + "/version").then().statusCode(200).header("Delta-Table-Version", "4");
  }

  @Test
  void givenAPropertyValueInAnotherCase_whenQuerying_thenNoFileMatches() {
    List<JsonNode> lines = query(SampleLake.LOWERCASE_REGION_TOKEN, SALES, "{}");
    assertEquals(List.of(), Ndjson.actions(lines, "file"), "partition values compare exactly: 'emea' is not 'EMEA'");
    assertEquals(0, lines.get(1).get("metaData").get("numFiles").asLong());
    assertEquals(0, lines.get(1).get("metaData").get("size").asLong());
  }

  @Test
  void givenALiteralFilter_whenAnyRecipientQueries_thenOnlyThatPartitionIsReturned() {
    List<JsonNode> files = Ndjson.actions(query(SampleLake.APAC_TOKEN, REGIONAL + "emea_sales", "{}"), "file");
    assertEquals(List.of("EMEA", "EMEA", "EMEA", "EMEA", "EMEA"), regions(files));
    // A literal needs no property: the unassigned recipient reads it too.
    assertEquals(5, Ndjson.actions(query(SampleLake.NO_REGION_TOKEN, REGIONAL + "emea_sales", "{}"), "file").size());
  }

  @Test
  void givenAFilterOnANonPartitionColumn_whenQuerying_thenTheTableIsRefusedAndTheLogNamesFileFieldAndTable() {
    List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            logged.add(String.valueOf(record.getParameters() == null ? record.getMessage() : String.format(record.getMessage(), record.getParameters())));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.goldgate.access.RowRestriction");
    logger.addHandler(capture);
    try {
      as(SampleLake.EMEA_TOKEN).body("{}").post(REGIONAL + "misfiltered_sales/query").then().statusCode(500)
          .body("errorCode", equalTo("INTERNAL_ERROR"))
          .body("message", allOf(containsString("store_id"), containsString("not a partition column"), not(containsString(".yaml"))));
      as(SampleLake.EMEA_TOKEN).get(REGIONAL + "misfiltered_sales/metadata").then().statusCode(500);
    } finally {
      logger.removeHandler(capture);
    }
    assertTrue(
        logged.stream().anyMatch(m -> m.contains("test-regional.yaml: shares[0].schemas[0].tables[3].recipientPartitionFilter")
            && m.contains("'store_id'") && m.contains("regional.gold.misfiltered_sales") && m.contains("[sale_date, region]")),
        "the operator's log names the file, the YAML path, the table and its partition columns: " + logged);
  }

  @Test
  void givenTheUnrestrictedRetailShare_whenThePartnerQueries_thenItStillSeesEveryRegion() {
    List<JsonNode> files = Ndjson.actions(query(SampleLake.PARTNER_TOKEN, "/delta-sharing/shares/retail/schemas/gold/tables/sales_daily", "{}"), "file");
    assertEquals(14, files.size());
    assertEquals(Set.of("EMEA", "APAC", "AMER"), new HashSet<>(regions(files)));
  }
}
