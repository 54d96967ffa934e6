package io.goldgate.observability;

import static io.goldgate.testing.Management.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.testing.PrometheusScrape;
import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Liveness and readiness against a real Redis that is stopped and started again, on the management
 * interface; the public port answers none of the /q endpoints.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedis.class)
class HealthTest {

  static JsonPath readiness(int expectedStatus) {
    return given().get("/q/health/ready").then().statusCode(expectedStatus).extract().jsonPath();
  }

  static String check(JsonPath health, String name) {
    return health.getString("checks.find { it.name == '" + name + "' }.status");
  }

  @Test
  void givenThePublicPort_whenAskingForHealthMetricsOrTheApiDocs_thenEachIs404() {
    for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics", "/q/openapi",
        "/q/swagger-ui")) {
      RestAssured.given().get(path).then().statusCode(404);
    }
  }

  @Test
  void givenTheManagementPort_whenAskingForAPublicEndpoint_thenItIsNotThere() {
    given().header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN).get("/delta-sharing/shares").then().statusCode(404);
  }

  @Test
  void givenTheManagementPort_whenUsingAMethodOtherThanGetOrHead_thenItIs405OrOptionsAnswersAllow() {
    for (String path : List.of("/q/health/live", "/q/health/ready", "/q/metrics", "/q/openapi")) {
      for (String method : List.of("TRACE", "POST", "PUT", "DELETE", "PATCH")) {
        given().request(method, path).then().statusCode(405).header("Allow", "GET, HEAD, OPTIONS");
      }
      given().options(path).then().statusCode(204).header("Allow", "GET, HEAD, OPTIONS");
      given().head(path).then().statusCode(200);
    }
  }

  @Test
  void givenARunningGateway_whenProbingLiveness_thenItIsUp() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP")).body("checks.name", hasItem("goldgate"));
  }

  @Test
  void givenCatalogRedisAndFlight_whenProbingReadiness_thenEachCheckIsUpWithItsDetails() {
    given().get("/q/health/ready").then().statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name == 'catalog' }.data.shares", equalTo(5))
        .body("checks.find { it.name == 'redis' }.data.store", equalTo("Redis at 127.0.0.1:" + RealRedis.configuredPort()))
        .body("checks.find { it.name == 'flight' }.status", equalTo("UP"))
        .body("checks.find { it.name == 'flight' }.data.enabled", equalTo(true));
  }

  @Test
  void givenRedisStops_whenProbingReadiness_thenItIsDownUntilRedisIsBackWithoutARestart() throws Exception {
    int port = RealRedis.configuredPort();
    readiness(200);
    double errorsBefore = redisErrors();
    RealRedis.shutdown(port);
    try {
      long started = System.nanoTime();
      JsonPath down = readiness(503);
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertEquals("DOWN", down.getString("status"));
      assertEquals("DOWN", check(down, "redis"));
      assertEquals("UP", check(down, "catalog"), "only Redis is down");
      assertEquals("UP", check(down, "flight"));
      given().get("/q/health/ready").then().body("checks.find { it.name == 'redis' }.data.error", containsString("Redis"));
      assertTrue(millis < 2_000, "the probe is bounded by goldgate.redis.timeout (300ms here), took " + millis + " ms");
      given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
      assertTrue(redisErrors() > errorsBefore, "the failed PINGs count as Redis errors");
    } finally {
      RealRedis.start(port);
    }
    int status = 0;
    for (int i = 0; i < 150 && status != 200; i++) {
      status = given().get("/q/health/ready").then().extract().statusCode();
      if (status != 200) Thread.sleep(100);
    }
    assertEquals(200, status, "ready again once Redis answers, without a restart");
    assertEquals("UP", check(readiness(200), "redis"));
  }

  static double redisErrors() {
    PrometheusScrape scrape = PrometheusScrape.now();
    return scrape.value("goldgate_redis_errors_total", "kind=timeout") + scrape.value("goldgate_redis_errors_total", "kind=unreachable")
        + scrape.value("goldgate_redis_errors_total", "kind=error");
  }
}
