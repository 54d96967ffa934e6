package io.goldgate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.catalog.CatalogHolder;
import io.goldgate.lake.DeltaLake;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feature definitions are checked against the real tables of the test catalog at load time. */
@QuarkusTest
@WithTestResource(SampleLake.class)
class FeatureDefsLoaderTest {

  @Inject CatalogHolder catalog;
  @Inject DeltaLake lake;
  @Inject Validator validator;
  @Inject Features features;

  @TempDir Path dir;

  private FeatureRegistry load(String yaml) throws Exception {
    Files.writeString(dir.resolve("defs.yaml"), yaml);
    return new FeatureDefsLoader(validator, catalog.catalog(), lake).load(dir);
  }

  private void assertRefused(String yaml, String... expected) {
    FeatureDefsException e = assertThrows(FeatureDefsException.class, () -> load(yaml));
    assertTrue(e.getMessage().startsWith(dir.resolve("defs.yaml").toString()), "names the file: " + e.getMessage());
    for (String part : expected) {
      assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
    }
  }

  static final String ENTITY = "entities:\n  - name: customer\n    joinKeys: [{name: customer_id, type: Int64}]\n";

  static String view(String features) {
    return ENTITY + "featureViews:\n  - name: stats\n    source: {table: retail.gold.customer_features}\n    entities: [customer]\n"
        + "    timestampColumn: last_order_ts\n    features:\n" + features;
  }

  @Test
  void theShippedDefinitionsLoadAgainstTheSampleTables() {
    FeatureRegistry registry = features.registry();
    assertEquals(5, registry.views().size(), "the two shipped views and the test's own three");
    var stats = registry.views().get("customer_stats");
    assertEquals(List.of(new FeatureRegistry.JoinKey("customer_id", FeatureType.INT64)), stats.joinKeys());
    assertEquals(null, stats.ttl());
    assertEquals(List.of("sku", "warehouse"), registry.views().get("inventory_position").joinKeys().stream().map(FeatureRegistry.JoinKey::name).toList());
    assertEquals(4, registry.services().get("churn_model").features().size());
  }

  @Test
  void aMinimalViewLoadsAndKeysAreSortedAsFeastSortsThem() throws Exception {
    String yaml = "entities:\n  - name: item\n    joinKeys: [{name: warehouse, type: String}, {name: sku, type: String}]\n"
        + "featureViews:\n  - name: inv\n    source: {table: retail.gold.inventory_levels}\n    entities: [item]\n"
        + "    timestampColumn: updated_at\n    features:\n      - {name: stock, column: on_hand, type: Int64}\n";
    FeatureRegistry registry = load(yaml);
    assertEquals(List.of("sku", "warehouse"), registry.views().get("inv").joinKeys().stream().map(FeatureRegistry.JoinKey::name).toList());
    assertEquals("on_hand", registry.views().get("inv").features().get(0).columnOrName());
  }

  @Test
  void aFeatureOnAMissingColumnNamesTheYamlPath() {
    assertRefused(view("      - {name: ghost, type: Float64}\n"), "featureViews[0].features[0]", "no column 'ghost'");
  }

  @Test
  void aTypeThatTheColumnCannotFeedIsRefused() {
    assertRefused(view("      - {name: segment, type: Int64}\n"), "featureViews[0].features[0]", "declared Int64 but the column is string");
  }

  @Test
  void anUnknownTypeNameIsRefusedWithTheKnownOnes() {
    assertRefused(view("      - {name: segment, type: Text}\n"), "featureViews[0].features[0].type", "UnixTimestamp");
  }

  @Test
  void anUnknownEntityOrTableIsRefused() {
    assertRefused(view("      - {name: segment, type: String}\n").replace("entities: [customer]", "entities: [shopper]"),
        "featureViews[0].entities[0]", "no entity named 'shopper'");
    assertRefused(view("      - {name: segment, type: String}\n").replace("retail.gold.customer_features", "retail.gold.nope"),
        "featureViews[0].source.table", "no shared table");
  }

  @Test
  void aTimestampColumnMustBeATimestamp() {
    assertRefused(view("      - {name: segment, type: String}\n").replace("timestampColumn: last_order_ts", "timestampColumn: segment"),
        "featureViews[0].timestampColumn", "not a timestamp");
  }

  @Test
  void aJoinKeyMustExistWithItsType() {
    assertRefused(view("      - {name: segment, type: String}\n").replace("customer_id, type: Int64", "customer_id, type: String"),
        "featureViews[0].entities", "join key 'customer_id' is declared String");
  }

  @Test
  void aServiceMustNameExistingFeatures() {
    assertRefused(view("      - {name: segment, type: String}\n") + "featureServices:\n  - name: svc\n    features: [stats:segment, stats:nope]\n",
        "featureServices[0].features[1]", "'stats:nope'");
  }

  @Test
  void duplicatesUnknownFieldsAndBadNamesAreRefused() {
    assertRefused(view("      - {name: segment, type: String}\n      - {name: segment, type: String}\n"), "features[1].name", "twice");
    assertRefused(view("      - {name: segment, type: String, colour: red}\n"), "colour");
    assertRefused(view("      - {name: 'bad name', type: String}\n"), "features[0].name");
    assertRefused(view("      - {name: segment, type: String}\n").replace("    features:", "    ttl: -PT1H\n    features:"), "featureViews[0].ttl", "negative");
  }

  @Test
  void aScheduleShorterThanOneSecondIsRefusedAndOneSecondIsAllowed() throws Exception {
    assertRefused(view("      - {name: segment, type: String}\n").replace("    features:", "    schedule: PT0.5S\n    features:"),
        "featureViews[0].schedule", "must be at least PT1S, such as PT2S or PT5M");
    assertRefused(view("      - {name: segment, type: String}\n").replace("    features:", "    schedule: PT0S\n    features:"), "featureViews[0].schedule");
    assertEquals(Duration.ofSeconds(1),
        load(view("      - {name: segment, type: String}\n").replace("    features:", "    schedule: PT1S\n    features:")).views().values().iterator().next().schedule());
  }

  @Test
  void aMissingDirectoryMeansNoFeatures() {
    assertEquals(FeatureRegistry.EMPTY, new FeatureDefsLoader(validator, catalog.catalog(), lake).load(dir.resolve("absent")));
  }
}
