package io.goldgate.storage.azure;

import io.goldgate.testing.HandClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.storage.blob.models.UserDelegationKey;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelegationKeysTest {

  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  record Asked(OffsetDateTime start, OffsetDateTime expiry) {}

  @Test
  void oneKeyServesUntilAUrlSignedWithItWouldOutliveItThenANewOneIsFetched() {
    HandClock clock = new HandClock(T0);
    List<Asked> asked = new ArrayList<>();
    DelegationKeys keys = new DelegationKeys((start, expiry) -> {
      asked.add(new Asked(start, expiry));
      return new UserDelegationKey().setSignedStart(start).setSignedExpiry(expiry).setValue("k" + asked.size());
    }, clock);

    UserDelegationKey first = keys.covering(Duration.ofHours(1));
    assertEquals(List.of(new Asked(OffsetDateTime.parse("2029-12-31T23:55:00Z"), OffsetDateTime.parse("2030-01-07T23:00:00Z"))), asked,
        "a key starts minutes back (clock skew) and lives just under Azure's 7 days");
    clock.set(T0.plus(Duration.ofDays(6)));
    assertSame(first, keys.covering(Duration.ofHours(1)), "still 23 h left: more than a URL and the margin");
    clock.set(T0.plus(Duration.ofDays(6)).plus(Duration.ofHours(21)).plusSeconds(1));
    UserDelegationKey second = keys.covering(Duration.ofHours(1));
    assertEquals("k2", second.getValue(), "less than a URL's hour and the hour of margin left: renewed");
    assertEquals(2, asked.size());
    // A longer URL renews earlier.
    clock.advance(Duration.ofDays(3));
    assertSame(second, keys.covering(Duration.ofDays(2)));
    assertEquals("k3", keys.covering(Duration.ofDays(4)).getValue());
  }

  @Test
  void aUrlLongerThanAnyKeyOrAKeyTooShortIsRefused() {
    DelegationKeys keys = new DelegationKeys((start, expiry) -> new UserDelegationKey().setSignedExpiry(start.plusMinutes(10)), new HandClock(T0));
    assertThrows(IllegalArgumentException.class, () -> keys.covering(Duration.ofDays(7)));
    IllegalStateException shortKey = assertThrows(IllegalStateException.class, () -> keys.covering(Duration.ofHours(1)));
    assertEquals("The storage account gave a user delegation key that expires at 2030-01-01T00:05:00Z, before a URL signed now would", shortKey.getMessage());
  }
}
