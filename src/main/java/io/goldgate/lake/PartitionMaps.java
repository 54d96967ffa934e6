package io.goldgate.lake;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.MapValue;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands the files of one log read that sit in the same partition one shared, read-only map of
 * partition values. A cached snapshot of 100,000 files in a few hundred partitions otherwise keeps
 * 100,000 equal maps (about 250 bytes each); here it keeps one per partition. Lives as long as the
 * read, so it holds at most one entry per distinct partition of that read.
 */
final class PartitionMaps {

  private final Map<Map<String, String>, Map<String, String>> seen = new HashMap<>();

  /** The partition values of a log entry, or an empty map; shared with equal earlier ones. */
  Map<String, String> of(MapValue map) {
    if (map == null || map.getSize() == 0) {
      return Map.of();
    }
    Map<String, String> values = new HashMap<>(map.getSize() * 2);
    ColumnVector keys = map.getKeys();
    ColumnVector vals = map.getValues();
    for (int i = 0; i < map.getSize(); i++) {
      values.put(keys.getString(i), vals.isNullAt(i) ? null : vals.getString(i));
    }
    return seen.computeIfAbsent(values, Collections::unmodifiableMap);
  }
}
