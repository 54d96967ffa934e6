package io.goldgate.sharing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code GET .../changes} on events_cdf, written by Delta Spark with change data feed on: v0 and v1
 * append 3 files each, v2 (UPDATE) and v3 (DELETE) record one {@code _change_data} file each, v4
 * (MERGE) three, v5 appends 3 files. Files rewritten by v2-v4 must not show up as deletes.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class ChangeFeedTest extends SharingApiTestBase {

  static final String EVENTS = PREFIX + "/shares/features/schemas/delta/tables/events_cdf";
  static final String TIMED_EVENTS = PREFIX + "/shares/features/schemas/delta/tables/timed_events";

  static List<JsonNode> changes(String table, String query) {
    Response r = asPartner().get(table + "/changes?" + query);
    r.then().statusCode(200).contentType("application/x-ndjson");
    return Ndjson.lines(r.asString());
  }

  /** Per version: how many lines of each kind. */
  static Map<Long, String> shape(List<JsonNode> lines) {
    Map<Long, String> shape = new TreeMap<>();
    for (String kind : new String[] {"add", "cdf", "remove"}) {
      for (JsonNode a : Ndjson.actions(lines, kind)) {
        shape.merge(a.get("version").asLong(), kind, (x, y) -> x + "," + y);
      }
    }
    return shape;
  }

  @Test
  void theWholeFeedDescribesEachVersionByItsChangeDataOrItsDataFiles() {
    List<JsonNode> lines = changes(EVENTS, "startingVersion=0");
    assertTrue(lines.get(0).has("protocol"));
    assertTrue(lines.get(1).has("metaData"));
    assertEquals(9, Ndjson.actions(lines, "add").size());
    assertEquals(5, Ndjson.actions(lines, "cdf").size());
    assertEquals(0, Ndjson.actions(lines, "remove").size(), "rewrites inside UPDATE/DELETE/MERGE are not deletes");
    Map<Long, String> shape = shape(lines);
    assertEquals(Map.of(0L, "add,add,add", 1L, "add,add,add", 2L, "cdf", 3L, "cdf", 4L, "cdf,cdf,cdf", 5L, "add,add,add"), shape);
    for (String kind : new String[] {"add", "cdf"}) {
      Ndjson.actions(lines, kind).forEach(a -> {
        assertTrue(a.get("timestamp").asLong() > 0);
        assertTrue(a.get("expirationTimestamp").asLong() > System.currentTimeMillis());
        assertTrue(a.get("partitionValues").has("event_date"));
      });
    }
  }

  @Test
  void aVersionRangeReturnsOnlyThoseVersions() {
    Response r = asPartner().get(EVENTS + "/changes?startingVersion=2&endingVersion=3");
    r.then().statusCode(200).header("Delta-Table-Version", "2");
    assertEquals(Map.of(2L, "cdf", 3L, "cdf"), shape(Ndjson.lines(r.asString())));
  }

  @Test
  void anEndingVersionPastTheLatestReadsToTheLatest() {
    assertEquals(Map.of(5L, "add,add,add"), shape(changes(EVENTS, "startingVersion=5&endingVersion=50")));
  }

  @Test
  void timestampsSelectTheVersionsCommittedInThatWindow() {
    // Commits are at 2026-01-05 .. 2026-01-09 (versions 0-4) and 2026-01-10 (version 5).
    Map<Long, String> shape = shape(changes(TIMED_EVENTS, "startingTimestamp=2026-01-06T12:00:00Z&endingTimestamp=2026-01-08T12:00:00Z"));
    assertEquals(Map.of(2L, "cdf", 3L, "cdf"), shape);
    List<JsonNode> lines = changes(TIMED_EVENTS, "startingVersion=2&endingVersion=2");
    assertEquals(SampleLake.TIMED_COMMITS[2].toEpochMilli(), Ndjson.actions(lines, "cdf").get(0).get("timestamp").asLong());
  }

  @Test
  void aChangeDataFileDownloadsWithItsExactBytes() throws Exception {
    JsonNode cdf = Ndjson.actions(changes(EVENTS, "startingVersion=2&endingVersion=2"), "cdf").get(0);
    FileAccessTest.Issued issued = FileAccessTest.Issued.parse(cdf.get("url").asText());
    assertTrue(issued.relativePath().startsWith("_change_data/"), issued.relativePath());
    byte[] body = given().urlEncodingEnabled(false).get(issued.path() + issued.query()).then().statusCode(200).extract().asByteArray();
    assertArrayEquals(Files.readAllBytes(SampleLake.FEATURE_LAKE.resolve("events_cdf").resolve(issued.relativePath())), body);
  }

  @Test
  void aTableWithoutChangeDataFeedIsAClear400() {
    asPartner().get(PREFIX + "/shares/features/schemas/delta/tables/plain_cdf_off/changes?startingVersion=0").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", containsString("delta.enableChangeDataFeed"));
  }

  @Test
  void aTableSharedWithoutHistoryHasNoChangeFeed() {
    asPartner().get(PREFIX + "/shares/features/schemas/delta/tables/events_cdf_latest_only/changes?startingVersion=0").then().statusCode(400)
        .body("message", containsString("without history"));
  }

  @Test
  void outOfRangeAndConflictingParametersAre400() {
    asPartner().get(EVENTS + "/changes?startingVersion=6").then().statusCode(400).body("message", containsString("after the latest version 5"));
    asPartner().get(EVENTS + "/changes?startingVersion=3&endingVersion=2").then().statusCode(400);
    asPartner().get(EVENTS + "/changes?startingVersion=-1").then().statusCode(400);
    asPartner().get(EVENTS + "/changes").then().statusCode(400).body("message", containsString("startingVersion or startingTimestamp"));
    asPartner().get(EVENTS + "/changes?startingVersion=1&startingTimestamp=2026-01-01T00:00:00Z").then().statusCode(400);
    asPartner().get(EVENTS + "/changes?startingVersion=one").then().statusCode(400);
    asPartner().get(TIMED_EVENTS + "/changes?startingTimestamp=2030-01-01T00:00:00Z").then().statusCode(400);
  }

  @Test
  void theFeedNeedsAToken() {
    given().get(EVENTS + "/changes?startingVersion=0").then().statusCode(401);
  }
}
