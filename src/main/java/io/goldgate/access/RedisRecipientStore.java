package io.goldgate.access;

import io.goldgate.GoldgateException;
import io.goldgate.redis.RedisConnection;
import io.goldgate.redis.RedisUnavailableException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Recipients in Redis, shared by every replica. Three hashes and a set per federated issuer:
 *
 * <ul>
 *   <li>{@code goldgate:recipients:records}: name to the recipient's JSON;
 *   <li>{@code goldgate:recipients:tokens}: token SHA-256 (hex) to name;
 *   <li>{@code goldgate:recipients:activations}: activation code SHA-256 (hex) to name;
 *   <li>{@code goldgate:recipients:issuer:<SHA-256 of the issuer>}: the names of the recipients
 *       with a federation policy naming that issuer.
 * </ul>
 *
 * The record is the truth; the indexes only say where to look, and a look-up checks the
 * record really holds the hash or the issuer. So they are written in an order that is safe without transactions
 * (which Redis Cluster does not offer across keys): new hashes are indexed before the record
 * changes, dropped ones are un-indexed after. The record itself changes by compare-and-set in one
 * Lua script on its one key, so concurrent changes from two replicas never lose one another.
 */
public final class RedisRecipientStore implements RecipientStore {

  public static final String PREFIX = "goldgate:recipients:";
  static final String RECORDS = PREFIX + "records";
  static final String TOKENS = PREFIX + "tokens";
  static final String ACTIVATIONS = PREFIX + "activations";
  static final String ISSUER = PREFIX + "issuer:";

  /** Sets field ARGV[1] to ARGV[3] (deletes it when empty) only if it still holds ARGV[2] ('' = absent). */
  private static final String COMPARE_AND_SET =
      """
      local current = redis.call('HGET', KEYS[1], ARGV[1])
      if not current then current = '' end
      if current ~= ARGV[2] then return 0 end
      if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
      return 1
      """;

  private static final int MAX_ATTEMPTS = 20;

  private final RedisConnection redis;

  public RedisRecipientStore(RedisConnection redis) {
    this.redis = redis;
  }

  private RedisClusterAsyncCommands<String, String> commands() {
    return redis.strings();
  }

  /** Redis trouble becomes a 503 the caller can retry, never a 500. */
  private <T> T call(Supplier<T> action) {
    try {
      return action.get();
    } catch (RedisUnavailableException e) {
      throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "The recipient store is unavailable: " + e.getMessage(), e);
    }
  }

  @Override
  public List<StoredRecipient> list() {
    return call(() -> {
      Map<String, String> all = redis.await(commands().hgetall(RECORDS));
      var sorted = new TreeMap<String, StoredRecipient>();
      all.forEach((name, json) -> sorted.put(name, RecipientJson.read(json)));
      return List.copyOf(sorted.values());
    });
  }

  @Override
  public Optional<StoredRecipient> get(String name) {
    return call(() -> Optional.ofNullable(redis.await(commands().hget(RECORDS, name))).map(RecipientJson::read));
  }

  @Override
  public Optional<StoredRecipient> findByTokenHash(String sha256Hex) {
    return findVia(TOKENS, sha256Hex).filter(r -> r.tokenHashes().contains(sha256Hex));
  }

  @Override
  public Optional<StoredRecipient> findByActivationHash(String sha256Hex) {
    return findVia(ACTIVATIONS, sha256Hex).filter(r -> sha256Hex.equals(r.activationHash()));
  }

  @Override
  public List<StoredRecipient> findByIssuer(String issuer) {
    return call(() -> {
      long deadline = System.nanoTime() + redis.timeout().toNanos();
      Set<String> names = redis.await(commands().smembers(issuerKey(issuer)), deadline);
      if (names == null || names.isEmpty()) {
        return List.of();
      }
      var found = new TreeMap<String, StoredRecipient>();
      for (var value : redis.await(commands().hmget(RECORDS, names.toArray(String[]::new)), deadline)) {
        if (value.hasValue()) {
          StoredRecipient r = RecipientJson.read(value.getValue());
          if (r.federationIssuers().contains(issuer)) {
            found.put(r.name(), r);
          }
        }
      }
      return List.copyOf(found.values());
    });
  }

  private static String issuerKey(String issuer) {
    return ISSUER + Secrets.sha256Hex(issuer);
  }

  private Optional<StoredRecipient> findVia(String index, String hash) {
    return call(() -> {
      long deadline = System.nanoTime() + redis.timeout().toNanos();
      String name = redis.await(commands().hget(index, hash), deadline);
      if (name == null) {
        return Optional.empty();
      }
      return Optional.ofNullable(redis.await(commands().hget(RECORDS, name), deadline)).map(RecipientJson::read);
    });
  }

  @Override
  public boolean create(StoredRecipient recipient) {
    return call(() -> {
      // A create under a taken name is refused before anything is indexed: the issuers it would
      // index are left behind when it loses (see replace), naming a recipient that never had them.
      if (Boolean.TRUE.equals(redis.await(commands().hexists(RECORDS, recipient.name())))) {
        return false;
      }
      return replace(recipient.name(), null, recipient);
    });
  }

  @Override
  public Optional<StoredRecipient> update(String name, UnaryOperator<StoredRecipient> change) {
    return call(() -> {
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        String json = redis.await(commands().hget(RECORDS, name));
        if (json == null) {
          return Optional.empty();
        }
        StoredRecipient changed = change.apply(RecipientJson.read(json));
        if (replace(name, json, changed)) {
          return Optional.of(changed);
        }
      }
      throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "Recipient '" + name + "' is being changed by others: try again");
    });
  }

  @Override
  public boolean delete(String name) {
    return call(() -> {
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        String json = redis.await(commands().hget(RECORDS, name));
        if (json == null) {
          return false;
        }
        if (replace(name, json, null)) {
          return true;
        }
      }
      throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "Recipient '" + name + "' is being changed by others: try again");
    });
  }

  /**
   * Index new hashes, compare-and-set the record, then un-index the hashes no longer held.
   *
   * @param expectedJson the record as read, null when it must not exist yet
   * @param next the new state, null to delete
   * @return false when the record was not as expected (nothing changed)
   */
  private boolean replace(String name, String expectedJson, StoredRecipient next) {
    StoredRecipient previous = expectedJson == null ? null : RecipientJson.read(expectedJson);
    Set<String> oldTokens = previous == null ? Set.of() : previous.tokenHashes();
    Set<String> newTokens = next == null ? Set.of() : next.tokenHashes();
    String oldActivation = previous == null ? null : previous.activationHash();
    String newActivation = next == null ? null : next.activationHash();

    Set<String> addedTokens = new HashSet<>(newTokens);
    addedTokens.removeAll(oldTokens);
    boolean activationAdded = newActivation != null && !newActivation.equals(oldActivation);
    for (String hash : addedTokens) {
      redis.await(commands().hset(TOKENS, hash, name));
    }
    Set<String> oldIssuers = previous == null ? Set.of() : previous.federationIssuers();
    Set<String> newIssuers = next == null ? Set.of() : next.federationIssuers();
    for (String issuer : newIssuers) {
      // Also re-added when already there: a lost race below leaves it, and a look-up skips a
      // recipient whose record no longer names the issuer.
      redis.await(commands().sadd(issuerKey(issuer), name));
    }
    if (activationAdded) {
      redis.await(commands().hset(ACTIVATIONS, newActivation, name));
    }

    String nextJson = next == null ? "" : RecipientJson.write(next);
    Long swapped =
        redis.await(
            commands().eval(COMPARE_AND_SET, ScriptOutputType.INTEGER, new String[] {RECORDS}, name, expectedJson == null ? "" : expectedJson, nextJson));
    if (swapped == null || swapped == 0) {
      // Lost the race: take back what was indexed for a state that never came to be.
      for (String hash : addedTokens) {
        redis.await(commands().hdel(TOKENS, hash));
      }
      if (activationAdded) {
        redis.await(commands().hdel(ACTIVATIONS, newActivation));
      }
      return false;
    }
    Set<String> droppedTokens = new HashSet<>(oldTokens);
    droppedTokens.removeAll(newTokens);
    if (!droppedTokens.isEmpty()) {
      redis.await(commands().hdel(TOKENS, droppedTokens.toArray(String[]::new)));
    }
    if (oldActivation != null && !oldActivation.equals(newActivation)) {
      redis.await(commands().hdel(ACTIVATIONS, oldActivation));
    }
    Set<String> droppedIssuers = new HashSet<>(oldIssuers);
    droppedIssuers.removeAll(newIssuers);
    if (!droppedIssuers.isEmpty()) {
      for (String issuer : droppedIssuers) {
        redis.await(commands().srem(issuerKey(issuer), name));
      }
      // A change from another replica may have named an issuer again in between: the record
      // decides, so put back what it still names.
      String current = redis.await(commands().hget(RECORDS, name));
      if (current != null) {
        for (String issuer : RecipientJson.read(current).federationIssuers()) {
          if (droppedIssuers.contains(issuer)) {
            redis.await(commands().sadd(issuerKey(issuer), name));
          }
        }
      }
    }
    return true;
  }

  @Override
  public String description() {
    return redis.description() + " (keys " + PREFIX + "*)";
  }
}
