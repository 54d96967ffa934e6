package io.goldgate.features;

import io.goldgate.features.feast.FeastCodec;
import io.goldgate.testing.RealRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Removes what tests wrote for their views from the test Redis, so that each test starts from none. */
final class ViewKeys {

  private ViewKeys() {}

  /**
   * Deletes each view's values for the given entities in both layouts (its hash fields and its packed
   * key), and its watermarks and "materialized until" times.
   */
  static void delete(Collection<String> views, List<FeastCodec.KeyPart> entities, List<String> features) {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + RealRedis.configuredPort());
    try (var connection = client.connect(ByteArrayCodec.INSTANCE)) {
      for (String view : views) {
        for (FeastCodec.KeyPart entity : entities) {
          byte[] key = FeastCodec.redisKey(List.of(entity), "goldgate");
          List<byte[]> fields = new ArrayList<>();
          fields.add(FeastCodec.timestampField(view));
          features.forEach(n -> fields.add(FeastCodec.featureField(view, n)));
          connection.sync().hdel(key, fields.toArray(byte[][]::new));
          connection.sync().del(PackedValue.key(key, view));
        }
        for (OnlineLayout layout : OnlineLayout.values()) {
          connection.sync().del(Materializer.watermarkKey("goldgate", view, layout));
          connection.sync().del(Materializer.materializedUntilKey("goldgate", view, layout));
        }
      }
    } finally {
      client.shutdown();
    }
  }
}
