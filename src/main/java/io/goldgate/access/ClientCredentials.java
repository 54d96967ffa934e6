package io.goldgate.access;

import io.goldgate.GoldgateException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The OAuth 2.0 client credentials grant (RFC 6749 section 4.4): a recipient's client id (its
 * name) and one of its client secrets buy a short-lived access token. The secret itself is sent
 * only here, never on data requests.
 */
@ApplicationScoped
public class ClientCredentials {

  private final DeclaredRecipients catalog;
  private final RecipientStore store;
  private final AccessTokens tokens;
  private final Supplier<String> clientAddress;
  private final Clock clock;

  @jakarta.inject.Inject
  public ClientCredentials(
      DeclaredRecipients catalog, RecipientStore store, AccessTokens tokens, CurrentVertxRequest currentRequest, TrustedProxies proxies) {
    this(catalog, store, tokens, proxies.currentClientAddress(currentRequest), Clock.systemUTC());
  }

  /** @param clientAddress the caller's address (null when unknown), checked against the IP allow-list */
  ClientCredentials(DeclaredRecipients catalog, RecipientStore store, AccessTokens tokens, Supplier<String> clientAddress, Clock clock) {
    this.catalog = catalog;
    this.store = store;
    this.tokens = tokens;
    this.clientAddress = clientAddress;
    this.clock = clock;
  }

  /**
   * An access token for the recipient named {@code clientId}, when {@code clientSecret} is one of
   * its working client secrets.
   *
   * @throws GoldgateException UNAUTHENTICATED, with one message for every way the pair is wrong
   *     and for a caller outside the recipient's IP allow-list: a leaked secret tried from elsewhere
   *     must not learn that it is right
   */
  public AccessTokens.Issued grant(String clientId, String clientSecret) {
    if (clientId == null || clientId.isEmpty() || clientSecret == null || clientSecret.isEmpty()) {
      throw invalidClient();
    }
    byte[] presented = Secrets.sha256(clientSecret);
    Instant now = clock.instant();
    // A declared recipient shadows a stored one of its name; both are checked as a Recipient,
    // whose secrets end at their expiry or revocation, whichever is first.
    Recipient recipient =
        catalog.declared(clientId)
            .or(() -> store.get(clientId.toLowerCase(Locale.ROOT)).map(StoredRecipient::toRecipient))
            .orElseThrow(ClientCredentials::invalidClient);
    if (!recipient.mayConnectFrom(IpRange.literal(clientAddress.get()))) {
      throw invalidClient();
    }
    Recipient.Token match = null;
    // Every secret is compared, with no early exit: the time taken tells nothing about which.
    for (Recipient.Token t : recipient.tokens()) {
      if (t.kind() == CredentialKind.CLIENT_SECRET && MessageDigest.isEqual(presented, t.sha256()) && match == null) {
        match = t;
      }
    }
    if (match == null || (match.expiresAt() != null && !now.isBefore(match.expiresAt()))) {
      throw invalidClient();
    }
    return tokens.issue(recipient.name(), presented, match.expiresAt());
  }

  private static GoldgateException invalidClient() {
    return new GoldgateException(
        GoldgateException.Kind.UNAUTHENTICATED,
        "Unknown client, a client secret that is wrong, expired or revoked, or an address the client may not connect from");
  }
}
