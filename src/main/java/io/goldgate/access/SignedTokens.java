package io.goldgate.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.goldgate.access.TokenRejected.Reason;
import io.goldgate.config.GoldgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Signed access tokens (JWTs) presented as bearer credentials: the gateway's own, from its token
 * endpoint, and identity providers' tokens of federated recipients. Checks run in an order that
 * tells an attacker nothing about who is mapped to what: the algorithm, then whether the issuer
 * is one an operator named, then the signature, then the lifetime, and only then the audience and
 * subject against the recipients' policies.
 */
@ApplicationScoped
public class SignedTokens {

  /** Longest token accepted, in characters; identity providers' tokens are 1-4 KB. */
  public static final int MAX_TOKEN_CHARS = 16 * 1024;

  /** Most keys a token without a key id is tried against. */
  private static final int MAX_KEYS_TRIED = 8;

  /** Most elements of an array claim (such as {@code groups}) looked through. */
  private static final int MAX_CLAIM_ELEMENTS = 1000;

  private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  private final DeclaredRecipients catalog;
  private final RecipientStore store;
  private final AccessTokens own;
  private final IssuerKeys keys;
  private final Duration skew;
  private final Clock clock;

  @jakarta.inject.Inject
  public SignedTokens(DeclaredRecipients catalog, RecipientStore store, AccessTokens own, IssuerKeys keys, GoldgateConfig config) {
    this(catalog, store, own, keys, config.federation().clockSkew(), Clock.systemUTC());
  }

  public SignedTokens(DeclaredRecipients catalog, RecipientStore store, AccessTokens own, IssuerKeys keys, Duration skew, Clock clock) {
    if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new IllegalArgumentException("goldgate.federation.clock-skew must be from 0 to 5 minutes, not " + skew);
    }
    this.catalog = catalog;
    this.store = store;
    this.own = own;
    this.keys = keys;
    this.skew = skew;
    this.clock = clock;
  }

  /**
   * Whether a bearer credential is a JWT rather than an opaque token: JWTs are base64url JSON
   * objects ({@code eyJ...}) in three (signed) or five (encrypted) dot-separated parts. The
   * gateway's opaque tokens are base64url without dots.
   */
  public static boolean looksSigned(String token) {
    if (!token.startsWith("eyJ")) {
      return false;
    }
    int dots = 0;
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) == '.') dots++;
    }
    return dots == 2 || dots == 4;
  }

  /** The recipient (with the token's subject and issuer) a signed token stands for. */
  public Principal authenticate(String token) {
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new TokenRejected(Reason.MALFORMED, "the token is longer than " + MAX_TOKEN_CHARS + " characters", null, null);
    }
    JWT parsed;
    JWTClaimsSet claims;
    try {
      parsed = JWTParser.parse(token);
      claims = parsed instanceof SignedJWT || parsed instanceof PlainJWT ? parsed.getJWTClaimsSet() : null;
    } catch (ParseException | RuntimeException e) {
      throw new TokenRejected(Reason.MALFORMED, "not a JWT the gateway can read", null, null);
    }
    String issuer = text(claims, "iss");
    String subject = text(claims, "sub");
    if (!(parsed instanceof SignedJWT jwt)) {
      String what = parsed instanceof PlainJWT ? "unsigned tokens (alg none)" : "encrypted tokens";
      throw new TokenRejected(Reason.UNSUPPORTED_ALGORITHM, what + " are not accepted", issuer, subject);
    }
    if (issuer == null) {
      throw new TokenRejected(Reason.MALFORMED, "the token has no issuer (iss)", null, subject);
    }
    Instant now = clock.instant();
    return issuer.equals(own.issuer()) ? ownToken(jwt, claims, now) : federated(jwt, claims, issuer, subject, now);
  }

  private Principal ownToken(SignedJWT jwt, JWTClaimsSet claims, Instant now) {
    AccessTokens.Verified verified = own.verify(jwt, claims, now);
    String name = verified.recipient();
    Optional<Recipient> declared = catalog.declared(name);
    if (declared.isPresent()) {
      boolean standing =
          declared.get().tokens().stream()
              .anyMatch(t -> t.kind() == CredentialKind.CLIENT_SECRET
                  && CredentialKind.secretId(t.sha256()).equals(verified.secretId())
                  && (t.expiresAt() == null || now.isBefore(t.expiresAt())));
      if (!standing) {
        throw new TokenRejected(Reason.REVOKED, "the client secret that obtained this token no longer works", own.issuer(), name);
      }
      return new Principal(declared.get(), name, own.issuer());
    }
    StoredRecipient stored =
        store.get(name.toLowerCase(Locale.ROOT))
            .orElseThrow(() -> new TokenRejected(Reason.UNKNOWN_RECIPIENT, "recipient '" + name + "' no longer exists", own.issuer(), name));
    StoredRecipient.StoredToken secret =
        stored.tokens().stream()
            .filter(t -> t.kind() == CredentialKind.CLIENT_SECRET && t.sha256().startsWith(verified.secretId()))
            .findFirst()
            .orElseThrow(() -> new TokenRejected(Reason.REVOKED, "the client secret that obtained this token no longer exists", own.issuer(), name));
    if (!secret.activeAt(now)) {
      String how = secret.revokedAt() != null && !now.isBefore(secret.revokedAt()) ? "was revoked at " : "stopped working at ";
      throw new TokenRejected(Reason.REVOKED, "the client secret that obtained this token " + how + secret.endsAt(), own.issuer(), name);
    }
    return new Principal(stored.toRecipient(), name, own.issuer());
  }

  private Principal federated(SignedJWT jwt, JWTClaimsSet claims, String issuer, String subject, Instant now) {
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    if (!JWSAlgorithm.RS256.equals(alg) && !JWSAlgorithm.ES256.equals(alg)) {
      throw new TokenRejected(Reason.UNSUPPORTED_ALGORITHM, "identity provider tokens must be signed with RS256 or ES256, not " + alg, issuer, subject);
    }
    List<Recipient> candidates = federatedWith(issuer);
    if (candidates.isEmpty()) {
      throw new TokenRejected(Reason.UNKNOWN_ISSUER, "no recipient signs in with issuer " + shorten(issuer), issuer, subject);
    }
    verifySignature(jwt, issuer, subject, alg);
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new TokenRejected(Reason.MALFORMED, "the token has no expiry (exp)", issuer, subject);
    }
    if (!now.isBefore(exp.toInstant().plus(skew))) {
      throw new TokenRejected(Reason.EXPIRED, "the token expired at " + exp.toInstant(), issuer, subject);
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
      throw new TokenRejected(Reason.NOT_YET_VALID, "the token is valid from " + nbf.toInstant(), issuer, subject);
    }
    List<String> audiences = claims.getAudience();
    var matched = new ArrayList<Recipient>();
    boolean subjectKnown = false;
    for (Recipient recipient : candidates) {
      for (FederationPolicy policy : recipient.federationPolicies()) {
        if (!policy.issuer().equals(issuer) || !claimHas(claims, policy.subjectClaim(), policy.subject())) {
          continue;
        }
        subjectKnown = true;
        if (audiences.stream().anyMatch(policy.audiences()::contains)) {
          matched.add(recipient);
          break;
        }
      }
    }
    if (matched.size() == 1) {
      return new Principal(matched.get(0), subject, issuer);
    }
    if (matched.size() > 1) {
      throw new TokenRejected(Reason.AMBIGUOUS_SUBJECT, "the token satisfies the federation policies of several recipients", issuer, subject);
    }
    if (subjectKnown) {
      throw new TokenRejected(
          Reason.WRONG_AUDIENCE, "the token's audience " + shorten(String.valueOf(audiences)) + " is none its recipient's policy accepts", issuer, subject);
    }
    throw new TokenRejected(Reason.WRONG_SUBJECT, "no recipient's federation policy names this token's subject", issuer, subject);
  }

  /** Declared recipients first; an API recipient the catalog shadows never signs in. */
  private List<Recipient> federatedWith(String issuer) {
    var out = new ArrayList<Recipient>();
    for (Recipient r : catalog.declared()) {
      if (r.federatesWith(issuer)) out.add(r);
    }
    for (StoredRecipient r : store.findByIssuer(issuer)) {
      if (!catalog.shadows(r.name())) out.add(r.toRecipient());
    }
    return out;
  }

  private void verifySignature(SignedJWT jwt, String issuer, String subject, JWSAlgorithm alg) {
    String kid = jwt.getHeader().getKeyID();
    List<JWK> candidates = keys.candidates(issuer, kid, alg);
    if (candidates.isEmpty()) {
      throw new TokenRejected(
          Reason.BAD_SIGNATURE, kid == null ? "the issuer has no " + alg + " key" : "the issuer has no " + alg + " key with id " + shorten(kid), issuer, subject);
    }
    for (JWK key : candidates.subList(0, Math.min(MAX_KEYS_TRIED, candidates.size()))) {
      try {
        JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
        if (jwt.verify(verifier)) {
          return;
        }
      } catch (JOSEException | ClassCastException e) {
        // a key that cannot verify this algorithm is simply not the signer
      }
    }
    throw new TokenRejected(Reason.BAD_SIGNATURE, "the signature does not verify with the issuer's keys", issuer, subject);
  }

  private static boolean claimHas(JWTClaimsSet claims, String claim, String expected) {
    Object value = claims.getClaim(claim);
    if (value instanceof String s) {
      return s.equals(expected);
    }
    if (value instanceof List<?> list) {
      int n = Math.min(list.size(), MAX_CLAIM_ELEMENTS);
      for (int i = 0; i < n; i++) {
        if (expected.equals(list.get(i))) return true;
      }
    }
    return false;
  }

  /** The claim whole (an issuer is compared with policies of up to 1024 characters); null unless a string. */
  private static String text(JWTClaimsSet claims, String name) {
    return claims != null && claims.getClaim(name) instanceof String s ? s : null;
  }

  private static String shorten(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
