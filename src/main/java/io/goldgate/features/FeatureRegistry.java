package io.goldgate.features;

import io.goldgate.features.FeatureDefsFile.FeatureDef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The loaded feature definitions: entities, feature views and feature services, by name. */
public record FeatureRegistry(Map<String, Entity> entities, Map<String, FeatureView> views, Map<String, FeatureService> services) {

  public static final FeatureRegistry EMPTY = new FeatureRegistry(Map.of(), Map.of(), Map.of());

  public record JoinKey(String name, FeatureType type) {}

  public record Entity(String name, List<JoinKey> joinKeys) {}

  /**
   * @param table the Delta table the view reads, as {@code share.schema.table} or its location
   * @param sharedTable the shared table it reads, whose grants govern who reads the view; null for
   *     a view over a bare {@code location}, which only a granted feature service opens
   * @param rowFilterColumns the partition columns by which {@code sharedTable} restricts each
   *     recipient's rows (its {@code recipientPartitionFilter}), sorted; empty when it does not
   * @param joinKeys the join keys of all its entities, in Feast's order (sorted by name)
   */
  public record FeatureView(
      String name,
      io.goldgate.lake.TableRef table,
      io.goldgate.catalog.TableName sharedTable,
      List<String> rowFilterColumns,
      List<String> entities,
      List<JoinKey> joinKeys,
      String timestampColumn,
      List<FeatureDef> features,
      Duration ttl,
      Duration schedule,
      boolean online,
      OnlineLayout layout) {

    public boolean packed() {
      return layout == OnlineLayout.PACKED;
    }

    public Optional<FeatureDef> feature(String name) {
      return features.stream().filter(f -> f.name().equals(name)).findFirst();
    }
  }

  /** A reference to one feature of one view. */
  public record FeatureRef(String view, String feature) {
    public static FeatureRef parse(String ref) {
      int colon = ref.indexOf(':');
      return new FeatureRef(ref.substring(0, colon), ref.substring(colon + 1));
    }

    @Override
    public String toString() {
      return view + ":" + feature;
    }
  }

  public record FeatureService(String name, List<FeatureRef> features) {}
}
