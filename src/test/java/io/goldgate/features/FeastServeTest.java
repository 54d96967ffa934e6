package io.goldgate.features;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Feast's feature server writes ({@code /push}, {@code /write-to-online-store}), materialization and
 * health against a real Redis. Entities 900001 and up are not in customer_features, so pushes here
 * change no value other tests read. Its own profile gives it its own application and Redis: its
 * materializations set watermarks other test classes expect absent.
 */
@QuarkusTest
@TestProfile(FeastServeTest.SmallPushes.class)
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedis.class)
class FeastServeTest {

  /** A push limit small enough to cross in a test. */
  public static class SmallPushes implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("goldgate.features.push-max-rows", "100");
    }
  }

  private static String writerToken;

  @Inject Materializer materializer;

  static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token).contentType("application/json");
  }

  static RequestSpecification admin() {
    return as(ConfigProvider.getConfig().getValue("goldgate.admin.token", String.class));
  }

  /** A recipient of share retail allowed to write customer_stats; made once, when the app runs. */
  static synchronized String writer() {
    if (writerToken != null) {
      return writerToken;
    }
    String name = "writer-" + UUID.randomUUID().toString().substring(0, 8);
    String url = admin().body("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"properties\":{\"goldgate.featureWrites\":\"customer_stats\"}}")
        .post("/admin/recipients").then().statusCode(201).extract().jsonPath().getString("activation.url");
    writerToken = given().post(URI.create(url).getPath()).then().statusCode(200).extract().jsonPath().getString("bearerToken");
    return writerToken;
  }

  /** A push of customer_stats for one entity, in its table's columns. */
  static String push(long id, String time, double lifetimeValue) {
    return """
        {"push_source_name": "customer_stats", "to": "online", "df": {
          "customer_id": [%d], "last_order_ts": ["%s"], "segment": ["gold"], "lifetime_value": [%s],
          "orders_count": [3], "avg_basket": [1.5], "is_active": [true], "churn_score": [null], "favorite_category": ["books"]}}
        """.formatted(id, time, lifetimeValue);
  }

  static JsonPath read(long id) {
    return as(writer()).body("{\"features\":[\"customer_stats:lifetime_value\",\"customer_stats:churn_score\",\"customer_stats:segment\"],"
        + "\"entities\":{\"customer_id\":[" + id + "]}}").post("/get-online-features").then().statusCode(200).extract().jsonPath();
  }

  @Test
  void aNewerPushReplacesAndAnOlderOneDoesNot() {
    as(writer()).body(push(900001, "2030-01-02T00:00:00Z", 10.5)).post("/push").then().statusCode(200);
    JsonPath r = read(900001);
    assertEquals(List.of(10.5f), r.getList("results[1].values"));
    assertEquals(List.of("PRESENT"), r.getList("results[1].statuses"));
    assertEquals(List.of("NULL_VALUE"), r.getList("results[2].statuses"));
    assertEquals(List.of("2030-01-02T00:00:00Z"), r.getList("results[1].event_timestamps"));

    as(writer()).body(push(900001, "2030-01-01T00:00:00", 99.0)).post("/push").then().statusCode(200);
    assertEquals(List.of(10.5f), read(900001).getList("results[1].values"));

    as(writer()).body(push(900001, "2030-01-03 00:00:00", 11.25)).post("/push").then().statusCode(200);
    assertEquals(List.of(11.25f), read(900001).getList("results[1].values"));
  }

  @Test
  void writeToOnlineStoreTakesFeatureNamesAndFeastsEventTimestamp() {
    as(writer()).body("""
        {"feature_view_name": "customer_stats", "allow_registry_cache": false, "df": {
          "customer_id": [900010, 900011], "segment": ["a", "b"], "lifetime_value": [1.0, 2.0],
          "orders_count": [1, 2], "avg_basket": [1.0, 2.0], "is_active": [true, false], "churn_score": [0.1, 0.2],
          "favorite_category": ["x", "y"], "last_order_ts": [1700000000, 1700000001],
          "event_timestamp": ["2030-01-01T00:00:00", "2030-01-01T00:00:01.500000"], "created": [null, null]}}
        """).post("/write-to-online-store").then().statusCode(200);
    JsonPath r = read(900011);
    assertEquals(List.of(2.0f), r.getList("results[1].values"));
    assertEquals(List.of("b"), r.getList("results[3].values"));
    assertEquals(List.of("2030-01-01T00:00:01.500Z"), r.getList("results[1].event_timestamps"));
  }

  @Test
  void writesNeedTheirOwnGrant() {
    as(SampleLake.PARTNER_TOKEN).body(push(900002, "2030-01-01T00:00:00Z", 1)).post("/push").then().statusCode(403)
        .body("errorCode", equalTo("PERMISSION_DENIED"))
        .body("message", equalTo("You may not write feature view 'customer_stats': writes need the recipient property goldgate.featureWrites to list it"));
    as(SampleLake.PARTNER_TOKEN).body("{\"feature_views\":[\"customer_stats\"]}").post("/materialize").then().statusCode(403);
    given().contentType("application/json").body(push(900002, "2030-01-01T00:00:00Z", 1)).post("/push").then().statusCode(401);
    assertEquals(List.of("NOT_FOUND"), read(900002).getList("results[1].statuses"));
  }

  @Test
  void badInputIsRefusedWholeWithItsReason() {
    refused(push(900003, "2030-01-01T00:00:00Z", 1).replace("\"customer_stats\"", "\"nope\""),
        "No push source 'nope': every feature view is a push source under its own name");
    refused(push(900003, "2030-01-01T00:00:00Z", 1).replace("\"segment\"", "\"segmnt\""), "df has no column 'segment'");
    refused(push(900003, "2030-01-01T00:00:00Z", 1).replace("\"to\": \"online\"", "\"to\": \"offline\""),
        "Only pushes to the online store are taken (\"to\": \"online\"), not 'offline'");
    refused(push(900003, "2030-01-01T00:00:00Z", 1).replace("\"orders_count\": [3]", "\"orders_count\": [3], \"extra\": [1]"),
        "df column 'extra' is not a column of feature view 'customer_stats'");
    refused(push(900003, "2030-01-01T00:00:00Z", 1).replace("\"orders_count\": [3]", "\"orders_count\": [\"three\"]"),
        "df column 'orders_count' row 0: \"three\" is not a int32");
    refused(push(900003, "2030-01-01T00:00:00Z", 1).replace("\"orders_count\": [3]", "\"orders_count\": [3, 4]"),
        "df columns differ in length: 'orders_count' has 2 values, the columns before it 1");
    refused(push(900003, "2030-01-01T00:00:00Z", 1).replace("\"to\": \"online\"", "\"to\": \"online\", \"allow_registry_cache\": \"yes\""),
        "allow_registry_cache must be a boolean");
    refused(push(900003, "yesterday", 1), "event time row 0: \"yesterday\" is not an ISO-8601 time or epoch seconds");
    // Row 0 is good, row 1 is not: neither is written.
    refused("""
        {"push_source_name": "customer_stats", "df": {
          "customer_id": [900004, 900005], "last_order_ts": ["2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z"], "segment": ["a", "b"],
          "lifetime_value": [1.0, 2.0], "orders_count": [1, 2], "avg_basket": [1.0, 2.0], "is_active": [true, 1],
          "churn_score": [0.1, 0.2], "favorite_category": ["x", "y"]}}
        """, "df column 'is_active' row 1: 1 is not a bool");
    assertEquals(List.of("NOT_FOUND"), read(900004).getList("results[1].statuses"));
    String ids = IntStream.range(0, 101).mapToObj(Integer::toString).collect(Collectors.joining(","));
    refused("{\"push_source_name\": \"customer_stats\", \"df\": {\"customer_id\": [" + ids + "]}}",
        "df has 101 rows; at most 100 are taken per request (goldgate.features.push-max-rows)");
    as(writer()).body("[1]").post("/push").then().statusCode(400).body("message", equalTo("The request body must be a JSON object"));
  }

  private static void refused(String body, String message) {
    as(writer()).body(body).post("/push").then().statusCode(400).body("errorCode", equalTo("INVALID_PARAMETER_VALUE")).body("message", equalTo(message));
  }

  @Test
  void materializeRunsGoldgatesMaterializationUnderTheWriteGrant() {
    as(writer()).body("{\"feature_views\":[\"customer_stats\"]}").post("/materialize").then().statusCode(200).body(equalTo(""));
    as(writer()).body("{\"end_ts\":\"2030-01-01T00:00:00\",\"feature_views\":[\"customer_stats\"]}").post("/materialize-incremental").then().statusCode(200)
        .body(equalTo(""));
    admin().get("/admin/features/materialization").then().statusCode(200).body("customer_stats.tableVersion", equalTo(3));
    as(writer()).body("{\"feature_views\":[\"customer_stats\"]}").post("/materialize-incremental").then().statusCode(400)
        .body("message", equalTo("end_ts is required"));
    as(writer()).body("{\"feature_views\":[\"nope\"]}").post("/materialize").then().statusCode(400).body("message", equalTo("No feature view 'nope'"));
  }

  @Test
  void aRangedMaterializeWritesTheRowsInTheRangeAndLeavesTheWatermark() {
    // customer_features has one row per customer; customer 1's is at 2025-12-23T10:25:00Z.
    String around = "{\"start_ts\":\"2025-12-23T10:00:00\",\"end_ts\":\"2025-12-23 11:00:00+00:00\",\"feature_views\":[\"customer_stats\"]}";
    long watermark = materializer.watermark("customer_stats");
    as(writer()).body(around).post("/materialize").then().statusCode(200).body(equalTo(""));
    JsonPath r = read(1);
    assertEquals(List.of("PRESENT"), r.getList("results[1].statuses"));
    assertEquals(List.of("2025-12-23T10:25:00Z"), r.getList("results[1].event_timestamps"));
    assertEquals(watermark, materializer.watermark("customer_stats"));
    assertTrue(!materializer.materializedUntil("customer_stats").isBefore(Instant.parse("2025-12-23T11:00:00Z")));
    // Feast's disable_event_timestamp: 1970 to now, whatever start_ts and end_ts say.
    Instant before = Instant.now();
    as(writer()).body("{\"disable_event_timestamp\":true,\"start_ts\":\"2040-01-01T00:00:00\",\"end_ts\":\"2020-01-01T00:00:00\","
        + "\"feature_views\":[\"customer_stats\"]}").post("/materialize").then().statusCode(200).body(equalTo(""));
    Instant until = materializer.materializedUntil("customer_stats");
    assertTrue(!until.isBefore(before) && !until.isAfter(Instant.now()) || until.isAfter(Instant.parse("2029-12-31T00:00:00Z")), until.toString());
    assertEquals(watermark, materializer.watermark("customer_stats"));
  }

  @Test
  void badOrUnorderedRangesAreRefusedNamingTheField() {
    String views = ",\"feature_views\":[\"customer_stats\"]}";
    rangeRefused("/materialize", "{\"start_ts\":\"yesterday\",\"end_ts\":\"2030-01-01T00:00:00\"" + views,
        "start_ts: 'yesterday' is not an ISO-8601 time (such as 2025-03-01T00:00:00+00:00; without an offset it is UTC)");
    rangeRefused("/materialize", "{\"start_ts\":\"2030-01-01T00:00:00\",\"end_ts\":\"2030-02-30T00:00:00\"" + views,
        "end_ts: '2030-02-30T00:00:00' is not an ISO-8601 time (such as 2025-03-01T00:00:00+00:00; without an offset it is UTC)");
    rangeRefused("/materialize", "{\"start_ts\":\"2030-01-01T01:00:00+01:00\",\"end_ts\":\"2030-01-01T00:00:00\"" + views,
        "start_ts (2030-01-01T00:00:00Z) must be before end_ts (2030-01-01T00:00:00Z)");
    rangeRefused("/materialize", "{\"start_ts\":\"2030-01-02T00:00:00\",\"end_ts\":\"2030-01-01T00:00:00\"" + views,
        "start_ts (2030-01-02T00:00:00Z) must be before end_ts (2030-01-01T00:00:00Z)");
    rangeRefused("/materialize", "{\"start_ts\":\"2030-01-01T00:00:00\"" + views, "end_ts is required with start_ts");
    rangeRefused("/materialize", "{\"end_ts\":\"2030-01-01T00:00:00\"" + views, "start_ts is required with end_ts");
    rangeRefused("/materialize", "{\"start_ts\":1,\"end_ts\":\"2030-01-01T00:00:00\"" + views, "start_ts must be a string");
    rangeRefused("/materialize-incremental", "{\"end_ts\":\"2030-13-01T00:00:00\"" + views,
        "end_ts: '2030-13-01T00:00:00' is not an ISO-8601 time (such as 2025-03-01T00:00:00+00:00; without an offset it is UTC)");
    // A good range to a view the caller may not write: refused before anything runs.
    as(SampleLake.PARTNER_TOKEN).body("{\"start_ts\":\"2025-01-01T00:00:00\",\"end_ts\":\"2030-01-01T00:00:00\"" + views).post("/materialize")
        .then().statusCode(403).body("errorCode", equalTo("PERMISSION_DENIED"));
  }

  private static void rangeRefused(String path, String body, String message) {
    as(writer()).body(body).post(path).then().statusCode(400).body("errorCode", equalTo("INVALID_PARAMETER_VALUE")).body("message", equalTo(message));
  }

  @Test
  void healthNeedsNoToken() {
    given().get("/health").then().statusCode(200);
  }
}
