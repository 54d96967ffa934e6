package io.goldgate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Thread-safe maps that forget their least recently used entry beyond a size. */
public final class BoundedCache {

  private BoundedCache() {}

  public static <K, V> Map<K, V> lru(int maxEntries) {
    return Collections.synchronizedMap(
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > maxEntries;
          }
        });
  }
}
