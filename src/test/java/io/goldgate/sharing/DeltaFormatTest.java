package io.goldgate.sharing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * responseformat=delta on the Delta Spark fixtures (figures in shares/feature-lake/EXPECTED.md):
 * orders_dv has deletion vectors (4 files at v3, three of them with a vector), customers_cm uses
 * column mapping by name, readings_ntz a timestamp_ntz column.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class DeltaFormatTest extends SharingApiTestBase {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DELTA = PREFIX + "/shares/features/schemas/delta/tables/";
  static final String ALL_FEATURES = "responseformat=delta;readerfeatures=deletionvectors,columnmapping,timestampntz";

  static List<JsonNode> deltaQuery(String table, String body) {
    Response r = asPartner().header("delta-sharing-capabilities", ALL_FEATURES).body(body).post(DELTA + table + "/query");
    r.then().statusCode(200).header("delta-sharing-capabilities", containsString("responseformat=delta"));
    return Ndjson.lines(r.asString());
  }

  static JsonNode logProtocol(String table) throws Exception {
    for (String line : Files.readAllLines(SampleLake.FEATURE_LAKE.resolve(table).resolve("_delta_log/00000000000000000000.json"))) {
      JsonNode node = JSON.readTree(line);
      if (node.has("protocol")) return node.get("protocol");
    }
    throw new AssertionError();
  }

  @Test
  void parquetOnlyClientsAreToldWhyTheyCannotReadAdvancedTables() {
    for (String table : new String[] {"orders_dv", "customers_cm"}) {
      asPartner().body("{}").post(DELTA + table + "/query").then().statusCode(400)
          .body("errorCode", equalTo("UNSUPPORTED_OPERATION"))
          .body("message", containsString("responseformat=delta"));
    }
  }

  @Test
  void aDeltaClientMustDeclareTheTablesReaderFeatures() {
    asPartner().header("delta-sharing-capabilities", "responseformat=delta;readerfeatures=columnmapping").body("{}").post(DELTA + "orders_dv/query")
        .then().statusCode(400).body("message", containsString("deletionVectors"));
    asPartner().header("delta-sharing-capabilities", "responseformat=delta").get(DELTA + "readings_ntz/metadata")
        .then().statusCode(400).body("message", containsString("timestampNtz"));
  }

  @Test
  void aClientAcceptingBothGetsDeltaForATableThatNeedsIt() {
    asPartner().header("delta-sharing-capabilities", "responseformat=delta,parquet;readerfeatures=deletionvectors").get(DELTA + "orders_dv/metadata")
        .then().statusCode(200).header("delta-sharing-capabilities", "responseformat=delta");
    asPartner().header("delta-sharing-capabilities", "responseformat=delta,parquet;readerfeatures=timestampntz").get(DELTA + "readings_ntz/metadata")
        .then().statusCode(200).header("delta-sharing-capabilities", "responseformat=delta");
    asPartner().get(DELTA + "readings_ntz/metadata").then().statusCode(400).body("message", containsString("timestampNtz"));
  }

  @Test
  void protocolAndMetadataAreTheTablesOwn() throws Exception {
    List<JsonNode> lines = deltaQuery("orders_dv", "{}");
    JsonNode shared = lines.get(0).get("protocol").get("deltaProtocol");
    JsonNode log = logProtocol("orders_dv");
    assertEquals(log.get("minReaderVersion"), shared.get("minReaderVersion"));
    assertEquals(log.get("minWriterVersion"), shared.get("minWriterVersion"));
    for (String features : new String[] {"readerFeatures", "writerFeatures"}) {
      assertEquals(
          java.util.Set.copyOf(JSON.convertValue(log.get(features), List.class)), java.util.Set.copyOf(JSON.convertValue(shared.get(features), List.class)), features);
    }
    JsonNode metadata = lines.get(1).get("metaData");
    assertEquals("true", metadata.get("deltaMetadata").get("configuration").get("delta.enableDeletionVectors").asText());
    assertEquals(4, metadata.get("numFiles").asInt());
  }

  @Test
  void deletionVectorsTravelAsPreSignedUrlsToTheExactBytes() throws Exception {
    List<JsonNode> files = Ndjson.actions(deltaQuery("orders_dv", "{}"), "file");
    assertEquals(4, files.size());
    List<JsonNode> withDv = files.stream().filter(f -> f.get("deltaSingleAction").get("add").has("deletionVector")).toList();
    // v2 gave all three files a vector; v3 replaced the vectors of two of them and added a file.
    assertEquals(3, withDv.size());
    for (JsonNode file : withDv) {
      JsonNode dv = file.get("deltaSingleAction").get("add").get("deletionVector");
      assertEquals("p", dv.get("storageType").asText());
      assertNotNull(file.get("deletionVectorFileId"));
      FileAccessTest.Issued issued = FileAccessTest.Issued.parse(dv.get("pathOrInlineDv").asText());
      assertTrue(issued.relativePath().matches("deletion_vector_[0-9a-f-]{36}\\.bin"), issued.relativePath());
      byte[] body = given().urlEncodingEnabled(false).get(dv.get("pathOrInlineDv").asText()).then().statusCode(200).extract().asByteArray();
      assertArrayEquals(Files.readAllBytes(SampleLake.FEATURE_LAKE.resolve("orders_dv").resolve(issued.relativePath())), body);
      int offset = dv.get("offset").asInt();
      int size = dv.get("sizeInBytes").asInt();
      assertTrue(offset + size <= body.length, "the descriptor's range lies inside the file");
    }
    long deleted = withDv.stream().mapToLong(f -> f.get("deltaSingleAction").get("add").get("deletionVector").get("cardinality").asLong()).sum();
    long physical = files.stream().mapToLong(f -> TableQueryTest.numRecords(f.get("deltaSingleAction").get("add"))).sum();
    assertEquals(54, physical - deleted, "rows at v3 per EXPECTED.md");
  }

  @Test
  void dataFileUrlsInDeltaActionsDownload() throws Exception {
    JsonNode add = Ndjson.actions(deltaQuery("orders_dv", "{}"), "file").get(0).get("deltaSingleAction").get("add");
    byte[] body = given().urlEncodingEnabled(false).get(add.get("path").asText()).then().statusCode(200).extract().asByteArray();
    assertEquals(add.get("size").asLong(), body.length);
    assertEquals("PAR1", new String(Arrays.copyOfRange(body, 0, 4)));
  }

  @Test
  void columnMappedSchemasKeepTheirPhysicalNames() throws Exception {
    List<JsonNode> lines = deltaQuery("customers_cm", "{}");
    assertEquals(2, lines.get(0).get("protocol").get("deltaProtocol").get("minReaderVersion").asInt());
    JsonNode schema = JSON.readTree(lines.get(1).get("metaData").get("deltaMetadata").get("schemaString").asText());
    List<String> names = schema.findValuesAsText("name");
    assertTrue(names.contains("full name") && names.contains("home_city") && names.contains("tier"), names.toString());
    assertTrue(schema.toString().contains("delta.columnMapping.physicalName"));
    assertEquals(3, Ndjson.actions(lines, "file").size());
  }

  @Test
  void timeTravelInDeltaFormatCarriesVersionsOnFiles() {
    Response r = asPartner().header("delta-sharing-capabilities", ALL_FEATURES).body("{\"version\":1}").post(DELTA + "orders_dv/query");
    r.then().statusCode(200).header("Delta-Table-Version", "1");
    List<JsonNode> files = Ndjson.actions(Ndjson.lines(r.asString()), "file");
    assertEquals(3, files.size());
    files.forEach(f -> assertEquals(1, f.get("version").asLong()));
  }

  @Test
  void theChangeFeedInDeltaFormatWrapsCdcAndAddActions() {
    Response r = asPartner().header("delta-sharing-capabilities", ALL_FEATURES).get(DELTA + "events_cdf/changes?startingVersion=1&endingVersion=2");
    r.then().statusCode(200).header("delta-sharing-capabilities", containsString("responseformat=delta"));
    List<JsonNode> files = Ndjson.actions(Ndjson.lines(r.asString()), "file");
    assertEquals(4, files.size(), "3 adds of v1 and the one cdc file of v2");
    assertEquals(3, files.stream().filter(f -> f.get("deltaSingleAction").has("add")).count());
    JsonNode cdc = files.stream().filter(f -> f.get("deltaSingleAction").has("cdc")).findFirst().orElseThrow().get("deltaSingleAction").get("cdc");
    assertTrue(cdc.get("path").asText().contains("/delta-sharing/files/"));
    JsonNode metadata = Ndjson.lines(r.asString()).get(1).get("metaData");
    assertEquals(1, metadata.get("version").asLong(), "the feed starts from the starting version's metadata");
  }
}
