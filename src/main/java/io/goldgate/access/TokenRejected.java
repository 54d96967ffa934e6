package io.goldgate.access;

import io.goldgate.GoldgateException;
import java.util.Locale;

/**
 * A signed access token (a JWT) that was refused, and the one-word reason. Each face answers it as
 * its 401 and puts the reason where clients look for it (the HTTP {@code WWW-Authenticate} header,
 * the message); the audit log keeps the issuer and subject the token claimed, never the token.
 */
public final class TokenRejected extends GoldgateException {

  /** Why a token was refused; {@link #code()} is what clients and the audit log see. */
  public enum Reason {
    /** Not a JWT, or a claim has the wrong type. */
    MALFORMED,
    /** {@code alg: none}, an HMAC algorithm from an identity provider, encryption, ... */
    UNSUPPORTED_ALGORITHM,
    /** No recipient federates with the token's issuer. */
    UNKNOWN_ISSUER,
    /** The signature does not verify with the issuer's keys (or names none of them). */
    BAD_SIGNATURE,
    EXPIRED,
    NOT_YET_VALID,
    /** The issuer is known, but the token's {@code aud} names none of the policy's audiences. */
    WRONG_AUDIENCE,
    /** The issuer is known, but no recipient's policy names the token's subject. */
    WRONG_SUBJECT,
    /** The token satisfies the federation policies of more than one recipient. */
    AMBIGUOUS_SUBJECT,
    /** A token of the gateway's whose client secret was revoked or rotated out. */
    REVOKED,
    /** A token of the gateway's whose recipient no longer exists. */
    UNKNOWN_RECIPIENT;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Longest claimed issuer or subject kept, in characters. */
  private static final int MAX_CLAIM = 200;

  private final Reason reason;
  private final String claimedIssuer;
  private final String claimedSubject;

  public TokenRejected(Reason reason, String detail, String claimedIssuer, String claimedSubject) {
    super(Kind.UNAUTHENTICATED, "Token rejected (" + reason.code() + "): " + detail);
    this.reason = reason;
    this.claimedIssuer = shorten(claimedIssuer);
    this.claimedSubject = shorten(claimedSubject);
  }

  /** Claims come from whoever made the token: kept short, as the audit log keeps them. */
  private static String shorten(String claim) {
    return claim == null || claim.length() <= MAX_CLAIM ? claim : claim.substring(0, MAX_CLAIM) + "...";
  }

  public Reason rejection() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }

  /** The {@code iss} the token claimed, unverified; null when it had none or did not parse. */
  public String claimedIssuer() {
    return claimedIssuer;
  }

  /** The {@code sub} the token claimed, unverified; null when it had none or did not parse. */
  public String claimedSubject() {
    return claimedSubject;
  }
}
