package io.goldgate.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.access.BearerAuthenticator;
import io.goldgate.access.Recipient;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.features.feast.FeastCodec;
import io.goldgate.lake.DeltaLake;
import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packed layout on a real Redis: a packed view of customer_features serves what the hash
 * view of the same table serves, value for value and status for status. The views here are the
 * test's own (loaded from a temporary directory), and their keys are removed after each test.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedis.class)
class PackedLayoutTest {

  static final String FEATURES = """
          features:
            - {name: segment, type: String}
            - {name: lifetime_value, type: Float64}
            - {name: orders_count, type: Int32}
            - {name: avg_basket, type: Float64}
            - {name: is_active, type: Bool}
            - {name: churn_score, type: Float64}
            - {name: favorite_category, type: String}
            - {name: last_order_ts, type: UnixTimestamp}
      """;
  static final List<String> NAMES = List.of("segment", "lifetime_value", "orders_count", "avg_basket", "is_active", "churn_score", "favorite_category", "last_order_ts");
  static final String ALL_CUSTOMERS = IntStream.rangeClosed(1, 170).mapToObj(String::valueOf).collect(Collectors.joining(","));

  @Inject CatalogHolder catalog;
  @Inject DeltaLake lake;
  @Inject Validator validator;
  @Inject OnlineStores stores;
  @Inject GoldgateConfig config;
  @Inject ObjectMapper json;
  @Inject BearerAuthenticator authenticator;

  @TempDir Path dir;

  private final List<String> viewsUsed = new ArrayList<>();

  /** A registry of the entity customer and one view {@code name} over customer_features. */
  private Features features(String name, String online, String ttl) throws Exception {
    viewsUsed.add(name);
    Path defs = Files.createDirectories(dir.resolve(name + "-" + online.hashCode() + "-" + System.nanoTime()));
    Files.writeString(defs.resolve("defs.yaml"), "entities:\n  - name: customer\n    joinKeys: [{name: customer_id, type: Int64}]\n"
        + "featureViews:\n  - name: " + name + "\n    source: {table: retail.gold.customer_features}\n    entities: [customer]\n"
        + "    timestampColumn: last_order_ts\n" + (online.isEmpty() ? "" : "    online: " + online + "\n") + (ttl == null ? "" : "    ttl: " + ttl + "\n") + FEATURES);
    return new Features(new FeatureDefsLoader(validator, catalog.catalog(), lake).load(defs));
  }

  private Materializer materializer(Features features) {
    return new Materializer(features, stores, lake, config, new MaterializationMetrics(new SimpleMeterRegistry()));
  }

  private JsonNode lookup(Features features, String view, String entities) throws Exception {
    String features_ = NAMES.stream().map(n -> "\"" + view + ":" + n + "\"").collect(Collectors.joining(","));
    JsonNode request = json.readTree("{\"features\":[" + features_ + "],\"entities\":{\"customer_id\":[" + entities + "]}}");
    Recipient partner = authenticator.authenticate("Bearer " + SampleLake.PARTNER_TOKEN).recipient();
    ByteArrayOutputStream out = new OnlineFeatures(features, stores, config, json, catalog).get(request, partner, ByteArrayOutputStream::new)
        .toCompletableFuture().get();
    return json.readTree(out.toByteArray());
  }

  /** The results without the metadata: values, statuses and event times of every column. */
  private static JsonNode results(JsonNode response) {
    return response.get("results");
  }

  @AfterEach
  void removeTheTestsKeys() {
    ViewKeys.delete(viewsUsed, IntStream.rangeClosed(1, 170).mapToObj(id -> new FeastCodec.KeyPart("customer_id", FeastCodec.Kind.INT64, (long) id)).toList(),
        NAMES);
  }

  @Test
  void givenTheSameTableWhenServedPackedThenValuesStatusesAndTimesEqualTheHashLayouts() throws Exception {
    Features hash = features("pk_hash", "", null);
    Features packed = features("pk_packed", "{layout: packed}", null);
    assertEquals(OnlineLayout.PACKED, packed.registry().views().get("pk_packed").layout());
    var hashRun = materializer(hash).materialize("pk_hash");
    var packedRun = materializer(packed).materialize("pk_packed");
    assertEquals(170, packedRun.written());
    assertEquals(hashRun.written(), packedRun.written());
    JsonNode fromHash = lookup(hash, "pk_hash", ALL_CUSTOMERS + ",99999,1");
    JsonNode fromPacked = lookup(packed, "pk_packed", ALL_CUSTOMERS + ",99999,1");
    assertEquals(results(fromHash), results(fromPacked));
    List<String> statuses = new ArrayList<>();
    results(fromPacked).get(7).get("statuses").forEach(s -> statuses.add(s.asText()));
    assertTrue(statuses.contains("NULL_VALUE"), "favorite_category has nulls: " + statuses);
    assertEquals("NOT_FOUND", statuses.get(170));
    assertEquals("PRESENT", statuses.get(171));
    assertEquals(materializer(packed).materialize("pk_packed").state(), Materializer.State.UP_TO_DATE);
  }

  @Test
  void givenAShortTtlWhenServedPackedThenOldValuesAreOutsideMaxAgeAsInTheHashLayout() throws Exception {
    Features hash = features("pk_ttl_hash", "", "P1D");
    Features packed = features("pk_ttl_packed", "{layout: packed}", "P1D");
    materializer(hash).materialize("pk_ttl_hash");
    materializer(packed).materialize("pk_ttl_packed");
    JsonNode fromPacked = lookup(packed, "pk_ttl_packed", "1,2,99999");
    assertEquals(results(lookup(hash, "pk_ttl_hash", "1,2,99999")), results(fromPacked));
    assertEquals("[\"OUTSIDE_MAX_AGE\",\"OUTSIDE_MAX_AGE\",\"NOT_FOUND\"]", results(fromPacked).get(1).get("statuses").toString());
  }

  @Test
  void givenAViewSwitchedBetweenLayoutsWhenRematerializedThenEachLayoutServesTheSameValues() throws Exception {
    Features asHash = features("pk_switch", "true", null);
    Features asPacked = features("pk_switch", "{layout: packed}", null);
    assertEquals(170, materializer(asHash).materialize("pk_switch").written());
    JsonNode before = lookup(asHash, "pk_switch", ALL_CUSTOMERS);
    // The packed layout has its own watermark: switching materializes in full there.
    var switched = materializer(asPacked).materialize("pk_switch");
    assertEquals(Materializer.State.MATERIALIZED, switched.state());
    assertEquals(170, switched.written());
    assertEquals(results(before), results(lookup(asPacked, "pk_switch", ALL_CUSTOMERS)));
    // Back to the hash layout: its keys and watermark are still there.
    assertEquals(Materializer.State.UP_TO_DATE, materializer(asHash).materialize("pk_switch").state());
    assertEquals(results(before), results(lookup(asHash, "pk_switch", ALL_CUSTOMERS)));
  }

  @Test
  void givenAStoredValueWhenAnOlderOrEqualOneIsWrittenThenTheNewerStays() {
    newerWins(stores.store());
    newerWins(new MemoryOnlineStore());
  }

  private void newerWins(OnlineStore store) {
    viewsUsed.add("pk_newer");
    viewsUsed.add("pk_newer_v1");
    byte[] entity = FeastCodec.redisKey(List.of(new FeastCodec.KeyPart("customer_id", FeastCodec.Kind.INT64, 1L)), "goldgate");
    byte[] key = PackedValue.key(entity, "pk_newer");
    byte[][] a = {FeastCodec.value(FeastCodec.Kind.STRING, "a")};
    byte[][] b = {FeastCodec.value(FeastCodec.Kind.STRING, "b")};
    int[] slots = {PackedValue.EVENT_TIME, 0};
    assertEquals(1, store.writePacked(List.of(new OnlineStore.Packed(key, PackedValue.encode(2_000_000, null, a)))));
    // Older, equal, and far older (before 1970: the sign bit matters) lose.
    assertEquals(0, store.writePacked(List.of(
        new OnlineStore.Packed(key, PackedValue.encode(1_999_999, null, b)),
        new OnlineStore.Packed(key, PackedValue.encode(2_000_000, null, b)),
        new OnlineStore.Packed(key, PackedValue.encode(-5_000_000, null, b)))));
    PackedValue.Row row = store.readPacked(List.of(key), slots).toCompletableFuture().join()[0];
    assertEquals("\"a\"", new String(row.slot(1), java.nio.charset.StandardCharsets.UTF_8), "stored as its JSON");
    assertEquals(java.time.Instant.ofEpochSecond(2), FeastCodec.readTimestamp(row.slot(0)));
    assertEquals(1, store.writePacked(List.of(new OnlineStore.Packed(key, PackedValue.encode(2_000_001, null, b)))));
    row = store.readPacked(List.of(key), slots).toCompletableFuture().join()[0];
    assertEquals("\"b\"", new String(row.slot(1), java.nio.charset.StandardCharsets.UTF_8));
    // A value of the earlier encoding (version 1) is read, and replaced by the same event time in the current one.
    byte[] upgraded = PackedValue.key(entity, "pk_newer_v1");
    assertEquals(1, store.writePacked(List.of(new OnlineStore.Packed(upgraded, PackedValueTest.version1(7_000_000, a)))));
    row = store.readPacked(List.of(upgraded), slots).toCompletableFuture().join()[0];
    assertEquals("\"a\"", new String(row.slot(1), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(0, store.writePacked(List.of(new OnlineStore.Packed(upgraded, PackedValueTest.version1(7_000_000, b)))));
    assertEquals(1, store.writePacked(List.of(new OnlineStore.Packed(upgraded, PackedValue.encode(7_000_000, null, b)))));
    row = store.readPacked(List.of(upgraded), slots).toCompletableFuture().join()[0];
    assertEquals("\"b\"", new String(row.slot(1), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(0, store.writePacked(List.of(new OnlineStore.Packed(upgraded, PackedValue.encode(7_000_000, null, a)))), "equal time, same version: kept");
    assertEquals(null, store.readPacked(List.of(PackedValue.key(entity, "pk_none")), slots).toCompletableFuture().join()[0]);
  }

  @Test
  void givenAnUnknownLayoutWhenLoadingThenTheDefinitionsAreRefusedNamingTheKey() {
    FeatureDefsException e = assertThrows(FeatureDefsException.class, () -> features("pk_bad", "{layout: columnar}", null));
    assertTrue(e.getMessage().contains("online.layout") && e.getMessage().contains("must be 'feast' (Feast's hash layout) or 'packed'"), e.getMessage());
    FeatureDefsException unknown = assertThrows(FeatureDefsException.class, () -> features("pk_bad", "{layuot: packed}", null));
    assertTrue(unknown.getMessage().contains("layuot"), unknown.getMessage());
    assertNotEquals(null, unknown.getMessage());
  }
}
