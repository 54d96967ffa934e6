package io.goldgate;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Thread-safe caches that forget their least recently used entries beyond a bound.
 *
 * <p>{@link #lru} bounds entries only: use it where every entry has a small fixed size. A cache
 * whose keys or values come from a request, and so can be as large as a request, is bounded in
 * bytes too ({@link #weighed}): a count alone lets a few large requests fill the heap.
 */
public final class BoundedCache<K, V> {

  /** An estimate of what an entry holds on the heap, in bytes. */
  @FunctionalInterface
  public interface Weigher<K, V> {
    long bytes(K key, V value);
  }

  private record Entry<V>(V value, long bytes) {}

  private final LinkedHashMap<K, Entry<V>> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final int maxEntries;
  private final long maxBytes;
  private final Weigher<K, V> weigher;
  private long bytes;

  private BoundedCache(int maxEntries, long maxBytes, Weigher<K, V> weigher) {
    if (maxEntries < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("a cache must hold at least one entry and one byte");
    }
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.weigher = weigher;
  }

  /** A map of at most {@code maxEntries} entries, for entries of a small fixed size. */
  public static <K, V> Map<K, V> lru(int maxEntries) {
    return Collections.synchronizedMap(
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > maxEntries;
          }
        });
  }

  /** A cache of at most {@code maxEntries} entries weighing at most {@code maxBytes} together. */
  public static <K, V> BoundedCache<K, V> weighed(int maxEntries, long maxBytes, Weigher<K, V> weigher) {
    return new BoundedCache<>(maxEntries, maxBytes, weigher);
  }

  public synchronized V get(K key) {
    Entry<V> entry = entries.get(key);
    return entry == null ? null : entry.value();
  }

  /** Whether the key is cached, without counting as a use. */
  public synchronized boolean containsKey(K key) {
    return entries.containsKey(key);
  }

  /**
   * Keeps the entry, forgetting the least recently used ones until the bounds hold again.
   *
   * @return false when the entry alone weighs more than the whole cache may, and is not kept
   */
  public synchronized boolean put(K key, V value) {
    long weight = weigher.bytes(key, value);
    remove(key);
    if (weight > maxBytes) {
      return false;
    }
    entries.put(key, new Entry<>(value, weight));
    bytes += weight;
    Iterator<Entry<V>> eldest = entries.values().iterator();
    while ((bytes > maxBytes || entries.size() > maxEntries) && eldest.hasNext()) {
      bytes -= eldest.next().bytes();
      eldest.remove();
    }
    return true;
  }

  public synchronized V remove(K key) {
    Entry<V> removed = entries.remove(key);
    if (removed == null) return null;
    bytes -= removed.bytes();
    return removed.value();
  }

  /** Forgets entries from the least recently used on, as long as {@code stale} holds for them. */
  public synchronized void dropEldestWhile(Predicate<V> stale) {
    Iterator<Entry<V>> eldest = entries.values().iterator();
    while (eldest.hasNext()) {
      Entry<V> entry = eldest.next();
      if (!stale.test(entry.value())) return;
      bytes -= entry.bytes();
      eldest.remove();
    }
  }

  public synchronized int size() {
    return entries.size();
  }

  /** What the entry of {@code key} weighed when it was last put, or -1 when it is not cached. */
  public synchronized long bytesOf(K key) {
    Entry<V> entry = entries.get(key);
    return entry == null ? -1 : entry.bytes();
  }

  /** What the entries weigh together, by the weigher's estimate. */
  public synchronized long bytes() {
    return bytes;
  }

  public long maxBytes() {
    return maxBytes;
  }
}
