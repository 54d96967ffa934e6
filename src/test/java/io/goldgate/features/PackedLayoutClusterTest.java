package io.goldgate.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.access.BearerAuthenticator;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.features.feast.FeastCodec;
import io.goldgate.lake.DeltaLake;
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
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packed layout on a real three-node Redis Cluster: a request's entities fall in many slots on
 * every node, read with one MGET per slot; the answer equals the hash layout's. The test removes
 * its keys, which the cluster's other tests count.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedisCluster.class)
class PackedLayoutClusterTest {

  @Inject CatalogHolder catalog;
  @Inject DeltaLake lake;
  @Inject Validator validator;
  @Inject OnlineStores stores;
  @Inject GoldgateConfig config;
  @Inject ObjectMapper json;
  @Inject BearerAuthenticator authenticator;

  @TempDir Path dir;

  private Features features(String name, String layout) throws Exception {
    Path defs = Files.createDirectories(dir.resolve(name));
    Files.writeString(defs.resolve("defs.yaml"), "entities:\n  - name: customer\n    joinKeys: [{name: customer_id, type: Int64}]\n"
        + "featureViews:\n  - name: " + name + "\n    source: {table: retail.gold.customer_features}\n    entities: [customer]\n"
        + "    timestampColumn: last_order_ts\n    online: {layout: " + layout + "}\n" + PackedLayoutTest.FEATURES);
    return new Features(new FeatureDefsLoader(validator, catalog.catalog(), lake).load(defs));
  }

  private JsonNode lookup(Features features, String view) throws Exception {
    String wanted = String.join(",", PackedLayoutTest.NAMES.stream().map(n -> "\"" + view + ":" + n + "\"").toList());
    JsonNode request = json.readTree("{\"features\":[" + wanted + "],\"entities\":{\"customer_id\":[" + PackedLayoutTest.ALL_CUSTOMERS + ",99999]}}");
    ByteArrayOutputStream out = new OnlineFeatures(features, stores, config, json, catalog)
        .get(request, authenticator.authenticate("Bearer " + SampleLake.PARTNER_TOKEN).recipient(), ByteArrayOutputStream::new).toCompletableFuture().get();
    return json.readTree(out.toByteArray());
  }

  @Test
  void givenAClusterWhenAPackedViewIsMaterializedAndReadThenItsKeysSpreadAndItAnswersAsTheHashLayout() throws Exception {
    List<Long> before = new ArrayList<>();
    RealRedisCluster.ports().forEach(p -> before.add(RealRedisCluster.keysOn(p)));
    Features hash = features("pkc_hash", "feast");
    Features packed = features("pkc_packed", "packed");
    Materializer.Progress run = new Materializer(packed, stores, lake, config, new MaterializationMetrics(new SimpleMeterRegistry())).materialize("pkc_packed");
    assertEquals(170, run.written());
    new Materializer(hash, stores, lake, config, new MaterializationMetrics(new SimpleMeterRegistry())).materialize("pkc_hash");
    for (int n = 0; n < before.size(); n++) {
      long added = RealRedisCluster.keysOn(RealRedisCluster.ports().get(n)) - before.get(n);
      assertTrue(added > 20, "node " + n + " got " + added + " packed keys: they should spread over every node");
    }
    JsonNode fromPacked = lookup(packed, "pkc_packed");
    assertEquals(lookup(hash, "pkc_hash").get("results"), fromPacked.get("results"));
    assertEquals("NOT_FOUND", fromPacked.get("results").get(1).get("statuses").get(170).asText());
    assertEquals(170, countPresent(fromPacked.get("results").get(2)), "lifetime_value of every customer");

    // Newer-wins through the script on the node that holds the key.
    byte[] key = PackedValue.key(FeastCodec.redisKey(List.of(new FeastCodec.KeyPart("customer_id", FeastCodec.Kind.INT64, 3L)), "goldgate"), "pkc_packed");
    byte[] stored = stores.store().readPacked(List.of(key), new int[] {0}).toCompletableFuture().join()[0].slot(0);
    assertEquals(0, stores.store().writePacked(List.of(new OnlineStore.Packed(key, PackedValue.encode(0, null, new byte[][] {FeastCodec.value(FeastCodec.Kind.STRING, "old")})))));
    assertArrayEquals(stored, stores.store().readPacked(List.of(key), new int[] {0}).toCompletableFuture().join()[0].slot(0));

    RedisClusterClient client = RedisClusterClient.create(RedisURI.create("127.0.0.1", RealRedisCluster.ports().get(0)));
    try (var connection = client.connect(ByteArrayCodec.INSTANCE)) {
      var commands = connection.sync();
      for (int id = 1; id <= 170; id++) {
        byte[] entity = FeastCodec.redisKey(List.of(new FeastCodec.KeyPart("customer_id", FeastCodec.Kind.INT64, (long) id)), "goldgate");
        commands.del(PackedValue.key(entity, "pkc_packed"));
        List<byte[]> fields = new ArrayList<>();
        fields.add(FeastCodec.timestampField("pkc_hash"));
        PackedLayoutTest.NAMES.forEach(n -> fields.add(FeastCodec.featureField("pkc_hash", n)));
        commands.hdel(entity, fields.toArray(byte[][]::new));
      }
      // The watermarks and their copy on every master (Materializer#watermark).
      for (String tag : stores.store().nodeTags()) {
        commands.del(Materializer.watermarkKey("goldgate", "pkc_packed", OnlineLayout.PACKED, tag));
        commands.del(Materializer.watermarkKey("goldgate", "pkc_hash", OnlineLayout.FEAST, tag));
      }
      commands.del(Materializer.watermarkKey("goldgate", "pkc_packed", OnlineLayout.PACKED));
      commands.del(Materializer.watermarkKey("goldgate", "pkc_hash", OnlineLayout.FEAST));
    } finally {
      client.shutdown();
    }
  }

  private static int countPresent(JsonNode column) {
    int present = 0;
    for (JsonNode status : column.get("statuses")) {
      present += status.asText().equals("PRESENT") ? 1 : 0;
    }
    return present;
  }
}
