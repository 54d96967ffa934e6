package io.goldgate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.redis.RedisConnection;
import io.goldgate.testing.HandClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The console's session cookie and CSRF token, without a gateway: what verifies and what never does. */
class ConsoleSessionsTest {

  static final String SIGNING_KEY = "console-test-signing-key-0123456789abcdef";
  static final String ADMIN_TOKEN = "console-test-admin-token-0123456789abcdef";
  static final Duration LIFETIME = Duration.ofHours(8);
  static final RedisConnection NO_REDIS = new RedisConnection(null, false, Duration.ofMillis(500));

  private final HandClock clock = new HandClock();
  private final ConsoleSessions sessions = sessions(SIGNING_KEY, ADMIN_TOKEN, LIFETIME);

  private ConsoleSessions sessions(String signingKey, String adminToken, Duration lifetime) {
    return new ConsoleSessions(new Signer(signingKey), new AdminToken(adminToken), lifetime, NO_REDIS, clock);
  }

  @Test
  void givenANewSession_thenItsCookieIsExpiryNonceAndSignature_andItVerifiesWithItsCsrfToken() {
    ConsoleSessions.Session session = sessions.open();

    assertTrue(session.cookie().matches("[0-9]+\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}"), session.cookie());
    assertEquals(clock.instant().getEpochSecond() + LIFETIME.toSeconds(), session.expiresAt());
    assertTrue(session.cookie().startsWith(session.expiresAt() + "." + session.nonce() + "."));
    assertEquals(Optional.of(session), sessions.verify(session.cookie()));
    assertTrue(sessions.csrfMatches(session, session.csrfToken()));
    assertEquals(43, session.csrfToken().length());
  }

  @Test
  void givenTwoSessions_thenNoncesAndCsrfTokensDiffer_andOnesTokenIsNotTheOthers() {
    ConsoleSessions.Session one = sessions.open();
    ConsoleSessions.Session two = sessions.open();

    assertNotEquals(one.nonce(), two.nonce());
    assertNotEquals(one.csrfToken(), two.csrfToken());
    assertFalse(sessions.csrfMatches(one, two.csrfToken()));
    assertFalse(sessions.csrfMatches(one, null));
    assertFalse(sessions.csrfMatches(one, ""));
    assertFalse(sessions.csrfMatches(one, one.csrfToken() + "x"));
  }

  @Test
  void givenTheExpiry_whenItIsReached_thenTheSessionNoLongerVerifies() {
    ConsoleSessions.Session session = sessions.open();
    clock.advance(LIFETIME.minusSeconds(1));
    assertTrue(sessions.verify(session.cookie()).isPresent());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Optional.empty(), sessions.verify(session.cookie()));
  }

  @Test
  void givenATamperedCookie_thenItNeverVerifies() {
    String cookie = sessions.open().cookie();
    int first = cookie.indexOf('.');
    int last = cookie.lastIndexOf('.');
    long expiry = Long.parseLong(cookie.substring(0, first));

    assertEquals(Optional.empty(), sessions.verify((expiry + 3600) + cookie.substring(first)), "a later expiry");
    assertEquals(Optional.empty(), sessions.verify(cookie.substring(0, first + 1) + flip(cookie.charAt(first + 1)) + cookie.substring(first + 2)), "another nonce");
    assertEquals(Optional.empty(), sessions.verify(cookie.substring(0, last + 1) + flip(cookie.charAt(last + 1)) + cookie.substring(last + 2)), "another signature");
    assertEquals(Optional.empty(), sessions.verify(cookie + "A"));
    assertEquals(Optional.empty(), sessions.verify(cookie.substring(0, cookie.length() - 1)));
    assertEquals(Optional.empty(), sessions.verify("-" + cookie.substring(1)));
  }

  @Test
  void givenAnythingButASessionCookie_thenNothingVerifies() {
    assertEquals(Optional.empty(), sessions.verify(null));
    assertEquals(Optional.empty(), sessions.verify(""));
    assertEquals(Optional.empty(), sessions.verify("test-partner-token"));
    assertEquals(Optional.empty(), sessions.verify(ADMIN_TOKEN), "not even the admin token itself");
    assertEquals(Optional.empty(), sessions.verify("...."));
    assertEquals(Optional.empty(), sessions.verify("9".repeat(100_000)));
  }

  @Test
  void givenASessionOfAnotherAdminTokenOrSigningKey_thenItDoesNotVerify() {
    String otherToken = sessions(SIGNING_KEY, "another-admin-token-0123456789abcdefghij", LIFETIME).open().cookie();
    String otherKey = sessions("another-signing-key-0123456789abcdefghij", ADMIN_TOKEN, LIFETIME).open().cookie();

    assertEquals(Optional.empty(), sessions.verify(otherToken), "a new admin token ends every session");
    assertEquals(Optional.empty(), sessions.verify(otherKey));
  }

  @Test
  void givenASignOut_thenThatSessionEnds_andOthersGoOn() {
    ConsoleSessions.Session out = sessions.open();
    ConsoleSessions.Session on = sessions.open();

    sessions.close(out);

    assertEquals(Optional.empty(), sessions.verify(out.cookie()));
    assertEquals(Optional.of(on), sessions.verify(on.cookie()));
  }

  @Test
  void givenMoreSignOutsThanRemembered_thenEverySessionAliveEnds_ratherThanOneBeingForgotten() {
    ConsoleSessions small = new ConsoleSessions(new Signer(SIGNING_KEY), new AdminToken(ADMIN_TOKEN), LIFETIME, NO_REDIS, clock, 2);
    ConsoleSessions.Session a = small.open();
    ConsoleSessions.Session b = small.open();
    ConsoleSessions.Session c = small.open();
    ConsoleSessions.Session alive = small.open();

    small.close(a);
    small.close(b);
    assertTrue(small.verify(alive.cookie()).isPresent(), "within the bound, only the signed-out sessions end");
    small.close(c);

    assertEquals(Optional.empty(), small.verify(a.cookie()));
    assertEquals(Optional.empty(), small.verify(b.cookie()));
    assertEquals(Optional.empty(), small.verify(c.cookie()));
    assertEquals(Optional.empty(), small.verify(alive.cookie()));
    clock.advance(Duration.ofMinutes(2));
    assertTrue(small.verify(small.open().cookie()).isPresent(), "signing in again works");
  }

  @Test
  void givenExpiredSignOuts_whenTheBoundIsReached_thenTheyAreForgottenFirst() {
    ConsoleSessions small = new ConsoleSessions(new Signer(SIGNING_KEY), new AdminToken(ADMIN_TOKEN), LIFETIME, NO_REDIS, clock, 2);
    small.close(small.open());
    small.close(small.open());
    clock.advance(LIFETIME);
    ConsoleSessions.Session out = small.open();
    ConsoleSessions.Session alive = small.open();

    small.close(out);

    assertEquals(Optional.empty(), small.verify(out.cookie()));
    assertTrue(small.verify(alive.cookie()).isPresent());
  }

  @Test
  void givenAShorterLifetimeNow_thenSessionsOpenedUnderALongerOneEnd() {
    String longSession = sessions(SIGNING_KEY, ADMIN_TOKEN, Duration.ofDays(7)).open().cookie();

    assertEquals(Optional.empty(), sessions.verify(longSession));
  }

  @Test
  void givenNoAdminToken_thenNoSessionOpensOrVerifies() {
    ConsoleSessions closed = new ConsoleSessions(new Signer(SIGNING_KEY), new AdminToken((String) null), LIFETIME, NO_REDIS, clock);

    assertThrows(IllegalStateException.class, closed::open);
    assertEquals(Optional.empty(), closed.verify(sessions.open().cookie()));
  }

  @Test
  void givenALifetimeOutOfBounds_thenStartUpFails() {
    var tooShort = assertThrows(IllegalArgumentException.class, () -> sessions(SIGNING_KEY, ADMIN_TOKEN, Duration.ofSeconds(30)));
    assertEquals("goldgate.console.session-lifetime must be between 1m and 7d, got PT30S", tooShort.getMessage());
    assertThrows(IllegalArgumentException.class, () -> sessions(SIGNING_KEY, ADMIN_TOKEN, Duration.ofDays(8)));
  }

  @Test
  void givenTheAdminToken_thenOnlyItMatches() {
    AdminToken token = new AdminToken(ADMIN_TOKEN);
    assertTrue(token.matches(ADMIN_TOKEN));
    assertFalse(token.matches(ADMIN_TOKEN + " "));
    assertFalse(token.matches("test-partner-token"));
    assertFalse(token.matches(null));
    assertFalse(new AdminToken((String) null).matches(""));
    assertThrows(IllegalArgumentException.class, () -> new AdminToken("short"));
  }

  private static char flip(char c) {
    return c == 'A' ? 'B' : 'A';
  }
}
