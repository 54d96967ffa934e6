package io.goldgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.goldgate.testing.Readiness;
import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Redis mode: the stream goldgate:audit in a real redis-server, which the last test stops and restarts. */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedis.class)
class RedisAuditTest extends AuditTestBase {

  @Override
  String rawStoredEvents() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + RealRedis.configuredPort());
    try (var connection = client.connect()) {
      String stream = connection.sync().xrange(RedisAuditSink.STREAM, Range.create("-", "+")).stream()
          .map(m -> m.getBody().toString()).collect(Collectors.joining("\n"));
      return stream + "\n" + connection.sync().hgetall(RedisAuditSink.LAST_ACCESS) + "\n" + connection.sync().hgetall(RedisAuditSink.FEATURE_LOOKUPS);
    } finally {
      client.shutdown();
    }
  }

  @Test
  @Order(7)
  void givenAccessesAndLookups_whenTheWriterHasRun_thenRedisHoldsLastAccessAndCountersForEveryReplica() {
    String lastSalesTime = (String) audit(1, "table", "retail.gold.sales_daily").getList("events.time").getFirst();
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + RealRedis.configuredPort());
    try (var connection = client.connect()) {
      await("the writer persisted the state", () -> "2".equals(connection.sync().hget(RedisAuditSink.FEATURE_LOOKUPS, "lookups:partner")));
      assertEquals("5", connection.sync().hget(RedisAuditSink.FEATURE_LOOKUPS, "entityRows:partner"));
      assertEquals(String.valueOf(Instant.parse(lastSalesTime).toEpochMilli()), connection.sync().hget(RedisAuditSink.LAST_ACCESS, "retail.gold.sales_daily"));
      assertEquals(Boolean.TRUE, connection.sync().exists(RedisAuditSink.STREAM) == 1);
    } finally {
      client.shutdown();
    }
  }

  @Test
  @Order(4)
  void givenARedisThatAnswers_whenAskingForStatus_thenRedisIsUp() {
    assertEquals(java.util.Map.of("catalog", "up", "redis", "up", "flight", "up"),
        admin().get("/admin/status").then().statusCode(200).extract().jsonPath().getMap("health"));
  }

  @Override
  void breakSink() {
    RealRedis.shutdown(RealRedis.configuredPort());
  }

  @Override
  void repairSink() {
    RealRedis.start(RealRedis.configuredPort());
    Readiness.await();
  }
}
