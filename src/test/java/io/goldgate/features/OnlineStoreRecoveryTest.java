package io.goldgate.features;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.goldgate.testing.Await;
import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Redis loses everything (FLUSHALL, as a restart without persistence would): the values come back
 * with no call to the gateway, within the check interval plus one full materialization.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedis.class)
@TestProfile(OnlineStoreRecoveryTest.QuickCheck.class)
class OnlineStoreRecoveryTest {

  public static class QuickCheck implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("goldgate.features.store-check-interval", "1s");
    }
  }

  static final String LOOKUP = "{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[1,170]}}";

  @Inject MeterRegistry meters;

  static List<String> statuses() {
    return given().header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN).contentType("application/json").body(LOOKUP)
        .post("/get-online-features").then().statusCode(200).extract().jsonPath().getList("results[1].statuses");
  }

  @Test
  void givenRedisLosesEverything_thenEveryLostViewIsMaterializedAgainWithoutAnOperator() {
    given().header("Authorization", "Bearer " + ConfigProvider.getConfig().getValue("goldgate.admin.token", String.class))
        .post("/admin/features/views/customer_stats/materialize").then().statusCode(200).body("entities", equalTo(170));
    assertEquals(List.of("PRESENT", "PRESENT"), statuses());

    RedisClient client = RedisClient.create("redis://127.0.0.1:" + RealRedis.configuredPort());
    try (var connection = client.connect()) {
      assertEquals("OK", connection.sync().flushall());
      assertEquals(0L, connection.sync().dbsize(), "values and watermark are gone");
    } finally {
      client.shutdown();
    }

    Await.until("the values are served again", Duration.ofSeconds(60), () -> statuses().equals(List.of("PRESENT", "PRESENT")));
    assertEquals(1.0, meters.get("goldgate.materialization.recoveries").tag("view", "customer_stats").counter().count());
  }
}
