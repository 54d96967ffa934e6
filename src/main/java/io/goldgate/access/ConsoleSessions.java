package io.goldgate.access;

import io.goldgate.config.GoldgateConfig;
import io.goldgate.redis.RedisConnection;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Sessions of the operator console: a stateless cookie {@code <expiry>.<nonce>.<signature>}
 * (expiry in epoch seconds, a random nonce, the {@link Signer} signature of both for the purpose
 * {@value #SESSION_PURPOSE}), so any replica with the same signing key accepts it without shared
 * state. The signature also covers a fingerprint of the current admin token: changing {@code
 * goldgate.admin.token} (or {@code goldgate.signing.key}) ends every session. A session ends at its
 * expiry, or at sign-out, which remembers its nonce ({@link RevokedSessions}). Its CSRF token is
 * the signature of its nonce for the purpose {@value #CSRF_PURPOSE}: nothing to store, and useless
 * without the session it belongs to.
 *
 * <p>Both the console's pages and the admin API ({@code AdminAuthFilter}) check sessions here, below
 * the faces, since faces never import each other.
 */
@Startup
@ApplicationScoped
public class ConsoleSessions {

  /** The session cookie. */
  public static final String COOKIE = "goldgate_console";
  /** The header that carries the CSRF token on the admin API's state-changing calls. */
  public static final String CSRF_HEADER = "X-CSRF-Token";
  public static final Duration MIN_LIFETIME = Duration.ofMinutes(1);
  public static final Duration MAX_LIFETIME = Duration.ofDays(7);

  static final String SESSION_PURPOSE = "console-session";
  static final String CSRF_PURPOSE = "console-csrf";
  /** Clocks of replicas may disagree by this much about a session's issue time. */
  static final long CLOCK_SKEW_SECONDS = 60;

  private static final int NONCE_BYTES = 16;
  private static final int NONCE_LENGTH = 22;
  private static final int SIGNATURE_LENGTH = 43;
  private static final int MAX_EXPIRY_DIGITS = 12;
  /** Longest cookie value parsed at all; a session cookie is about 80 characters. */
  static final int MAX_COOKIE_LENGTH = MAX_EXPIRY_DIGITS + 1 + NONCE_LENGTH + 1 + SIGNATURE_LENGTH;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /**
   * One valid session.
   *
   * @param cookie the cookie's value
   * @param nonce the random part, the session's identity
   * @param expiresAt epoch seconds
   * @param csrfToken what state-changing requests of this session must carry
   */
  public record Session(String cookie, String nonce, long expiresAt, String csrfToken) {}

  private final Signer signer;
  private final AdminToken adminToken;
  private final Duration lifetime;
  private final Clock clock;
  private final RevokedSessions revoked;

  @Inject
  public ConsoleSessions(GoldgateConfig config, Signer signer, AdminToken adminToken, RedisConnection redis) {
    this(signer, adminToken, config.console().sessionLifetime(), redis, Clock.systemUTC(), RevokedSessions.MAX_LOCAL);
  }

  public ConsoleSessions(Signer signer, AdminToken adminToken, Duration lifetime, RedisConnection redis, Clock clock) {
    this(signer, adminToken, lifetime, redis, clock, RevokedSessions.MAX_LOCAL);
  }

  ConsoleSessions(Signer signer, AdminToken adminToken, Duration lifetime, RedisConnection redis, Clock clock, int maxRevoked) {
    if (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("goldgate.console.session-lifetime must be between 1m and 7d, got " + lifetime);
    }
    this.signer = signer;
    this.adminToken = adminToken;
    this.lifetime = lifetime;
    this.clock = clock;
    this.revoked = new RevokedSessions(redis, maxRevoked);
  }

  /** How long a session lasts from sign-in. */
  public Duration lifetime() {
    return lifetime;
  }

  /**
   * A new session. The caller has checked the admin token ({@link AdminToken#matches}).
   *
   * @throws IllegalStateException when no admin token is configured
   */
  public Session open() {
    if (!adminToken.configured()) {
      throw new IllegalStateException("no admin token is configured: no console session can be opened");
    }
    byte[] random = new byte[NONCE_BYTES];
    RANDOM.nextBytes(random);
    return sign(clock.instant().getEpochSecond() + lifetime.toSeconds(), B64.encodeToString(random));
  }

  private Session sign(long expiresAt, String nonce) {
    String payload = expiresAt + "." + nonce;
    String cookie = payload + "." + signer.sign(SESSION_PURPOSE, payload + "." + adminToken.fingerprint());
    return new Session(cookie, nonce, expiresAt, signer.sign(CSRF_PURPOSE, nonce));
  }

  /**
   * The session {@code cookie} stands for: signed with this deployment's key under the current admin
   * token, not expired, not signed out. Empty for anything else, a recipient's token included.
   *
   * @throws io.goldgate.redis.RedisUnavailableException when Redis is configured and cannot say
   *     whether the session was signed out
   */
  public Optional<Session> verify(String cookie) {
    if (cookie == null || cookie.length() > MAX_COOKIE_LENGTH || !adminToken.configured()) {
      return Optional.empty();
    }
    int first = cookie.indexOf('.');
    int last = cookie.lastIndexOf('.');
    if (first < 1 || first > MAX_EXPIRY_DIGITS || last - first - 1 != NONCE_LENGTH || cookie.length() - last - 1 != SIGNATURE_LENGTH) {
      return Optional.empty();
    }
    String expiry = cookie.substring(0, first);
    String nonce = cookie.substring(first + 1, last);
    if (!digits(expiry) || !urlSafe(nonce)) {
      return Optional.empty();
    }
    String payload = cookie.substring(0, last);
    if (!signer.verify(SESSION_PURPOSE, payload + "." + adminToken.fingerprint(), cookie.substring(last + 1))) {
      return Optional.empty();
    }
    long expiresAt = Long.parseLong(expiry);
    long now = clock.instant().getEpochSecond();
    // A session never outlives the lifetime configured now, even one issued under a longer one.
    if (expiresAt <= now || expiresAt > now + lifetime.toSeconds() + CLOCK_SKEW_SECONDS) {
      return Optional.empty();
    }
    if (revoked.revoked(nonce, expiresAt)) {
      return Optional.empty();
    }
    return Optional.of(new Session(cookie, nonce, expiresAt, signer.sign(CSRF_PURPOSE, nonce)));
  }

  /** Whether {@code token} is the CSRF token of {@code session} (constant time). */
  public boolean csrfMatches(Session session, String token) {
    return csrfShaped(token) && signer.verify(CSRF_PURPOSE, session.nonce(), token);
  }

  /** Whether {@code token} looks like a CSRF token at all (43 URL-safe base64 characters), whatever session it is of. */
  public static boolean csrfShaped(String token) {
    return token != null && token.length() == SIGNATURE_LENGTH && urlSafe(token);
  }

  /**
   * Ends {@code session} on every replica (those sharing this one's Redis) before its expiry.
   *
   * @throws io.goldgate.redis.RedisUnavailableException when Redis is configured and does not
   *     answer; then the session was not ended anywhere
   */
  public void close(Session session) {
    long now = clock.instant().getEpochSecond();
    revoked.revoke(session.nonce(), session.expiresAt(), now, now + lifetime.toSeconds() + CLOCK_SKEW_SECONDS);
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean urlSafe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }
}
