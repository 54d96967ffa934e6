package io.goldgate.access;

import io.goldgate.GoldgateException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Turns an {@code Authorization: Bearer} header into the recipient it belongs to: one declared in
 * the share catalog, or one created through the admin API (the {@link RecipientStore}). The bearer
 * credential is either one of the recipient's opaque tokens or a signed access token ({@link
 * SignedTokens}: the gateway's own, or a federated identity provider's). Then checks the recipient
 * may connect from the client's address. Every face authenticates here, so each credential means the
 * same on all of them.
 */
@ApplicationScoped
public class BearerAuthenticator {

  private final DeclaredRecipients catalog;
  private final RecipientStore store;
  private final SignedTokens signed;
  private final Supplier<String> httpClientAddress;
  private final Clock clock;

  @jakarta.inject.Inject
  public BearerAuthenticator(
      DeclaredRecipients catalog, RecipientStore store, SignedTokens signed, CurrentVertxRequest currentRequest, TrustedProxies proxies) {
    this(catalog, store, signed, proxies.currentClientAddress(currentRequest), Clock.systemUTC());
  }

  BearerAuthenticator(DeclaredRecipients catalog, RecipientStore store, SignedTokens signed, Supplier<String> httpClientAddress, Clock clock) {
    this.catalog = catalog;
    this.store = store;
    this.signed = signed;
    this.httpClientAddress = httpClientAddress;
    this.clock = clock;
  }

  /** Authenticates the current HTTP request, from the client address {@link TrustedProxies} resolves. */
  public Principal authenticate(String authorizationHeader) {
    Principal principal = principalOf(authorizationHeader);
    if (!principal.recipient().ipAllowList().isEmpty()) {
      checkHttpAddress(principal.recipient(), httpClientAddress.get());
    }
    return principal;
  }

  /**
   * Authenticates an HTTP call from {@code address} (null when unknown) without blocking the
   * calling thread: a catalog token is answered at once; a runtime token, which may need the
   * recipient store (Redis), and a signed token, which may need the store or an identity provider's
   * keys, are checked on {@code lookups}.
   */
  public CompletionStage<Principal> authenticateWithoutBlocking(String authorizationHeader, String address, Executor lookups) {
    String token;
    byte[] presented;
    try {
      token = presentedToken(authorizationHeader);
      if (SignedTokens.looksSigned(token)) {
        return CompletableFuture.supplyAsync(() -> {
          Principal principal = signed.authenticate(token);
          checkHttpAddress(principal.recipient(), address);
          return principal;
        }, lookups);
      }
      presented = Secrets.sha256(token);
      Recipient declared = declaredRecipient(presented, clock.instant());
      if (declared != null) {
        checkHttpAddress(declared, address);
        return CompletableFuture.completedFuture(Principal.of(declared));
      }
    } catch (GoldgateException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.supplyAsync(() -> {
      Recipient stored = storedRecipient(presented, clock.instant());
      checkHttpAddress(stored, address);
      return Principal.of(stored);
    }, lookups);
  }

  private static void checkHttpAddress(Recipient recipient, String address) {
    if (!recipient.ipAllowList().isEmpty()) {
      checkAddress(recipient, IpRange.literal(address), address);
    }
  }

  /** Authenticates a call that arrived from {@code client} (null when unknown). */
  public Principal authenticate(String authorizationHeader, InetAddress client) {
    Principal principal = principalOf(authorizationHeader);
    checkAddress(principal.recipient(), client, client == null ? null : client.getHostAddress());
    return principal;
  }

  private static void checkAddress(Recipient recipient, InetAddress client, String clientText) {
    if (!recipient.mayConnectFrom(client)) {
      throw new GoldgateException(
          GoldgateException.Kind.PERMISSION_DENIED,
          "Recipient '" + recipient.name() + "' may not connect from " + (clientText == null ? "an unknown address" : clientText)
              + ": the address is not in its IP allow-list");
    }
  }

  private Principal principalOf(String authorizationHeader) {
    String token = presentedToken(authorizationHeader);
    if (SignedTokens.looksSigned(token)) {
      return signed.authenticate(token);
    }
    byte[] presented = Secrets.sha256(token);
    Instant now = clock.instant();
    Recipient declared = declaredRecipient(presented, now);
    return Principal.of(declared != null ? declared : storedRecipient(presented, now));
  }

  private static String presentedToken(String authorizationHeader) {
    return BearerHeaders.token(authorizationHeader, "Missing bearer token: send 'Authorization: Bearer <token>'");
  }

  /** The catalog recipient holding the token, or null when the catalog has no such token. */
  private Recipient declaredRecipient(byte[] presented, Instant now) {
    // Every declared hash is compared, with no early exit, so the time taken says nothing about
    // which recipient (if any) matched.
    Recipient match = null;
    Recipient.Token matchedToken = null;
    for (Recipient recipient : catalog.declared()) {
      for (Recipient.Token token : recipient.tokens()) {
        // A client secret is for the token endpoint only; as a bearer token it is unknown.
        if (MessageDigest.isEqual(presented, token.sha256()) && token.kind() == CredentialKind.BEARER_TOKEN && match == null) {
          match = recipient;
          matchedToken = token;
        }
      }
    }
    if (match != null) {
      Instant expiresAt = matchedToken.expiresAt();
      if (expiresAt != null && !now.isBefore(expiresAt)) {
        throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "The bearer token expired at " + expiresAt);
      }
      return match;
    }
    return null;
  }

  private Recipient storedRecipient(byte[] presented, Instant now) {
    // Runtime recipients are looked up by hash: knowing how long that takes tells nothing about
    // a token without a pre-image of its SHA-256.
    String hash = HexFormat.of().formatHex(presented);
    Optional<StoredRecipient> stored = store.findByTokenHash(hash);
    StoredRecipient.StoredToken token =
        stored.flatMap(r -> r.token(hash)).filter(t -> t.kind() == CredentialKind.BEARER_TOKEN).orElse(null);
    if (token == null) {
      throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "Unknown bearer token");
    }
    if (token.revokedAt() != null && !now.isBefore(token.revokedAt())) {
      throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "The bearer token was revoked at " + token.revokedAt());
    }
    if (token.expiresAt() != null && !now.isBefore(token.expiresAt())) {
      throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "The bearer token expired at " + token.expiresAt());
    }
    String name = stored.get().name();
    if (catalog.shadows(name)) {
      throw new GoldgateException(
          GoldgateException.Kind.UNAUTHENTICATED, "This token's recipient '" + name + "' is now declared in the share catalog; use that recipient's token");
    }
    return stored.get().toRecipient();
  }

}
