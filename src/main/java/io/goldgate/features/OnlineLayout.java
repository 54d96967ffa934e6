package io.goldgate.features;

/**
 * How a feature view's values sit in the online store. {@code FEAST}: Feast's hash per entity, one
 * field per feature, which Feast's own readers understand. {@code PACKED}: one string per entity
 * and view ({@link PackedValue}), read with one MGET per request: for lookups of many entities
 * and features, where the hash layout costs Redis one reply item per feature.
 */
public enum OnlineLayout {
  FEAST,
  PACKED;

  /** The layout named in a view's {@code online.layout}; null or blank gives Feast's. */
  static OnlineLayout parse(String name) {
    if (name == null || name.isBlank() || name.equals("feast")) {
      return FEAST;
    }
    if (name.equals("packed")) {
      return PACKED;
    }
    throw new IllegalArgumentException("must be 'feast' (Feast's hash layout) or 'packed', got '" + name + "'");
  }
}
