package io.goldgate.audit;

import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.stream.Collectors;

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

  @Override
  void breakSink() {
    RealRedis.shutdown(RealRedis.configuredPort());
  }

  @Override
  void repairSink() {
    RealRedis.start(RealRedis.configuredPort());
  }
}
