package io.goldgate.features;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.features.feast.FeastCodec;
import io.goldgate.testing.Management;
import io.goldgate.testing.Readiness;
import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.netty.buffer.PooledByteBufAllocator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.lang.ref.WeakReference;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Materialization into a real Redis and Feast-shaped serving from it. customer_features has 170
 * customers at its latest version (ids 1-170), each one row.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedis.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnlineFeaturesTest {

  static RequestSpecification partner() {
    return given().header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN).contentType("application/json");
  }

  static RequestSpecification admin() {
    return given().header("Authorization", "Bearer " + org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("goldgate.admin.token", String.class));
  }

  static JsonPath lookup(String body) {
    return partner().body(body).post("/get-online-features").then().statusCode(200).extract().jsonPath();
  }

  @Test
  @Order(1)
  void materializingAViewWritesEveryEntityOnceAndSetsTheWatermark() {
    admin().post("/admin/features/views/customer_stats/materialize").then().statusCode(200)
        .body("state", equalTo("materialized")).body("tableVersion", equalTo(3)).body("entities", equalTo(170)).body("written", equalTo(170));
    admin().post("/admin/features/views/customer_stats/materialize").then().statusCode(200).body("state", equalTo("up to date"));
    admin().get("/admin/features/materialization").then().statusCode(200).body("customer_stats.tableVersion", equalTo(3));
  }

  @Test
  @Order(2)
  void redisHoldsFeastsLayout() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + RealRedis.configuredPort());
    try (var connection = client.connect(ByteArrayCodec.INSTANCE)) {
      byte[] key = FeastCodec.redisKey(List.of(new FeastCodec.KeyPart("customer_id", FeastCodec.Kind.INT64, 1L)), "goldgate");
      Map<byte[], byte[]> hash = connection.sync().hgetall(key);
      Set<String> fields = hash.keySet().stream().map(HexFormat.of()::formatHex).collect(Collectors.toSet());
      assertTrue(fields.contains(HexFormat.of().formatHex(FeastCodec.timestampField("customer_stats"))), fields.toString());
      assertTrue(fields.contains(HexFormat.of().formatHex(FeastCodec.featureField("customer_stats", "lifetime_value"))));
      assertEquals(9, hash.size(), "8 features and the event time");
      assertEquals("3", new String(connection.sync().get("goldgate:watermark:goldgate:customer_stats".getBytes())));
    } finally {
      client.shutdown();
    }
  }

  @Test
  @Order(3)
  void servingAnswersColumnsWithStatusesAndEventTimes() {
    JsonPath r = lookup("{\"features\":[\"customer_stats:lifetime_value\",\"customer_stats:orders_count\",\"customer_stats:segment\",\"customer_stats:is_active\"],"
        + "\"entities\":{\"customer_id\":[1,170,99999]}}");
    assertEquals(List.of("customer_id", "lifetime_value", "orders_count", "segment", "is_active"), r.getList("metadata.feature_names"));
    assertEquals(List.of(1, 170, 99999), r.getList("results[0].values"));
    assertEquals(List.of("PRESENT", "PRESENT", "NOT_FOUND"), r.getList("results[1].statuses"));
    assertTrue(r.getList("results[1].values").get(0) instanceof Number);
    assertTrue(r.getList("results[2].values").get(0) instanceof Integer, "Int32 feature");
    assertTrue(r.getList("results[4].values").get(0) instanceof Boolean);
    assertEquals("1970-01-01T00:00:00Z", r.getList("results[1].event_timestamps").get(2));
    assertTrue(r.getString("results[1].event_timestamps[0]").startsWith("20"));
  }

  @Test
  @Order(3)
  void aFeatureServiceAndFullFeatureNames() {
    JsonPath r = lookup("{\"feature_service\":\"churn_model\",\"entities\":{\"customer_id\":[5]},\"full_feature_names\":true}");
    assertEquals(List.of("customer_id", "customer_stats__lifetime_value", "customer_stats__orders_count", "customer_stats__churn_score", "customer_stats__is_active"),
        r.getList("metadata.feature_names"));
  }

  @Test
  @Order(3)
  void aNullInTheTableIsNullValueNotNotFound() {
    JsonPath r = lookup("{\"features\":[\"customer_stats:favorite_category\"],\"entities\":{\"customer_id\":[" + java.util.stream.IntStream.rangeClosed(1, 170).mapToObj(String::valueOf).collect(Collectors.joining(",")) + "]}}");
    List<String> statuses = r.getList("results[1].statuses");
    assertTrue(statuses.contains("NULL_VALUE"), "the sample has customers without a favorite category");
    assertTrue(statuses.contains("PRESENT"));
    assertTrue(!statuses.contains("NOT_FOUND"));
  }

  @Test
  @Order(3)
  void badRequestsAreClear400s() {
    partner().body("{\"features\":[\"customer_stats:nope\"],\"entities\":{\"customer_id\":[1]}}").post("/get-online-features").then().statusCode(400)
        .body("message", containsString("Unknown feature 'customer_stats:nope'"));
    partner().body("{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer\":[1]}}").post("/get-online-features").then().statusCode(400)
        .body("message", containsString("Unknown entity key 'customer'"));
    partner().body("{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[\"1\"]}}").post("/get-online-features").then().statusCode(400)
        .body("message", containsString("whole numbers"));
    partner().body("{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[]}}").post("/get-online-features").then().statusCode(400)
        .body("message", containsString("no entity rows"));
    String tooMany = java.util.stream.IntStream.range(0, 1001).mapToObj(String::valueOf).collect(Collectors.joining(","));
    partner().body("{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[" + tooMany + "]}}").post("/get-online-features").then().statusCode(400)
        .body("message", containsString("at most 1000"));
    partner().body("{\"features\":[\"customer_stats:segment\"]").post("/get-online-features").then().statusCode(400).body("errorCode", equalTo("MALFORMED_REQUEST"));
    partner().body("{\"features\":[\"customer_stats:segment\"],\"feature_service\":\"churn_model\",\"entities\":{\"customer_id\":[1]}}").post("/get-online-features")
        .then().statusCode(400);
    given().contentType("application/json").body("{}").post("/get-online-features").then().statusCode(401);
  }

  @Inject
  OnlineStores stores;

  @Inject
  Vertx vertx;

  @Test
  @Order(3)
  void givenLookupReadsThatHaveCompleted_whenTheirCallersLetGo_thenNothingInTheRedisClientKeepsTheirRepliesAlive() throws Exception {
    // Replies a client keeps after use (Lettuce kept each command on a deadline timer that ticks
    // every 100 ms) live through young collections and get copied: at 1,000 lookups/s of 100
    // entities that was ~15 MB at every one.
    byte[] key = FeastCodec.redisKey(List.of(new FeastCodec.KeyPart("customer_id", FeastCodec.Kind.INT64, 7L)), "goldgate");
    FieldSet fields = FieldSet.of(List.of(FeastCodec.timestampField("customer_stats"), FeastCodec.featureField("customer_stats", "segment")));
    Context loop = vertx.getOrCreateContext();
    for (int round = 0; round < 3; round++) {
      CompletableFuture<WeakReference<byte[][]>> reply = new CompletableFuture<>();
      // On an event loop, as lookups are: the read goes out on that loop's own Redis connection.
      loop.runOnContext(ignored -> stores.store().read(List.of(key), fields, true).whenComplete((rows, failure) -> {
        if (failure != null) {
          reply.completeExceptionally(failure);
        } else {
          reply.complete(rows[0][1] == null ? null : new WeakReference<>(rows[0]));
        }
      }));
      WeakReference<byte[][]> row = reply.get(5, TimeUnit.SECONDS);
      assertTrue(row != null, "customer 7 has a segment");
      // The loop completed the reply from inside its read handler: let it leave that first.
      CompletableFuture<Void> idle = new CompletableFuture<>();
      loop.runOnContext(ignored -> idle.complete(null));
      idle.get(5, TimeUnit.SECONDS);
      System.gc();
      assertNull(row.get(), "round " + round + ": a completed read is still reachable");
    }
  }

  @Test
  @Order(3)
  void givenLargeAnswers_whenTheyHaveBeenSent_thenTheirMemoryGoesBackToThePool() {
    // The answers are rendered into pooled direct memory that the route releases itself.
    String entities = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> String.valueOf(1 + i % 170)).collect(Collectors.joining(","));
    String body = "{\"feature_service\":\"churn_model\",\"entities\":{\"customer_id\":[" + entities + "]}}";
    int size = partner().body(body).post("/get-online-features").then().statusCode(200).extract().asByteArray().length;
    long before = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    int lookups = 60;
    for (int i = 0; i < lookups; i++) {
      lookup(body);
    }
    long grown = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - before;
    assertTrue(size > 100_000, "answers of " + size + " bytes");
    assertTrue(grown < (long) size * lookups / 2, "pooled direct memory grew by " + grown + " bytes over " + lookups + " answers of " + size + " bytes");
  }

  @Test
  @Order(4)
  void givenTheLookupEndpoint_whenCalledWrongly_thenItAnswersWithTheSameErrorsAsTheRestOfTheApi() throws Exception {
    given().get("/get-online-features").then().statusCode(405).header("Allow", "OPTIONS, POST").body("errorCode", equalTo("UNSUPPORTED_OPERATION"));
    given().contentType("application/json").body("{}").post("/get-online-features").then().statusCode(401)
        .header("WWW-Authenticate", "Bearer realm=\"goldgate\"").body("errorCode", equalTo("UNAUTHENTICATED"));
    given().header("Authorization", "Bearer not-a-token").contentType("application/json").body("{}").post("/get-online-features").then().statusCode(401);
    // A body over quarkus.http.limits.max-body-size (1 MiB in application.properties) is refused before it is read,
    // declared or sent in chunks.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("POST /get-online-features HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + SampleLake.PARTNER_TOKEN
          + "\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n{").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
    }
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      out.write(("POST /get-online-features HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + SampleLake.PARTNER_TOKEN
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] chunk = ("100000\r\n" + " ".repeat(0x100000) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      try {
        for (int i = 0; i < 12; i++) {
          out.write(chunk);
        }
      } catch (java.io.IOException closedByTheServer) {
        // expected once the server has answered and closed
      }
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 413 ") && answer.contains("larger than 1048576 bytes"), answer);
    }
  }

  @Test
  @Order(5)
  void aNewTableVersionIsReadIncrementallyAndOlderRowsNeverOverwriteNewerOnes() throws Exception {
    int samplesBefore = history("growing_customer_stats").size();
    long fullMillis = admin().post("/admin/features/views/growing_customer_stats/materialize").then().statusCode(200)
        .body("mode", equalTo("full")).body("entities", equalTo(170)).body("written", equalTo(170)).extract().jsonPath().getLong("millis");
    appendCopyOfTheLastAddedFile();
    long lagSeconds = admin().get("/admin/features/materialization").then().statusCode(200)
        .body("growing_customer_stats.lagVersions", equalTo(1))
        .body("growing_customer_stats.state", equalTo("materialized"))
        .body("growing_customer_stats.tableVersion", equalTo(3)).extract().jsonPath().getLong("growing_customer_stats.lagSeconds");
    // The gauge recomputes the lag at most every 5 s.
    String metrics = "";
    for (int i = 0; i < 70 && !metrics.contains("goldgate_materialization_lag_versions{view=\"growing_customer_stats\"} 1.0"); i++) {
      if (i > 0) Thread.sleep(100);
      metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
    assertTrue(metrics.contains("goldgate_materialization_lag_versions{view=\"growing_customer_stats\"} 1.0"), metrics);
    assertTrue(metrics.contains("goldgate_materialization_rows_written_total{view=\"growing_customer_stats\"} 170.0"), metrics);
    long incrementalMillis = admin().post("/admin/features/views/growing_customer_stats/materialize").then().statusCode(200)
        .body("mode", equalTo("incremental")).body("fromVersion", equalTo(3)).body("tableVersion", equalTo(4))
        .body("filesRead", equalTo(1)).body("rowsRead", equalTo(20)).body("written", equalTo(0)).extract().jsonPath().getLong("millis");

    // The lag chart's history: the two runs, and between them the one check that saw the lag move
    // (the metrics scrapes saw the same lag again within five minutes, so they added nothing).
    List<Map<String, Object>> samples = history("growing_customer_stats");
    assertEquals(Math.min(MaterializationHistory.CAPACITY, samplesBefore + 3), samples.size(), samples.toString());
    List<Map<String, Object>> last = samples.subList(samples.size() - 3, samples.size());
    assertEquals(List.of("run", "check", "run"), last.stream().map(x -> x.get("kind")).toList());
    assertEquals(List.of("materialized", "materialized", "materialized"), last.stream().map(x -> x.get("state")).toList());
    assertEquals(List.of(0L, 1L, 0L), last.stream().map(x -> ((Number) x.get("lagVersions")).longValue()).toList());
    assertEquals(List.of(0L, lagSeconds, 0L), last.stream().map(x -> ((Number) x.get("lagSeconds")).longValue()).toList());
    assertEquals(List.of(170L, 0L, 0L), last.stream().map(x -> ((Number) x.get("rows")).longValue()).toList());
    assertEquals(List.of(fullMillis, 0L, incrementalMillis), last.stream().map(x -> ((Number) x.get("millis")).longValue()).toList());
    List<java.time.Instant> times = last.stream().map(x -> java.time.Instant.parse((String) x.get("time"))).toList();
    assertTrue(!times.get(0).isAfter(times.get(1)) && !times.get(1).isAfter(times.get(2)), times.toString());
    Map<String, Object> all = admin().get("/admin/features/materialization/history").then().statusCode(200).extract().jsonPath().getMap("$");
    assertEquals(admin().get("/admin/features/materialization").then().statusCode(200).extract().jsonPath().getMap("$").keySet(), all.keySet(),
        "every online view, none other");
    assertEquals(samples, history("growing_customer_stats"), "reading the history adds nothing");
  }

  static List<Map<String, Object>> history(String view) {
    return admin().get("/admin/features/materialization/history").then().statusCode(200).extract().jsonPath().getList(view);
  }

  /** Version 4 of growing_customers re-adds, under a new name, the file version 3 appended. */
  private static void appendCopyOfTheLastAddedFile() throws Exception {
    java.nio.file.Path table =
        java.nio.file.Path.of(org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("goldgate.shares.dir", String.class)).resolve("growing_customers");
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode add = null;
    for (String line : java.nio.file.Files.readAllLines(table.resolve("_delta_log/00000000000000000003.json"))) {
      var node = json.readTree(line);
      if (node.has("add")) add = (com.fasterxml.jackson.databind.node.ObjectNode) node.get("add");
    }
    String copy = "copy-of-v3-" + add.get("path").asText();
    java.nio.file.Files.copy(table.resolve(add.get("path").asText()), table.resolve(copy));
    add.put("path", copy);
    java.nio.file.Files.writeString(table.resolve("_delta_log/00000000000000000004.json"), json.createObjectNode().set("add", add).toString() + "\n");
  }

  @Test
  @Order(8)
  void givenARedisThatStopsAnswering_whenLookingUp_then503WithinTheTimeoutAndServingResumesWhenItAnswersAgain() throws Exception {
    String body = "{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[1]}}";
    lookup(body);
    // Redis holds every client's commands, as a server stalled by a slow command or a fork would.
    assertTrue(RealRedis.send(RealRedis.configuredPort(), "CLIENT PAUSE 1500").startsWith("+OK"));
    long started = System.nanoTime();
    partner().body(body).post("/get-online-features").then().statusCode(503)
        .header("Retry-After", "1").body("errorCode", equalTo("TEMPORARILY_UNAVAILABLE")).body("message", containsString("did not answer within 300 ms"));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(millis >= 290 && millis < 1_200, "answered after " + millis + " ms; the timeout is 300 ms");
    Thread.sleep(1_500 - millis + 100);
    assertEquals("PRESENT", lookup(body).getString("results[1].statuses[0]"), "the replies that came late did not shift later ones");
  }

  @Test
  @Order(9)
  void redisDownIs503WithinTheTimeoutAndServingRecoversWhenItIsBack() throws Exception {
    int port = RealRedis.configuredPort();
    String body = "{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[1]}}";
    RealRedis.shutdown(port);
    long started = System.nanoTime();
    partner().body(body).post("/get-online-features").then().statusCode(503).body("errorCode", equalTo("TEMPORARILY_UNAVAILABLE"));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(millis < 2_000, "answered in " + millis + " ms, not a hung request");
    admin().get("/admin/features/materialization").then().statusCode(503).body("errorCode", equalTo("TEMPORARILY_UNAVAILABLE"));
    RealRedis.start(port);
    int status = 0;
    for (int i = 0; i < 100 && status != 200; i++) {
      status = partner().body(body).post("/get-online-features").then().extract().statusCode();
      if (status != 200) Thread.sleep(100);
    }
    assertEquals(200, status, "serving recovers without a restart");
    Readiness.await();
  }
}
