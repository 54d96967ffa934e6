package io.goldgate.sharing;

import io.goldgate.BoundedCache;
import io.goldgate.GoldgateException;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.redis.RedisConnection;
import io.goldgate.redis.RedisUnavailableException;
import io.lettuce.core.SetArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The requests of submitted asynchronous queries, by the random name in their id, until they
 * expire. In Redis (key {@code goldgate:async-queries:<name>}, with a TTL) when one is configured,
 * so a poll may reach any replica; else in this replica's heap, bounded in bytes by {@code
 * goldgate.sharing.async-query-memory}.
 */
@ApplicationScoped
public class AsyncQueryStore {

  static final String PREFIX = "goldgate:async-queries:";
  /** Per entry beyond its request: the name, the map entry, the array header. */
  private static final long ENTRY_OVERHEAD = 200;

  private record Stored(byte[] request, long expires) {}

  private final RedisConnection redis;
  private final BoundedCache<String, Stored> local;
  private final Clock clock = Clock.systemUTC();

  public AsyncQueryStore(GoldgateConfig config, RedisConnection redis) {
    this.redis = redis;
    long maxBytes = config.sharing().asyncQueryMemory().asLongValue();
    if (maxBytes < 1) {
      throw new IllegalArgumentException("goldgate.sharing.async-query-memory must be positive, got " + maxBytes);
    }
    this.local = BoundedCache.weighed(Integer.MAX_VALUE, maxBytes, (name, stored) -> ENTRY_OVERHEAD + 2L * name.length() + stored.request().length);
  }

  void put(String name, byte[] request, long expires) {
    if (redis.configured()) {
      long ttl = Math.max(1, expires - clock.millis());
      try {
        redis.await(redis.strings().set(PREFIX + name, new String(request, StandardCharsets.UTF_8), SetArgs.Builder.px(ttl)));
      } catch (RedisUnavailableException e) {
        throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "The async query store is unavailable: " + e.getMessage(), e);
      }
      return;
    }
    long now = clock.millis();
    local.dropEldestWhile(stored -> stored.expires() <= now);
    if (!local.put(name, new Stored(request, expires))) {
      throw GoldgateException.invalid(
          "This query's request takes " + request.length + " bytes, more than goldgate.sharing.async-query-memory (" + local.maxBytes()
              + " bytes) holds; send it without asyncquery or with shorter predicate hints");
    }
  }

  /** The request stored under {@code name}, or null when it expired or was forgotten. */
  byte[] get(String name) {
    if (redis.configured()) {
      String request;
      try {
        request = redis.await(redis.strings().get(PREFIX + name));
      } catch (RedisUnavailableException e) {
        throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "The async query store is unavailable: " + e.getMessage(), e);
      }
      return request == null ? null : request.getBytes(StandardCharsets.UTF_8);
    }
    Stored stored = local.get(name);
    if (stored == null) return null;
    if (stored.expires() <= clock.millis()) {
      local.remove(name);
      return null;
    }
    return stored.request();
  }

  /** What the requests held on this replica weigh, by estimate (0 with Redis). */
  long heldBytes() {
    return local.bytes();
  }
}
