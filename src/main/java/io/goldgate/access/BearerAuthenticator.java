package io.goldgate.access;

import io.goldgate.GoldgateException;
import io.goldgate.catalog.CatalogHolder;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;

/** Turns an {@code Authorization: Bearer} header into the recipient it belongs to. */
@ApplicationScoped
public class BearerAuthenticator {

  private final CatalogHolder catalog;
  private final Clock clock;

  @jakarta.inject.Inject
  public BearerAuthenticator(CatalogHolder catalog) {
    this(catalog, Clock.systemUTC());
  }

  BearerAuthenticator(CatalogHolder catalog, Clock clock) {
    this.catalog = catalog;
    this.clock = clock;
  }

  public Recipient authenticate(String authorizationHeader) {
    if (authorizationHeader == null || authorizationHeader.isBlank()) {
      throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "Missing bearer token: send 'Authorization: Bearer <token>'");
    }
    String header = authorizationHeader.strip();
    if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "The Authorization header must use the Bearer scheme");
    }
    byte[] presented = sha256(header.substring(7).strip());
    // Every stored hash is compared, with no early exit, so the time taken says nothing about
    // which recipient (if any) matched.
    Recipient match = null;
    Recipient.Token matchedToken = null;
    for (Recipient recipient : catalog.catalog().recipients()) {
      for (Recipient.Token token : recipient.tokens()) {
        if (MessageDigest.isEqual(presented, token.sha256()) && match == null) {
          match = recipient;
          matchedToken = token;
        }
      }
    }
    if (match == null) {
      throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "Unknown bearer token");
    }
    Instant expiresAt = matchedToken.expiresAt();
    if (expiresAt != null && !clock.instant().isBefore(expiresAt)) {
      throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "The bearer token expired at " + expiresAt);
    }
    return match;
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
