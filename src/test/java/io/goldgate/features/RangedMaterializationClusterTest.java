package io.goldgate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.catalog.CatalogHolder;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.features.feast.FeastCodec;
import io.goldgate.lake.DeltaLake;
import io.goldgate.testing.RealRedis;
import io.goldgate.testing.RealRedisCluster;
import io.goldgate.testing.SampleLake;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A view's "materialized until" time on a real three-node Redis Cluster: it has a copy on every
 * master, as the watermark has, and a copy gone (a master back empty) makes the next incremental
 * run start from the beginning, restoring what that master lost. The test removes its keys, which
 * the cluster's other tests count.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedisCluster.class)
class RangedMaterializationClusterTest {

  @Inject CatalogHolder catalog;
  @Inject DeltaLake lake;
  @Inject Validator validator;
  @Inject OnlineStores stores;
  @Inject GoldgateConfig config;

  @TempDir Path dir;

  @Test
  void givenAClusterWhenAMastersCopyOfMaterializedUntilIsGoneThenTheNextIncrementalRunStartsFromTheBeginning() throws Exception {
    Files.writeString(dir.resolve("defs.yaml"), """
        entities:
          - name: product
            joinKeys: [{name: sku, type: String}]
        featureViews:
          - name: rgc_sales
            source: {table: retail.gold.sales_daily}
            entities: [product]
            timestampColumn: updated_at
            features:
              - {name: units, type: Int64}
        """);
    Features features = new Features(new FeatureDefsLoader(validator, catalog.catalog(), lake).load(dir));
    Materializer materializer = new Materializer(features, stores, lake, config, new MaterializationMetrics(new SimpleMeterRegistry()));
    List<String> tags = stores.store().nodeTags();
    assertEquals(RealRedisCluster.ports().size(), tags.size());
    try {
      Instant first = Instant.parse("2026-01-06T12:00:00Z");
      assertNull(materializer.materializeIncremental("rgc_sales", first, Instant.now()).start());
      assertEquals(first, materializer.materializedUntil("rgc_sales"));
      // One copy per master, each on its own node.
      for (int port : RealRedisCluster.ports()) {
        String reply = RealRedis.send(port, "KEYS goldgate:materialized-until:goldgate:rgc_sales:node*");
        assertTrue(reply.startsWith("*1\r\n"), "node " + port + " holds one copy: " + reply);
      }

      Instant second = Instant.parse("2026-01-07T12:00:00Z");
      Materializer.RangeRun resumed = materializer.materializeIncremental("rgc_sales", second, Instant.now());
      assertEquals(first, resumed.start());
      long day6 = resumed.rowsInRange();

      // A master back empty loses its copy: the time is unknown, the next run reads from the beginning.
      delete(Materializer.materializedUntilKey("goldgate", "rgc_sales", OnlineLayout.FEAST, tags.get(1)));
      assertNull(materializer.materializedUntil("rgc_sales"));
      Instant third = Instant.parse("2026-01-07T13:00:00Z");
      Materializer.RangeRun restarted = materializer.materializeIncremental("rgc_sales", third, Instant.now());
      assertNull(restarted.start());
      assertTrue(restarted.rowsInRange() > day6, restarted.rowsInRange() + " rows: days 5 and 6, not only 6");
      assertEquals(third, materializer.materializedUntil("rgc_sales"));
    } finally {
      List<byte[]> keys = new ArrayList<>();
      for (String sku : RangedMaterializationTest.SKUS) {
        keys.add(FeastCodec.redisKey(List.of(new FeastCodec.KeyPart("sku", FeastCodec.Kind.STRING, sku)), "goldgate"));
      }
      keys.add(Materializer.materializedUntilKey("goldgate", "rgc_sales", OnlineLayout.FEAST));
      for (String tag : tags) {
        keys.add(Materializer.materializedUntilKey("goldgate", "rgc_sales", OnlineLayout.FEAST, tag));
      }
      keys.forEach(RangedMaterializationClusterTest::delete);
    }
  }

  private static void delete(byte[] key) {
    RedisClusterClient client = RedisClusterClient.create(RedisURI.create("127.0.0.1", RealRedisCluster.ports().get(0)));
    try (var connection = client.connect(ByteArrayCodec.INSTANCE)) {
      connection.sync().del(key);
    } finally {
      client.shutdown();
    }
  }
}
