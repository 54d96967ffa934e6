package io.goldgate.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.goldgate.config.GoldgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The short-lived access tokens of the gateway's token endpoint: JWTs signed with HS256 under a key
 * derived from the deployment's signing key, naming the recipient and the client secret that
 * obtained them. The signature only proves the gateway issued the token; whether its recipient and
 * secret still stand is checked on every request (see {@link SignedTokens}).
 */
@ApplicationScoped
public class AccessTokens {

  /** Claim naming the client secret (by {@link CredentialKind#secretId}) that obtained the token. */
  static final String SECRET_ID = "sid";

  static final String CLIENT_ID = "client_id";

  private static final Duration MIN_LIFETIME = Duration.ofSeconds(10);
  private static final Duration MAX_LIFETIME = Duration.ofDays(1);

  private final String issuer;
  private final Duration lifetime;
  private final MACSigner signer;
  private final MACVerifier verifier;
  private final Clock clock;

  @jakarta.inject.Inject
  public AccessTokens(GoldgateConfig config, Signer keys) {
    this(config.oauth().issuer(), config.oauth().tokenLifetime(), keys, Clock.systemUTC());
  }

  public AccessTokens(String issuer, Duration lifetime, Signer keys, Clock clock) {
    if (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("goldgate.oauth.token-lifetime must be from 10 seconds to 1 day, not " + lifetime);
    }
    this.issuer = issuer;
    this.lifetime = lifetime;
    this.clock = clock;
    byte[] key = keys.deriveKey("oauth-access-token");
    try {
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalStateException("HS256 is not available", e);
    }
  }

  /** The {@code iss} of the gateway's tokens. */
  public String issuer() {
    return issuer;
  }

  /**
   * A token as the token endpoint answers it.
   *
   * @param expiresInSeconds the OAuth {@code expires_in}
   */
  public record Issued(String accessToken, long expiresInSeconds) {}

  /**
   * A new access token for {@code recipient}, ending with the configured lifetime or when the
   * client secret ends, whichever is first.
   *
   * @param secretSha256 the hash of the client secret that was presented
   * @param secretEndsAt when that secret stops working, null for never
   */
  public Issued issue(String recipient, byte[] secretSha256, Instant secretEndsAt) {
    Instant now = clock.instant();
    Instant end = now.plus(lifetime);
    if (secretEndsAt != null && secretEndsAt.isBefore(end)) {
      end = secretEndsAt;
    }
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(recipient)
            .claim(CLIENT_ID, recipient)
            .claim(SECRET_ID, CredentialKind.secretId(secretSha256))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(end))
            .jwtID(Secrets.random())
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot sign an access token", e);
    }
    long seconds = Math.max(0, Duration.between(now, end).toSeconds());
    return new Issued(jwt.serialize(), seconds);
  }

  /**
   * A token of the gateway's, with its signature and lifetime checked.
   *
   * @param recipient the recipient it was issued to
   * @param secretId the client secret that obtained it
   */
  record Verified(String recipient, String secretId) {}

  Verified verify(SignedJWT jwt, JWTClaimsSet claims, Instant now) {
    String subject = claims.getSubject();
    if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
      throw new TokenRejected(
          TokenRejected.Reason.UNSUPPORTED_ALGORITHM, "the gateway's tokens are signed with HS256", issuer, subject);
    }
    boolean valid;
    try {
      valid = jwt.verify(verifier);
    } catch (JOSEException e) {
      valid = false;
    }
    if (!valid) {
      throw new TokenRejected(TokenRejected.Reason.BAD_SIGNATURE, "the signature is not the gateway's", issuer, subject);
    }
    Date exp = claims.getExpirationTime();
    if (exp == null || !now.isBefore(exp.toInstant())) {
      throw new TokenRejected(
          TokenRejected.Reason.EXPIRED, "the access token expired" + (exp == null ? "" : " at " + exp.toInstant()) + "; fetch a new one", issuer, subject);
    }
    Object secretId = claims.getClaim(SECRET_ID);
    if (subject == null || !(secretId instanceof String sid)) {
      throw new TokenRejected(TokenRejected.Reason.MALFORMED, "the token names no recipient or client secret", issuer, subject);
    }
    return new Verified(subject, sid);
  }
}
