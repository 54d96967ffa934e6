package io.goldgate.storage.azure;

import com.azure.storage.blob.models.UserDelegationKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The user delegation key of one storage account, which user delegation SAS URLs are signed with.
 * A URL dies with its key, so the key handed out must outlive the URL: one is fetched for nearly
 * Azure's 7-day maximum and kept until less than a URL's lifetime and a margin remain, so a key is
 * fetched about once a week per account rather than once per URL.
 */
final class DelegationKeys {

  /** How long a key is asked for: under Azure's 7-day cap with room for our clock running ahead. */
  static final Duration KEY_LIFETIME = Duration.ofDays(7).minusHours(1);

  /** A key is renewed when it would expire less than this after a URL signed now. */
  static final Duration RENEW_MARGIN = Duration.ofHours(1);

  /**
   * Keys (and URLs) start this far in the past: a store whose clock runs behind ours would
   * otherwise refuse a key or URL as not valid yet for those minutes.
   */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** Fetches a key from the account (Get User Delegation Key). */
  @FunctionalInterface
  interface Source {
    UserDelegationKey fetch(OffsetDateTime start, OffsetDateTime expiry);
  }

  private final Source source;
  private final Clock clock;
  private UserDelegationKey key;
  private Instant keyExpiry;

  DelegationKeys(Source source, Clock clock) {
    this.source = source;
    this.clock = clock;
  }

  /** A key valid until at least {@code ttl} from now, fetched only when the one held is not. */
  synchronized UserDelegationKey covering(Duration ttl) {
    Instant now = clock.instant();
    if (ttl.plus(RENEW_MARGIN).compareTo(KEY_LIFETIME) > 0) {
      throw new IllegalArgumentException("A user delegation SAS cannot live " + ttl + ": Azure caps its key at 7 days");
    }
    if (key == null || keyExpiry.isBefore(now.plus(ttl).plus(RENEW_MARGIN))) {
      OffsetDateTime start = now.minus(CLOCK_SKEW).atOffset(ZoneOffset.UTC).withNano(0);
      OffsetDateTime expiry = now.plus(KEY_LIFETIME).atOffset(ZoneOffset.UTC).withNano(0);
      UserDelegationKey fetched = source.fetch(start, expiry);
      key = fetched;
      keyExpiry = fetched.getSignedExpiry() != null ? fetched.getSignedExpiry().toInstant() : expiry.toInstant();
      if (keyExpiry.isBefore(now.plus(ttl))) {
        throw new IllegalStateException("The storage account gave a user delegation key that expires at " + keyExpiry + ", before a URL signed now would");
      }
    }
    return key;
  }
}
