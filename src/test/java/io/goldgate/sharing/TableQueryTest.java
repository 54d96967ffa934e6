package io.goldgate.sharing;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Version, metadata and query calls on the sample tables. Expected file counts come from the
 * fixture's history (shares/sample-lake/regenerate.py): sales_daily has 12 files at v2 and 14 at
 * v4; customer_features at v3 has three files holding customer ids 1-75, 76-150 and 151-170.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class TableQueryTest extends SharingApiTestBase {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String TIMED = PREFIX + "/shares/retail/schemas/history/tables/timed_sales";
  static final String CORRUPT = PREFIX + "/shares/retail/schemas/history/tables/corrupt_inventory";

  static List<JsonNode> query(String table, String body) {
    Response r = asPartner().contentType("application/json").body(body).post(table + "/query");
    r.then().statusCode(200).contentType("application/x-ndjson");
    return Ndjson.lines(r.asString());
  }

  static List<JsonNode> files(List<JsonNode> lines) {
    return Ndjson.actions(lines, "file");
  }

  @Test
  void versionAnswersWithTheHeaderAndAnEmptyBody() {
    asPartner().get(SALES + "/version").then().statusCode(200).header("Delta-Table-Version", "4").body(equalTo(""));
    asPartner().get(CUSTOMERS + "/version").then().statusCode(200).header("Delta-Table-Version", "3");
  }

  @Test
  void legacyHeadOnTheTableAnswersTheVersionToo() {
    asPartner().head(SALES).then().statusCode(200).header("Delta-Table-Version", "4");
  }

  @Test
  void versionAtOrAfterAStartingTimestamp() {
    asPartner().queryParam("startingTimestamp", "2026-01-06T12:00:00Z").get(TIMED + "/version").then().statusCode(200)
        .header("Delta-Table-Version", "2");
    asPartner().queryParam("startingTimestamp", "2026-01-06T00:00:00Z").get(TIMED + "/version").then().statusCode(200)
        .header("Delta-Table-Version", "1");
    asPartner().queryParam("startingTimestamp", "yesterday").get(TIMED + "/version").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"));
  }

  @Test
  void metadataIsExactlyProtocolThenMetadata() throws Exception {
    Response r = asPartner().get(SALES + "/metadata");
    r.then().statusCode(200).header("Delta-Table-Version", "4").header("delta-sharing-capabilities", "responseformat=parquet");
    List<JsonNode> lines = Ndjson.lines(r.asString());
    assertEquals(2, lines.size());
    assertEquals(1, lines.get(0).get("protocol").get("minReaderVersion").asInt());
    JsonNode metadata = lines.get(1).get("metaData");
    assertEquals("parquet", metadata.get("format").get("provider").asText());
    assertEquals(List.of("sale_date", "region"), JSON.convertValue(metadata.get("partitionColumns"), List.class));
    JsonNode logMetadata = firstLogAction("sales_daily", 0, "metaData");
    assertEquals(logMetadata.get("id").asText(), metadata.get("id").asText());
    assertEquals(logMetadata.get("schemaString").asText(), metadata.get("schemaString").asText());
  }

  /** Reads an action straight from a commit file, as an independent source of truth. */
  static JsonNode firstLogAction(String table, long version, String kind) throws Exception {
    Path commit = SampleLake.SAMPLE_LAKE.resolve(table).resolve(String.format("_delta_log/%020d.json", version));
    for (String line : Files.readAllLines(commit)) {
      JsonNode node = JSON.readTree(line);
      if (node.has(kind)) return node.get(kind);
    }
    throw new AssertionError("no " + kind + " in " + commit);
  }

  @Test
  void fullQueryReturnsEveryActiveFileWithSignedUrlsAndStats() {
    List<JsonNode> lines = query(SALES, "{}");
    assertTrue(lines.get(0).has("protocol"));
    assertTrue(lines.get(1).has("metaData"));
    assertEquals(14, lines.get(1).get("metaData").get("numFiles").asInt());
    List<JsonNode> files = files(lines);
    assertEquals(14, files.size());
    assertEquals(lines.size(), files.size() + 2);
    for (JsonNode f : files) {
      assertTrue(f.get("url").asText().contains("/delta-sharing/files/"), f.toString());
      assertTrue(f.get("expirationTimestamp").asLong() > System.currentTimeMillis());
      assertTrue(f.get("stats").asText().contains("numRecords"));
      assertEquals(Set.of("sale_date", "region"), fieldNames(f.get("partitionValues")));
      assertFalse(f.has("version"), "snapshot queries do not carry a version per file");
    }
    assertEquals(14, files.stream().map(f -> f.get("id").asText()).distinct().count(), "file ids are unique");
    long rows = files.stream().mapToLong(f -> numRecords(f)).sum();
    assertEquals(91, rows);
  }

  @Test
  void fileIdsAreStableAcrossRequests() {
    Set<String> first = files(query(SALES, "{}")).stream().map(f -> f.get("id").asText()).collect(Collectors.toSet());
    Set<String> second = files(query(SALES, "{}")).stream().map(f -> f.get("id").asText()).collect(Collectors.toSet());
    assertEquals(first, second);
  }

  @Test
  void jsonPredicateOnAPartitionColumnReturnsExactlyThatPartition() {
    List<JsonNode> all = files(query(SALES, "{}"));
    long emea = all.stream().filter(f -> f.get("partitionValues").get("region").asText().equals("EMEA")).count();
    String hint = "{\"op\":\"equal\",\"children\":[{\"op\":\"column\",\"name\":\"region\",\"valueType\":\"string\"},{\"op\":\"literal\",\"value\":\"EMEA\",\"valueType\":\"string\"}]}";
    List<JsonNode> pruned = files(query(SALES, JSON.createObjectNode().put("jsonPredicateHints", hint).toString()));
    assertEquals(emea, pruned.size());
    assertTrue(emea > 0 && emea < all.size());
    pruned.forEach(f -> assertEquals("EMEA", f.get("partitionValues").get("region").asText()));
  }

  @Test
  void jsonPredicateOnADatePartitionComparesAsDates() {
    String hint = "{\"op\":\"and\",\"children\":["
        + "{\"op\":\"greaterThanOrEqual\",\"children\":[{\"op\":\"column\",\"name\":\"sale_date\",\"valueType\":\"date\"},{\"op\":\"literal\",\"value\":\"2026-01-07\",\"valueType\":\"date\"}]},"
        + "{\"op\":\"not\",\"children\":[{\"op\":\"isNull\",\"children\":[{\"op\":\"column\",\"name\":\"region\",\"valueType\":\"string\"}]}]}]}";
    List<JsonNode> pruned = files(query(SALES, JSON.createObjectNode().put("jsonPredicateHints", hint).toString()));
    Set<String> dates = pruned.stream().map(f -> f.get("partitionValues").get("sale_date").asText()).collect(Collectors.toSet());
    assertEquals(Set.of("2026-01-07", "2026-01-08"), dates);
    long expected = files(query(SALES, "{}")).stream().filter(f -> f.get("partitionValues").get("sale_date").asText().compareTo("2026-01-07") >= 0).count();
    assertEquals(expected, pruned.size());
  }

  @Test
  void statsSkipFilesWhoseMinMaxCannotMatch() {
    String hint = "{\"op\":\"lessThanOrEqual\",\"children\":[{\"op\":\"column\",\"name\":\"customer_id\",\"valueType\":\"long\"},{\"op\":\"literal\",\"value\":\"60\",\"valueType\":\"long\"}]}";
    List<JsonNode> pruned = files(query(CUSTOMERS, JSON.createObjectNode().put("jsonPredicateHints", hint).toString()));
    assertEquals(1, pruned.size());
    assertEquals(75, numRecords(pruned.get(0)));
  }

  @Test
  void sqlPredicateHintsPruneLikeJsonOnes() {
    List<JsonNode> pruned = files(query(SALES, "{\"predicateHints\":[\"region = 'EMEA'\", \"sale_date >= '2026-01-08'\"]}"));
    assertFalse(pruned.isEmpty());
    pruned.forEach(f -> {
      assertEquals("EMEA", f.get("partitionValues").get("region").asText());
      assertEquals("2026-01-08", f.get("partitionValues").get("sale_date").asText());
    });
  }

  @Test
  void anInvalidPredicateIsIgnoredAndEveryFileReturned() {
    assertEquals(14, files(query(SALES, "{\"jsonPredicateHints\":\"{\\\"op\\\":\\\"like\\\"}\"}")).size());
    assertEquals(14, files(query(SALES, "{\"predicateHints\":[\"region LIKE 'E%'\"]}")).size());
    assertEquals(14, files(query(SALES, "{\"jsonPredicateHints\":\"not json\"}")).size());
  }

  @Test
  void limitHintStopsOnceStatsCoverTheRows() {
    assertEquals(1, files(query(CUSTOMERS, "{\"limitHint\":10}")).size());
    assertEquals(2, files(query(CUSTOMERS, "{\"limitHint\":76}")).size());
    assertEquals(0, files(query(CUSTOMERS, "{\"limitHint\":0}")).size());
  }

  @Test
  void versionQueryReturnsThatVersionWithVersionedFiles() {
    Response r = asPartner().body("{\"version\":2}").post(SALES + "/query");
    r.then().statusCode(200).header("Delta-Table-Version", "2");
    List<JsonNode> lines = Ndjson.lines(r.asString());
    assertEquals(2, lines.get(1).get("metaData").get("version").asLong());
    List<JsonNode> files = files(lines);
    assertEquals(12, files.size());
    files.forEach(f -> {
      assertEquals(2, f.get("version").asLong());
      assertTrue(f.get("timestamp").asLong() > 0);
    });
    assertEquals(96, files.stream().mapToLong(TableQueryTest::numRecords).sum());
  }

  @Test
  void timestampQueryReturnsTheVersionCommittedAtOrBeforeIt() {
    Response r = asPartner().body("{\"timestamp\":\"2026-01-07T12:00:00Z\"}").post(TIMED + "/query");
    r.then().statusCode(200).header("Delta-Table-Version", "2");
    List<JsonNode> files = files(Ndjson.lines(r.asString()));
    assertEquals(12, files.size());
    files.forEach(f -> assertEquals(SampleLake.TIMED_COMMITS[2].toEpochMilli(), f.get("timestamp").asLong()));
  }

  @Test
  void timestampBeforeTheFirstCommitIsRefused() {
    asPartner().body("{\"timestamp\":\"2020-01-01T00:00:00Z\"}").post(TIMED + "/query").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"));
  }

  @Test
  void metadataAtAnOlderVersion() {
    Response r = asPartner().queryParam("version", 1).get(SALES + "/metadata");
    r.then().statusCode(200).header("Delta-Table-Version", "1");
    assertEquals(1, Ndjson.lines(r.asString()).get(1).get("metaData").get("version").asLong());
  }

  @Test
  void timeTravelOnATableSharedWithoutHistoryIs400() {
    asPartner().body("{\"version\":1}").post(INVENTORY + "/query").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", containsString("shared without history"));
    asPartner().queryParam("version", 1).get(INVENTORY + "/metadata").then().statusCode(400);
    asPartner().body("{\"startingVersion\":1}").post(INVENTORY + "/query").then().statusCode(400);
    asPartner().queryParam("startingTimestamp", "2026-01-01T00:00:00Z").get(INVENTORY + "/version").then().statusCode(400);
  }

  @Test
  void aVersionThatDoesNotExistIs400AndNamesTheLatest() {
    asPartner().body("{\"version\":99}").post(SALES + "/query").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", containsString("latest version is 4"));
    asPartner().body("{\"version\":-1}").post(SALES + "/query").then().statusCode(400);
    asPartner().queryParam("version", "two").get(SALES + "/metadata").then().statusCode(400);
  }

  @Test
  void conflictingTimeTravelParametersAre400() {
    asPartner().body("{\"version\":1,\"timestamp\":\"2026-01-07T00:00:00Z\"}").post(SALES + "/query").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"));
    asPartner().body("{\"endingVersion\":2}").post(SALES + "/query").then().statusCode(400);
    asPartner().body("{\"startingVersion\":3,\"endingVersion\":2}").post(SALES + "/query").then().statusCode(400);
  }

  @Test
  void malformedBodiesAre400MalformedRequest() {
    asPartner().body("{\"version\": ").post(SALES + "/query").then().statusCode(400).body("errorCode", equalTo("MALFORMED_REQUEST"));
    asPartner().body("{\"version\":\"abc\"}").post(SALES + "/query").then().statusCode(400).body("errorCode", equalTo("MALFORMED_REQUEST"));
    asPartner().body("[1,2]").post(SALES + "/query").then().statusCode(400).body("errorCode", equalTo("MALFORMED_REQUEST"));
  }

  @Test
  void anEmptyBodyIsAFullQuery() {
    assertEquals(14, files(Ndjson.lines(asPartner().post(SALES + "/query").then().statusCode(200).extract().asString())).size());
  }

  @Test
  void unknownOrUngrantedTablesAre404() {
    asPartner().get(PREFIX + "/shares/retail/schemas/gold/tables/nope/version").then().statusCode(404)
        .body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST"));
    asPartner().body("{}").post(PREFIX + "/shares/finance/schemas/gold/tables/customer_ltv/query").then().statusCode(404);
    asAnalyst().body("{}").post(PREFIX + "/shares/finance/schemas/gold/tables/customer_ltv/query").then().statusCode(200);
  }

  @Test
  void startingVersionReturnsTheDataChangesOfEachVersion() {
    Response r = asPartner().body("{\"startingVersion\":1}").post(SALES + "/query");
    r.then().statusCode(200).header("Delta-Table-Version", "1");
    List<JsonNode> lines = Ndjson.lines(r.asString());
    List<JsonNode> adds = Ndjson.actions(lines, "add");
    List<JsonNode> removes = Ndjson.actions(lines, "remove");
    // v1 and v2 append 3 files each, v3 rewrites 11 files, v4 appends 2.
    assertEquals(3 + 3 + 11 + 2, adds.size());
    assertEquals(11, removes.size());
    removes.forEach(x -> assertEquals(3, x.get("version").asLong()));
    adds.forEach(x -> assertTrue(x.get("version").asLong() >= 1 && x.get("timestamp").asLong() > 0));
    Response bounded = asPartner().body("{\"startingVersion\":1,\"endingVersion\":2}").post(SALES + "/query");
    assertEquals(6, Ndjson.actions(Ndjson.lines(bounded.asString()), "add").size());
  }

  @Test
  void aClientAskingForDeltaOnlyGetsDeltaAndOneAcceptingBothGetsParquetForAPlainTable() {
    Response delta = asPartner().header("delta-sharing-capabilities", "responseformat=delta").get(SALES + "/metadata");
    delta.then().statusCode(200).header("delta-sharing-capabilities", "responseformat=delta");
    List<JsonNode> lines = Ndjson.lines(delta.asString());
    assertEquals(1, lines.get(0).get("protocol").get("deltaProtocol").get("minReaderVersion").asInt());
    assertEquals("parquet", lines.get(1).get("metaData").get("deltaMetadata").get("format").get("provider").asText());
    asPartner().header("delta-sharing-capabilities", "responseformat=delta,parquet;readerfeatures=deletionvectors").get(SALES + "/metadata")
        .then().statusCode(200).header("delta-sharing-capabilities", "responseformat=parquet");
    asPartner().header("delta-sharing-capabilities", "responseformat=arrow").get(SALES + "/metadata").then().statusCode(400)
        .body("errorCode", equalTo("UNSUPPORTED_OPERATION"));
  }

  @Test
  void aCorruptLogIsAClearErrorAndOtherTablesKeepWorking() {
    asPartner().body("{}").post(CORRUPT + "/query").then().statusCode(500)
        .body("errorCode", equalTo("INTERNAL_ERROR"))
        .body("message", containsString("retail.history.corrupt_inventory"))
        .body("message", org.hamcrest.Matchers.not(containsString(SampleLake.SAMPLE_LAKE.getParent().toString())));
    asPartner().get(CORRUPT + "/version").then().statusCode(200).header("Delta-Table-Version", "3");
    assertEquals(14, files(query(SALES, "{}")).size());
  }

  static long numRecords(JsonNode file) {
    try {
      return JSON.readTree(file.get("stats").asText()).get("numRecords").asLong();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new java.util.HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void predicatesBeyondTheirLimitsAreA400NamingTheLimitNotA500() throws Exception {
    String longHint = "{\"predicateHints\":[\"region = '" + "x".repeat(200_000) + "'\"]}";
    asPartner().body(longHint).post(SALES + "/query")
        .then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", equalTo("predicateHints[0] is 200011 characters long; the limit is 16384 per hint"));
    String compare = "{\"op\":\"equal\",\"children\":[{\"op\":\"column\",\"name\":\"region\",\"valueType\":\"string\"},{\"op\":\"literal\",\"value\":\"EMEA\",\"valueType\":\"string\"}]}";
    for (int depth : new int[] {65, 20_000}) {
      String deep = "{\"op\":\"not\",\"children\":[".repeat(depth) + compare + "]}".repeat(depth);
      asPartner().body("{\"jsonPredicateHints\":" + new ObjectMapper().writeValueAsString(deep) + "}").post(SALES + "/query")
          .then().statusCode(400)
          .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
          .body("message", equalTo("jsonPredicateHints is nested more than 64 levels deep; the limit is 64"));
    }
    // Under the limits, what does not parse is still ignored, as the protocol asks.
    assertEquals(14, files(query(SALES, "{\"predicateHints\":[\"region LIKE 'E%'\"],\"jsonPredicateHints\":\"{\\\"op\\\":\\\"like\\\"}\"}")).size());
  }
}
