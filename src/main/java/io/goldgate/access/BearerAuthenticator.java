package io.goldgate.access;

import io.goldgate.GoldgateException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
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
 * the share catalog, or one created through the admin API (the {@link RecipientStore}). Then checks
 * the recipient may connect from the client's address.
 */
@ApplicationScoped
public class BearerAuthenticator {

  private final DeclaredRecipients catalog;
  private final RecipientStore store;
  private final Supplier<String> httpClientAddress;
  private final Clock clock;

  @jakarta.inject.Inject
  public BearerAuthenticator(DeclaredRecipients catalog, RecipientStore store, CurrentVertxRequest currentRequest, TrustedProxies proxies) {
    this(catalog, store, () -> httpClientAddress(currentRequest, proxies), Clock.systemUTC());
  }

  BearerAuthenticator(DeclaredRecipients catalog, RecipientStore store, Supplier<String> httpClientAddress, Clock clock) {
    this.catalog = catalog;
    this.store = store;
    this.httpClientAddress = httpClientAddress;
    this.clock = clock;
  }

  /** Authenticates the current HTTP request, from the client address {@link TrustedProxies} resolves. */
  public Recipient authenticate(String authorizationHeader) {
    Recipient recipient = recipientOf(authorizationHeader);
    if (!recipient.ipAllowList().isEmpty()) {
      checkHttpAddress(recipient, httpClientAddress.get());
    }
    return recipient;
  }

  /**
   * Authenticates an HTTP call from {@code address} (null when unknown) without blocking the
   * calling thread: a catalog token is answered at once; a runtime token, which may need the
   * recipient store (Redis), is looked up on {@code lookups}.
   */
  public CompletionStage<Recipient> authenticateWithoutBlocking(String authorizationHeader, String address, Executor lookups) {
    byte[] presented;
    try {
      presented = presentedHash(authorizationHeader);
      Recipient declared = declaredRecipient(presented, clock.instant());
      if (declared != null) {
        checkHttpAddress(declared, address);
        return CompletableFuture.completedFuture(declared);
      }
    } catch (GoldgateException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.supplyAsync(() -> {
      Recipient stored = storedRecipient(presented, clock.instant());
      checkHttpAddress(stored, address);
      return stored;
    }, lookups);
  }

  private static void checkHttpAddress(Recipient recipient, String address) {
    if (!recipient.ipAllowList().isEmpty()) {
      checkAddress(recipient, IpRange.literal(address), address);
    }
  }

  /** Authenticates a call that arrived from {@code client} (null when unknown). */
  public Recipient authenticate(String authorizationHeader, InetAddress client) {
    Recipient recipient = recipientOf(authorizationHeader);
    checkAddress(recipient, client, client == null ? null : client.getHostAddress());
    return recipient;
  }

  private static void checkAddress(Recipient recipient, InetAddress client, String clientText) {
    if (!recipient.mayConnectFrom(client)) {
      throw new GoldgateException(
          GoldgateException.Kind.PERMISSION_DENIED,
          "Recipient '" + recipient.name() + "' may not connect from " + (clientText == null ? "an unknown address" : clientText)
              + ": the address is not in its IP allow-list");
    }
  }

  private Recipient recipientOf(String authorizationHeader) {
    byte[] presented = presentedHash(authorizationHeader);
    Instant now = clock.instant();
    Recipient declared = declaredRecipient(presented, now);
    return declared != null ? declared : storedRecipient(presented, now);
  }

  private static byte[] presentedHash(String authorizationHeader) {
    return Secrets.sha256(BearerHeaders.token(authorizationHeader, "Missing bearer token: send 'Authorization: Bearer <token>'"));
  }

  /** The catalog recipient holding the token, or null when the catalog has no such token. */
  private Recipient declaredRecipient(byte[] presented, Instant now) {
    // Every declared hash is compared, with no early exit, so the time taken says nothing about
    // which recipient (if any) matched.
    Recipient match = null;
    Recipient.Token matchedToken = null;
    for (Recipient recipient : catalog.declared()) {
      for (Recipient.Token token : recipient.tokens()) {
        if (MessageDigest.isEqual(presented, token.sha256()) && match == null) {
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
    StoredRecipient.StoredToken token = stored.flatMap(r -> r.token(hash)).orElse(null);
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

  private static String httpClientAddress(CurrentVertxRequest currentRequest, TrustedProxies proxies) {
    RoutingContext context = currentRequest.getCurrent();
    return context == null ? null : proxies.clientAddress(context);
  }
}
