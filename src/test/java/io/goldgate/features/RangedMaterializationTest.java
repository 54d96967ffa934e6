package io.goldgate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.access.BearerAuthenticator;
import io.goldgate.audit.AuditContext;
import io.goldgate.access.Recipient;
import io.goldgate.arrow.ArrowSchemas;
import io.goldgate.arrow.SplitReader;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.features.FeatureRegistry.FeatureView;
import io.goldgate.features.feast.FeastCodec;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.TableSnapshot;
import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Feast's time ranges on a real Redis: {@code materialize(start, end)} and {@code
 * materialize_incremental(end)} over retail.gold.sales_daily, whose 11 SKUs have 6 to 11 rows each
 * at event times (updated_at) from 2026-01-05 to 2026-01-09, one file per day and region. Views are
 * keyed by sku, in both layouts; what each run must serve is worked out here from every row of the
 * table, read without any filter. The views are the test's own, and their keys are removed after
 * each test.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedis.class)
class RangedMaterializationTest {

  static final List<String> SKUS = List.of("SKU-0001", "SKU-0002", "SKU-0003", "SKU-0004", "SKU-0005", "SKU-0006", "SKU-0007", "SKU-0008",
      "SKU-0009", "SKU-0010", "SKU-0011", "SKU-0012");
  static final List<String> FEATURES = List.of("units", "unit_price", "region", "discount_code");
  static final Recipient WRITER = new Recipient("range-writer", List.of(), Set.of("retail"), Map.of("goldgate.featureWrites", "*"));

  @Inject CatalogHolder catalog;
  @Inject DeltaLake lake;
  @Inject Validator validator;
  @Inject OnlineStores stores;
  @Inject GoldgateConfig config;
  @Inject ObjectMapper json;
  @Inject BearerAuthenticator authenticator;
  @Inject AuditContext audit;

  @TempDir Path dir;

  private final List<String> viewsUsed = new ArrayList<>();

  /** One row of sales_daily, as the table holds it. */
  record Sale(String sku, long micros, long units, double unitPrice, String region, String discountCode) {
    Instant time() {
      return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
  }

  /** A registry with one view {@code name} of sales_daily keyed by sku, in {@code layout}. */
  private Features features(String name, OnlineLayout layout, Duration ttl) throws Exception {
    viewsUsed.add(name);
    Path defs = Files.createDirectories(dir.resolve(name + "-" + System.nanoTime()));
    Files.writeString(defs.resolve("defs.yaml"), """
        entities:
          - name: product
            joinKeys: [{name: sku, type: String}]
        featureViews:
          - name: %s
            source: {table: retail.gold.sales_daily}
            entities: [product]
            timestampColumn: updated_at
            online: {layout: %s}
        %s    features:
              - {name: units, type: Int64}
              - {name: unit_price, type: Float64}
              - {name: region, type: String}
              - {name: discount_code, type: String}
        """.formatted(name, layout == OnlineLayout.PACKED ? "packed" : "feast", ttl == null ? "" : "    ttl: " + ttl + "\n"));
    return new Features(new FeatureDefsLoader(validator, catalog.catalog(), lake).load(defs));
  }

  private Materializer materializer(Features features) {
    return new Materializer(features, stores, lake, config, new MaterializationMetrics(new SimpleMeterRegistry()));
  }

  private FeastServeResource resource(Features features, Materializer materializer) {
    return new FeastServeResource(features, stores, materializer, authenticator, config, json, audit);
  }

  /** Every row of the view's table, read whole: the test's own account of what it holds. */
  private List<Sale> sales(FeatureView view) throws Exception {
    TableSnapshot snapshot = lake.latest(view.table());
    List<ArrowSchemas.Column> all = ArrowSchemas.columns(snapshot.metadata().schemaString(), snapshot.metadata().partitionColumns());
    List<Sale> out = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator()) {
      new SplitReader(allocator, lake.engine(), lake.storage(), 1024, Long.MAX_VALUE)
          .read("sales", view.table().location(), snapshot.files(), all, all, null, null, () -> false, batch -> {
            VarCharVector sku = (VarCharVector) batch.getVector("sku");
            TimeStampVector time = (TimeStampVector) batch.getVector("updated_at");
            BigIntVector units = (BigIntVector) batch.getVector("units");
            Float8Vector price = (Float8Vector) batch.getVector("unit_price");
            VarCharVector region = (VarCharVector) batch.getVector("region");
            VarCharVector code = (VarCharVector) batch.getVector("discount_code");
            for (int i = 0; i < batch.getRowCount(); i++) {
              out.add(new Sale(text(sku, i), time.get(i), units.get(i), price.get(i), text(region, i), text(code, i)));
            }
          });
    }
    assertEquals(91, out.size(), "sales_daily as the sample lake holds it");
    return out;
  }

  private static String text(VarCharVector v, int i) {
    return v.isNull(i) ? null : new String(v.get(i), StandardCharsets.UTF_8);
  }

  /** Per sku, its newest row among those in [from, to]. */
  private static Map<String, Sale> latestIn(List<Sale> sales, Instant from, Instant to) {
    return sales.stream()
        .filter(s -> !s.time().isBefore(from) && !s.time().isAfter(to))
        .collect(Collectors.toMap(Sale::sku, s -> s, (a, b) -> a.micros() >= b.micros() ? a : b, TreeMap::new));
  }

  private static long countIn(List<Sale> sales, Instant from, Instant to) {
    return sales.stream().filter(s -> !s.time().isBefore(from) && !s.time().isAfter(to)).count();
  }

  private JsonNode lookup(Features features, String view) throws Exception {
    String refs = FEATURES.stream().map(n -> "\"" + view + ":" + n + "\"").collect(Collectors.joining(","));
    String skus = SKUS.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(","));
    JsonNode request = json.readTree("{\"features\":[" + refs + "],\"entities\":{\"sku\":[" + skus + "]}}");
    Recipient partner = authenticator.authenticate("Bearer " + SampleLake.PARTNER_TOKEN).recipient();
    ByteArrayOutputStream out = new OnlineFeatures(features, stores, config, json, catalog).get(request, partner, ByteArrayOutputStream::new)
        .toCompletableFuture().get();
    return json.readTree(out.toByteArray()).get("results");
  }

  /**
   * What the view serves for every sku is exactly {@code expected}: each sku in it PRESENT (or
   * NULL_VALUE for a null discount code) with that row's values and event time, every other one
   * NOT_FOUND.
   */
  private void assertServes(Features features, String view, Map<String, Sale> expected) throws Exception {
    JsonNode results = lookup(features, view);
    for (int i = 0; i < SKUS.size(); i++) {
      String sku = SKUS.get(i);
      Sale sale = expected.get(sku);
      for (int f = 1; f <= FEATURES.size(); f++) {
        JsonNode column = results.get(f);
        String status = column.get("statuses").get(i).asText();
        String where = sku + " " + FEATURES.get(f - 1);
        if (sale == null) {
          assertEquals("NOT_FOUND", status, where);
          continue;
        }
        JsonNode value = column.get("values").get(i);
        assertEquals(sale.time(), Instant.parse(column.get("event_timestamps").get(i).asText()), where);
        switch (f) {
          case 1 -> assertEquals(sale.units(), value.asLong(), where);
          case 2 -> assertEquals(sale.unitPrice(), value.asDouble(), where);
          case 3 -> assertEquals(sale.region(), value.asText(), where);
          default -> {
            assertEquals(sale.discountCode() == null ? "NULL_VALUE" : "PRESENT", status, where);
            if (sale.discountCode() != null) {
              assertEquals(sale.discountCode(), value.asText(), where);
            }
            continue;
          }
        }
        assertEquals("PRESENT", status, where);
      }
    }
  }

  private static byte[] body(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @AfterEach
  void removeTheTestsKeys() {
    ViewKeys.delete(viewsUsed, SKUS.stream().map(sku -> new FeastCodec.KeyPart("sku", FeastCodec.Kind.STRING, sku)).toList(), FEATURES);
  }

  @ParameterizedTest
  @EnumSource(OnlineLayout.class)
  void givenARangeWhenMaterializedThenEachSkusNewestRowInsideItIsServedAndNoOtherSku(OnlineLayout layout) throws Exception {
    String name = "rg_range_" + layout.name().toLowerCase();
    Features features = features(name, layout, null);
    Materializer materializer = materializer(features);
    List<Sale> sales = sales(features.registry().views().get(name));
    // The first twenty minutes of 2026-01-06's sales: some SKUs sold then, some did not.
    Instant from = Instant.parse("2026-01-06T23:00:00Z");
    Instant to = Instant.parse("2026-01-06T23:20:00Z");
    Map<String, Sale> expected = latestIn(sales, from, to);
    assertTrue(expected.size() >= 3 && expected.size() <= SKUS.size() - 3, "the range leaves SKUs out: " + expected.keySet());
    assertTrue(sales.stream().anyMatch(s -> expected.containsKey(s.sku()) && s.time().isBefore(from)), "older rows of the same SKUs exist");
    assertTrue(sales.stream().anyMatch(s -> expected.containsKey(s.sku()) && s.time().isAfter(to)), "newer rows of the same SKUs exist");

    // As Feast's clients send it: naive (UTC) start, offset end.
    assertEquals(200, resource(features, materializer)
        .materialize(WRITER, body("{\"start_ts\":\"2026-01-06 23:00:00\",\"end_ts\":\"2026-01-06T23:20:00+00:00\",\"feature_views\":[\"" + name + "\"]}"))
        .getStatus());
    assertServes(features, name, expected);
    assertEquals(to, materializer.materializedUntil(name));
    // Not a materialization of a table version: the watermark is not moved, the scheduled run still has everything to do.
    assertEquals(-1, materializer.watermark(name));
    assertEquals(Materializer.State.NOT_RUN, materializer.progress().get(name).state());

    // The range is pushed down: only the files of that day (one per region) are read.
    Materializer.RangeRun again = materializer.materializeRange(name, from, to);
    assertEquals(14, again.filesTotal());
    assertEquals(3, again.filesRead());
    assertEquals(countIn(sales, from, to), again.rowsInRange());
    assertEquals(expected.size(), again.entities());
    assertEquals(0, again.written(), "the same rows again are not newer than the stored ones");
  }

  @Test
  void givenNewerValuesStoredWhenAnEarlierRangeIsMaterializedThenTheNewerValuesStay() throws Exception {
    String name = "rg_newer";
    Features features = features(name, OnlineLayout.FEAST, null);
    Materializer materializer = materializer(features);
    FeatureView view = features.registry().views().get(name);
    List<Sale> sales = sales(view);
    // A value pushed for SKU-0004 after every row of the table.
    JsonNode df = json.readTree("""
        {"sku": ["SKU-0004"], "updated_at": ["2027-01-01T00:00:00Z"], "units": [999], "unit_price": [9.99], "region": ["PUSHED"], "discount_code": [null]}
        """);
    Materializer.write(stores.store(), view, FeatureWrites.rows(view, df, false, "goldgate", 10));
    Sale pushed = new Sale("SKU-0004", ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse("2027-01-01T00:00:00Z")), 999, 9.99, "PUSHED", null);

    Instant day7 = Instant.parse("2026-01-07T00:00:00Z");
    Instant day8 = Instant.parse("2026-01-08T00:00:00Z");
    materializer.materializeRange(name, day7, day8);
    Map<String, Sale> expected = new TreeMap<>(latestIn(sales, day7, day8));
    expected.put("SKU-0004", pushed);
    assertServes(features, name, expected);

    // The two days before: their rows are older than day 7's, which stay; SKUs without a day-7 row get theirs.
    Instant day5 = Instant.parse("2026-01-05T00:00:00Z");
    Materializer.RangeRun earlier = materializer.materializeRange(name, day5, day7);
    Map<String, Sale> before = latestIn(sales, day5, day7);
    assertTrue(before.keySet().stream().anyMatch(expected::containsKey), "the earlier range has rows of SKUs the later one wrote");
    before.forEach(expected::putIfAbsent);
    assertServes(features, name, expected);
    assertEquals(before.keySet().stream().filter(sku -> !latestIn(sales, day7, day8).containsKey(sku) && !sku.equals("SKU-0004")).count(), earlier.written());
    // An earlier range leaves "materialized until" at the later end.
    assertEquals(day8, earlier.materializedUntil());
    assertEquals(day8, materializer.materializedUntil(name));
  }

  @ParameterizedTest
  @EnumSource(OnlineLayout.class)
  void givenIncrementalRunsWhenRunTwiceThenTheSecondStartsWhereTheFirstEnded(OnlineLayout layout) throws Exception {
    String name = "rg_incr_" + layout.name().toLowerCase();
    Features features = features(name, layout, null);
    Materializer materializer = materializer(features);
    List<Sale> sales = sales(features.registry().views().get(name));
    Instant beginning = Instant.parse("2000-01-01T00:00:00Z");
    Instant first = Instant.parse("2026-01-06T12:00:00Z");
    Instant second = Instant.parse("2026-01-07T12:00:00Z");

    // No ttl and nothing materialized yet: from the beginning of time.
    assertEquals(200, resource(features, materializer)
        .materializeIncremental(WRITER, body("{\"end_ts\":\"2026-01-06T12:00:00\",\"feature_views\":[\"" + name + "\"]}")).getStatus());
    assertServes(features, name, latestIn(sales, beginning, first));
    assertEquals(first, materializer.materializedUntil(name));
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + RealRedis.configuredPort());
    try (var connection = client.connect()) {
      String key = "goldgate:materialized-until:goldgate:" + name + (layout == OnlineLayout.PACKED ? ":packed" : "");
      assertEquals("2026-01-06T12:00:00Z", connection.sync().get(key));
    } finally {
      client.shutdown();
    }

    Materializer.RangeRun next = materializer.materializeIncremental(name, second, Instant.now());
    assertEquals(first, next.start());
    assertEquals(countIn(sales, first, second), next.rowsInRange());
    assertTrue(next.filesRead() < next.filesTotal(), next.filesRead() + " of " + next.filesTotal());
    assertEquals(second, next.materializedUntil());
    assertServes(features, name, latestIn(sales, beginning, second));

    // An end before "materialized until" reads nothing and leaves it.
    Materializer.RangeRun back = materializer.materializeIncremental(name, first, Instant.now());
    assertEquals(0, back.rowsRead());
    assertEquals(second, materializer.materializedUntil(name));
    assertEquals(-1, materializer.watermark(name));
  }

  @Test
  void givenATtlWhenIncrementalRunsFirstThenItStartsAtNowMinusTheTtl() throws Exception {
    Instant start = Instant.parse("2026-01-07T12:00:00Z");
    Instant now = Instant.now();
    Duration ttl = Duration.between(start, now).truncatedTo(ChronoUnit.SECONDS);
    Features features = features("rg_ttl", OnlineLayout.FEAST, ttl);
    Materializer materializer = materializer(features);
    List<Sale> sales = sales(features.registry().views().get("rg_ttl"));
    Instant end = Instant.parse("2026-01-08T12:00:00Z");
    Materializer.RangeRun run = materializer.materializeIncremental("rg_ttl", end, now);
    assertEquals(now.minus(ttl), run.start());
    // 2026-01-07's sales only (23:00 to 23:50).
    assertEquals(countIn(sales, start, end), run.rowsInRange());
    assertEquals(sales.stream().filter(s -> s.time().toString().startsWith("2026-01-07")).count(), run.rowsInRange());
    assertEquals(latestIn(sales, start, end).size(), run.entities());
  }

  @Test
  void givenAViewWithoutRowsInTheRangeWhenMaterializedThenNothingIsWrittenAndUntilStillMoves() throws Exception {
    Features features = features("rg_empty", OnlineLayout.FEAST, null);
    Materializer materializer = materializer(features);
    Instant from = Instant.parse("2026-01-06T06:00:00Z");
    Instant to = Instant.parse("2026-01-06T07:00:00Z");
    Materializer.RangeRun run = materializer.materializeRange("rg_empty", from, to);
    assertEquals(0, run.filesRead());
    assertEquals(0, run.written());
    assertServes(features, "rg_empty", Map.of());
    assertEquals(to, materializer.materializedUntil("rg_empty"));
    assertNull(materializer.materializedUntil("rg_none"));
  }

  /** Keeps the SKUs listed here in step with the table. */
  @Test
  void theSkusListedAreTheTables() throws Exception {
    Features features = features("rg_skus", OnlineLayout.FEAST, null);
    Set<String> inTable = new TreeSet<>();
    sales(features.registry().views().get("rg_skus")).forEach(s -> inTable.add(s.sku()));
    Set<String> listed = new TreeSet<>(SKUS);
    listed.remove("SKU-0007"); // purged from the table at version 3: never served
    assertEquals(listed, inTable);
  }
}
