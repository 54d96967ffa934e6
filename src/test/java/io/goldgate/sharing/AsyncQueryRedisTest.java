package io.goldgate.sharing;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.redis.RedisConnection;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
import io.lettuce.core.RedisClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With Redis, an async query's request waits there with a TTL, so any replica answers a poll. */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedis.class)
class AsyncQueryRedisTest extends SharingApiTestBase {

  @Inject GoldgateConfig config;
  @Inject AsyncQueryStore store;

  @Test
  void theRequestIsKeptInRedisWithATtlAndReadableByAnotherReplica() throws Exception {
    String id = AsyncQueryTest.submit(SALES, "{\"predicateHints\":[\"region = 'EMEA'\"]}");
    String name = id.substring(0, id.indexOf('.'));
    String key = AsyncQueryStore.PREFIX + name;
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + RealRedis.configuredPort());
    var otherReplica = new RedisConnection("redis://127.0.0.1:" + RealRedis.configuredPort(), false, Duration.ofSeconds(2));
    try (var connection = client.connect()) {
      var redis = connection.sync();
      long ttl = redis.pttl(key);
      assertTrue(ttl > 0 && ttl <= config.sharing().queryTokenLifetime().toMillis(), "TTL " + ttl);
      assertEquals("region = 'EMEA'", new ObjectMapper().readTree(redis.get(key)).at("/q/predicateHints/0").asText());
      assertEquals(0, store.heldBytes(), "nothing is held in this replica's heap");

      byte[] seen = new AsyncQueryStore(config, otherReplica).get(name);
      assertNotNull(seen);
      assertEquals(redis.get(key), new String(seen, StandardCharsets.UTF_8));
      assertTrue(Ndjson.actions(Ndjson.lines(AsyncQueryTest.poll(SALES, id, "{}").asString()), "file").size() > 0);

      redis.del(key);
      asPartner().body("{}").post(SALES + "/queries/" + id)
          .then().statusCode(404)
          .body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST"))
          .body("message", equalTo("Query '" + id.substring(0, 16) + "...' is no longer held by the gateway (evicted to stay within its memory bound); submit it again"));
    } finally {
      otherReplica.close();
      client.shutdown();
    }
  }
}
