package io.goldgate.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.audit.model.AuditEvent;
import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 5,000 requests with an unknown token and a 16 KB User-Agent, against a real redis-server: the
 * audit stream grows by the per-address burst and one summary, each event a few hundred bytes.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedis.class)
@TestProfile(UnauthenticatedFloodRedisTest.ShortInterval.class)
class UnauthenticatedFloodRedisTest {

  public static class ShortInterval implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // The production limits (the test profile raises them for suites that fail authentication
      // on purpose); the flood fits in one interval however slow the machine, and the test ends
      // the interval itself.
      return Map.of(
          "goldgate.audit.unauthenticated.interval", "1h",
          "goldgate.audit.unauthenticated.burst", "5",
          "goldgate.audit.unauthenticated.budget", "50");
    }
  }

  @Inject AuditLog log;

  @Test
  void givenAFloodOf401sWithHugeUserAgents_thenTheStoreGrowsByABoundedFewSmallEvents() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + RealRedis.configuredPort());
    try (var connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      log.awaitWriter(5_000);
      long before = redis.xlen(RedisAuditSink.STREAM);
      String agent = "flood-" + "x".repeat(16 * 1024);

      // An unknown token is looked up in Redis; on a loaded machine a lookup may miss the test's
      // 300 ms Redis timeout and answer 503, which is audited as itself: counted, not failed on.
      int unavailable = 0;
      for (int i = 0; i < 5_000; i++) {
        int status = given().header("Authorization", "Bearer not-a-token").header("User-Agent", agent).get("/delta-sharing/shares").statusCode();
        if (status == 503) {
          unavailable++;
        } else {
          assertEquals(401, status);
        }
      }
      log.awaitWriter(5_000);

      assertEquals(before + 5 + unavailable, redis.xlen(RedisAuditSink.STREAM), "the address's burst of 5 is stored, the rest only counted");
      log.endUnauthenticatedInterval();
      log.awaitWriter(5_000);
      assertEquals(before + 6 + unavailable, redis.xlen(RedisAuditSink.STREAM), "one summary for all the others");
      List<StreamMessage<String, String>> added = redis.xrevrange(RedisAuditSink.STREAM, Range.create("-", "+"), Limit.from(6 + unavailable));
      for (StreamMessage<String, String> m : added) {
        String json = m.getBody().get("event");
        assertTrue(json.length() < 1_024, "a stored 401 is small: " + json.length() + " characters");
      }
      AuditEvent summary = AuditJson.read(added.getFirst().getBody().get("event"), added.getFirst().getId());
      assertEquals(AuditEvent.UNAUTHENTICATED, summary.operation());
      assertEquals(4_995L - unavailable, summary.count());
      assertEquals("127.0.0.1", summary.clientIp());
      assertEquals("401", summary.status());
      AuditEvent one = AuditJson.read(added.getLast().getBody().get("event"), added.getLast().getId());
      assertEquals(agent.substring(0, AuditEvent.MAX_USER_AGENT - 3) + "...", one.userAgent());
    } finally {
      client.shutdown();
    }
  }
}
