package io.goldgate.access;

import io.goldgate.redis.RedisConnection;
import io.lettuce.core.SetArgs;
import java.util.HashMap;
import java.util.Map;

/**
 * Console sessions that were signed out before their expiry, by nonce, until that expiry: in this
 * replica's heap always, and in Redis (key {@code goldgate:console:revoked:<nonce>}, with a TTL
 * ending at the session's expiry) when one is configured, so that every replica refuses a session
 * signed out on any of them.
 *
 * <p>The heap set is bounded ({@link #MAX_LOCAL}). Expired entries are dropped when it is full; if
 * it is still full, every session that exists ends at once (a floor: each session expiring no later
 * than the longest lifetime from now is refused), rather than forgetting a sign-out. Only a signed-in
 * operator can sign out, so reaching the bound takes that many sign-outs within one session lifetime.
 */
final class RevokedSessions {

  /** Sign-outs remembered in the heap at once. */
  static final int MAX_LOCAL = 10_000;
  static final String REDIS_PREFIX = "goldgate:console:revoked:";

  private final RedisConnection redis;
  private final int maxLocal;
  /** Nonce -> the session's expiry, epoch seconds. */
  private final Map<String, Long> local = new HashMap<>();
  /** Sessions expiring at or before this epoch second are refused (set on overflow only). */
  private long floor = Long.MIN_VALUE;

  RevokedSessions(RedisConnection redis, int maxLocal) {
    this.redis = redis;
    this.maxLocal = maxLocal;
  }

  /**
   * Remembers the sign-out of the session {@code nonce}, which expires at {@code expiresAt}. Redis
   * first: if it cannot be told, nothing changes and the caller answers 503, so the operator tries
   * again rather than believing a session ended that other replicas still accept.
   *
   * @param latestExpiry the latest expiry any session alive now can have (now plus the lifetime)
   * @throws io.goldgate.redis.RedisUnavailableException when Redis is configured and does not answer
   */
  void revoke(String nonce, long expiresAt, long nowSeconds, long latestExpiry) {
    long ttlSeconds = expiresAt - nowSeconds;
    if (ttlSeconds <= 0) {
      return;
    }
    if (redis.configured()) {
      redis.await(redis.strings().set(REDIS_PREFIX + nonce, "1", SetArgs.Builder.ex(ttlSeconds)));
    }
    synchronized (this) {
      if (local.size() >= maxLocal) {
        local.values().removeIf(expiry -> expiry <= nowSeconds);
      }
      if (local.size() >= maxLocal) {
        local.clear();
        floor = Math.max(floor, latestExpiry);
        return;
      }
      local.put(nonce, expiresAt);
    }
  }

  /**
   * Whether the session {@code nonce} was signed out.
   *
   * @throws io.goldgate.redis.RedisUnavailableException when Redis is configured and does not answer
   */
  boolean revoked(String nonce, long expiresAt) {
    synchronized (this) {
      if (expiresAt <= floor || local.containsKey(nonce)) {
        return true;
      }
    }
    return redis.configured() && redis.await(redis.strings().exists(REDIS_PREFIX + nonce)) > 0;
  }

  /** Sign-outs held in the heap (bounded by {@link #MAX_LOCAL}). */
  synchronized int size() {
    return local.size();
  }
}
