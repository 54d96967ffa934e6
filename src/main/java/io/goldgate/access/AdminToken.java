package io.goldgate.access;

import io.goldgate.config.GoldgateConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.MessageDigest;

/**
 * The operator token ({@code goldgate.admin.token}), the one credential of the admin API and of
 * the console's sign-in. Only this token is ever compared, in constant time, so no recipient
 * token can open either. Kept as its SHA-256 only.
 */
@Startup
@ApplicationScoped
public class AdminToken {

  /** Shortest operator token accepted: a forgotten placeholder must never guard the operator API. */
  public static final int MIN_LENGTH = 32;

  private final byte[] hash;
  private final String fingerprint;

  @Inject
  public AdminToken(GoldgateConfig config) {
    this(config.admin().token().filter(t -> !t.isBlank()).orElse(null));
  }

  /** @param token the operator token, or null when none is configured (then nothing matches) */
  public AdminToken(String token) {
    if (token != null && token.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("goldgate.admin.token must be at least " + MIN_LENGTH + " characters");
    }
    this.hash = token == null ? null : Secrets.sha256(token);
    // A hash of the hash: what console sessions are bound to, so that no value derived from the
    // token in a reversible way is ever mixed into anything else.
    this.fingerprint = token == null ? null : Secrets.sha256Hex(Secrets.sha256Hex(token));
  }

  /** Whether an operator token is configured at all. */
  public boolean configured() {
    return hash != null;
  }

  /** Whether {@code candidate} is the operator token (constant time in the candidate's hash). */
  public boolean matches(String candidate) {
    return hash != null && candidate != null && MessageDigest.isEqual(hash, Secrets.sha256(candidate));
  }

  /**
   * Stands for the current token inside the signature of a console session: a session signed under
   * one token does not verify under another, so changing the token ends every session. Never sent
   * anywhere. Null when no token is configured.
   */
  String fingerprint() {
    return fingerprint;
  }
}
