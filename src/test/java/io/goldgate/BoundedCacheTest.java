package io.goldgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoundedCacheTest {

  private static BoundedCache<String, String> cache(int maxEntries, long maxBytes) {
    return BoundedCache.weighed(maxEntries, maxBytes, (k, v) -> k.length() + v.length());
  }

  @Test
  void forgetsTheLeastRecentlyUsedOnceTheBytesAreSpent() {
    BoundedCache<String, String> cache = cache(100, 30);
    assertTrue(cache.put("a", "x".repeat(9)));
    assertTrue(cache.put("b", "x".repeat(9)));
    assertTrue(cache.put("c", "x".repeat(9)));
    assertEquals(30, cache.bytes());
    cache.get("a");
    assertTrue(cache.put("d", "x".repeat(4)));
    assertNull(cache.get("b"), "the least recently used goes first");
    assertEquals("x".repeat(9), cache.get("a"));
    assertEquals(25, cache.bytes());
  }

  @Test
  void anEntryHeavierThanTheCacheIsNotKeptAndReplacingAnEntryRecountsIt() {
    BoundedCache<String, String> cache = cache(100, 30);
    cache.put("a", "x".repeat(9));
    assertFalse(cache.put("b", "x".repeat(30)));
    assertNull(cache.get("b"));
    assertEquals(10, cache.bytes());
    cache.put("a", "x");
    assertEquals(2, cache.bytes());
    assertEquals("x", cache.remove("a"));
    assertEquals(0, cache.bytes());
  }

  @Test
  void boundsEntriesTooAndDropsStaleEldestEntries() {
    BoundedCache<String, String> cache = cache(2, 1_000);
    cache.put("a", "old");
    cache.put("b", "old");
    cache.put("c", "new");
    assertEquals(2, cache.size());
    assertNull(cache.get("a"));
    cache.dropEldestWhile("old"::equals);
    assertEquals(1, cache.size());
    assertEquals("new", cache.get("c"));
  }
}
