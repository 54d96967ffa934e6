package io.goldgate.features;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.testing.RealRedis;
import io.goldgate.testing.RealRedisCluster;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The online store on a real three-node Redis Cluster: keys spread over every node's slots. */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedisCluster.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterFeaturesTest {

  private static final String ALL_CUSTOMERS = IntStream.rangeClosed(1, 170).mapToObj(String::valueOf).collect(Collectors.joining(","));

  @Test
  @Order(1)
  void givenAClusterWhenMaterializingThenEveryEntityIsWrittenAcrossAllNodes() {
    OnlineFeaturesTest.admin().post("/admin/features/views/customer_stats/materialize").then().statusCode(200)
        .body("state", equalTo("materialized")).body("entities", equalTo(170)).body("written", equalTo(170));
    long keys = 0;
    for (int port : RealRedisCluster.ports()) {
      long onNode = RealRedisCluster.keysOn(port);
      assertTrue(onNode > 20, "node " + port + " holds " + onNode + " keys: the entity keys should spread over every node");
      keys += onNode;
    }
    assertEquals(170 + 1 + RealRedisCluster.ports().size(), keys, "one hash per customer, the view's watermark and its copy on each master");
    OnlineFeaturesTest.admin().post("/admin/features/views/customer_stats/materialize").then().statusCode(200).body("state", equalTo("up to date"));
  }

  @Test
  @Order(2)
  void givenAClusterWhenLookingUpEntitiesOnEveryNodeThenOneRequestAnswersThemAll() {
    JsonPath r = OnlineFeaturesTest.lookup(
        "{\"features\":[\"customer_stats:lifetime_value\",\"customer_stats:segment\"],\"entities\":{\"customer_id\":[" + ALL_CUSTOMERS + ",99999]}}");
    List<String> statuses = r.getList("results[1].statuses");
    assertEquals(171, statuses.size());
    assertEquals(170, statuses.stream().filter("PRESENT"::equals).count());
    assertEquals("NOT_FOUND", statuses.get(170));
  }

  @Test
  @Order(3)
  void givenAMasterRestartedEmptyWhenMaterializingThenTheViewIsReadAgainInFullEvenThoughItsWatermarkSurvived() {
    // The master that does not hold the watermark itself: its keys go, the watermark stays.
    int restarted = RealRedisCluster.ports().stream()
        .filter(p -> !RealRedis.send(p, "KEYS goldgate:watermark:*").contains("customer_stats\r\n")).findFirst().orElseThrow();
    // Counted apart from the gateway's own keys, which other tests on this cluster may have left there.
    long lost = RealRedisCluster.keysOn(restarted) - RealRedisCluster.ownKeysOn(restarted);
    RealRedisCluster.restartEmpty(restarted);
    // The gateway's background writes (audit, counters) may land on it at once: only customers are counted.
    assertEquals(0, RealRedisCluster.keysOn(restarted) - RealRedisCluster.ownKeysOn(restarted));
    JsonPath before = OnlineFeaturesTest.lookup("{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[" + ALL_CUSTOMERS + "]}}");
    assertEquals(lost, before.getList("results[1].statuses").stream().filter("NOT_FOUND"::equals).count(), "its customers are gone");

    OnlineFeaturesTest.admin().post("/admin/features/views/customer_stats/materialize").then().statusCode(200)
        .body("state", equalTo("materialized")).body("mode", equalTo("full")).body("entities", equalTo(170));
    JsonPath after = OnlineFeaturesTest.lookup("{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[" + ALL_CUSTOMERS + "]}}");
    assertEquals(List.of("PRESENT"), after.getList("results[1].statuses").stream().distinct().toList());
    assertEquals(lost, RealRedisCluster.keysOn(restarted) - RealRedisCluster.ownKeysOn(restarted), "its customers are back");
    assertTrue(RealRedis.send(restarted, "KEYS goldgate:watermark:*").contains("customer_stats:node"), "and the watermark's copy");
  }

  @Test
  @Order(9)
  void givenOneNodeDownWhenLookingUpThenA503ComesWithinTheTimeout() {
    int stopped = RealRedisCluster.ports().get(2);
    RealRedis.shutdown(stopped);
    long started = System.nanoTime();
    given().header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN).contentType("application/json")
        .body("{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[" + ALL_CUSTOMERS + "]}}")
        .post("/get-online-features").then().statusCode(503).body("errorCode", equalTo("TEMPORARILY_UNAVAILABLE"));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(millis < 3_000, "answered in " + millis + " ms");
  }
}
