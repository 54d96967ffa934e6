package io.goldgate.access;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.goldgate.GoldgateException;
import io.goldgate.config.GoldgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The signing keys of the identity providers named in federation policies, found by OIDC discovery
 * ({@code <issuer>/.well-known/openid-configuration}, then its {@code jwks_uri}) and cached. Only
 * issuers an operator named are ever fetched: the issuer a token claims is looked up among the
 * policies first, so a token cannot send the gateway to an address of its choosing.
 *
 * <p>Keys are fetched again when older than the refresh interval, and when a token names a key id
 * the cache lacks (the provider rotated its keys), at most once per minimum refresh interval per
 * provider. When a provider cannot be reached its last keys stay in use, up to {@code
 * goldgate.federation.keys-max-age}; with none, calls get a retryable 503. Bounded: {@link #MAX_DOCUMENT_BYTES} per document, {@link #MAX_KEYS} per provider,
 * {@code goldgate.federation.max-issuers} providers.
 */
@ApplicationScoped
public class IssuerKeys {

  private static final Logger LOG = Logger.getLogger(IssuerKeys.class);

  /** Largest discovery document or key set read; a provider's is a few kilobytes. */
  static final int MAX_DOCUMENT_BYTES = 256 * 1024;

  /** Most signing keys kept per provider. */
  static final int MAX_KEYS = 64;

  /** Smallest RSA modulus accepted, in bits. */
  private static final int MIN_RSA_BITS = 2048;

  private final Duration refreshInterval;
  private final Duration minRefreshInterval;
  private final Duration maxAge;
  private final Duration timeout;
  private final boolean allowHttp;
  private final Clock clock;
  private final HttpClient http;
  private final Map<String, Cached> entries;

  @jakarta.inject.Inject
  public IssuerKeys(GoldgateConfig config) {
    this(config.federation(), Clock.systemUTC());
  }

  IssuerKeys(GoldgateConfig.Federation config, Clock clock) {
    this.refreshInterval = config.keysRefreshInterval();
    this.minRefreshInterval = config.keysMinRefreshInterval();
    this.maxAge = config.keysMaxAge();
    this.timeout = config.fetchTimeout();
    this.allowHttp = config.allowHttp();
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    int maxIssuers = config.maxIssuers();
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > maxIssuers;
          }
        };
  }

  /** One provider's keys, and when they were last fetched or tried. */
  private static final class Cached {
    List<JWK> keys;
    Instant fetchedAt;
    Instant triedAt;
    String lastError;
  }

  /**
   * The keys of {@code issuer} that could have signed a token with this key id (null: any) and
   * algorithm, fetching the provider's keys when the cache is stale or lacks the key id.
   *
   * @throws GoldgateException UNAVAILABLE when the provider's keys were never fetched and cannot be
   */
  public List<JWK> candidates(String issuer, String kid, JWSAlgorithm alg) {
    Cached entry;
    synchronized (entries) {
      entry = entries.computeIfAbsent(issuer, i -> new Cached());
    }
    synchronized (entry) {
      Instant now = clock.instant();
      // Stale keys are fetched again at most once per minimum interval too: while the provider is
      // down, a failed refresh leaves them stale, and every token would otherwise try (and wait
      // for) the provider again.
      if (entry.keys == null || (!now.isBefore(entry.fetchedAt.plus(refreshInterval)) && mayRetry(entry, now))) {
        refresh(issuer, entry, now);
      }
      if (!now.isBefore(entry.fetchedAt.plus(maxAge))) {
        throw unreachable(issuer, "its keys were last fetched at " + entry.fetchedAt + ", longer ago than goldgate.federation.keys-max-age; " + entry.lastError);
      }
      List<JWK> matching = select(entry.keys, kid, alg);
      if (matching.isEmpty() && kid != null && mayRetry(entry, now)) {
        refresh(issuer, entry, now);
        matching = select(entry.keys, kid, alg);
      }
      return matching;
    }
  }

  private boolean mayRetry(Cached entry, Instant now) {
    return !now.isBefore(entry.triedAt.plus(minRefreshInterval));
  }

  private void refresh(String issuer, Cached entry, Instant now) {
    if (entry.keys == null && entry.triedAt != null && now.isBefore(entry.triedAt.plus(minRefreshInterval))) {
      throw unreachable(issuer, entry.lastError);
    }
    entry.triedAt = now;
    try {
      entry.keys = fetch(issuer);
      entry.fetchedAt = now;
      entry.lastError = null;
    } catch (IOException | ParseException | RuntimeException e) {
      entry.lastError = e.getMessage();
      if (entry.keys == null) {
        throw unreachable(issuer, entry.lastError);
      }
      // Keep the keys we have: a provider that is down for a while should not lock every
      // federated recipient out while their tokens still verify.
      LOG.warnf("Cannot refresh the keys of identity provider %s (keeping %d cached): %s", issuer, entry.keys.size(), e.getMessage());
    }
  }

  private static GoldgateException unreachable(String issuer, String why) {
    return new GoldgateException(
        GoldgateException.Kind.UNAVAILABLE, "The keys of identity provider " + issuer + " cannot be fetched now (" + why + "); try again later");
  }

  private List<JWK> fetch(String issuer) throws IOException, ParseException {
    String problem = IssuerUrls.problem(issuer, allowHttp);
    if (problem != null) {
      throw new IOException("the issuer " + problem);
    }
    Map<String, Object> discovery = JSONObjectUtils.parse(get(FederationPolicy.discoveryUri(issuer)));
    Object claimed = discovery.get("issuer");
    if (!issuer.equals(claimed)) {
      // OIDC Discovery 1.0 section 4.3: a document naming another issuer must not be used.
      throw new IOException("its discovery document names issuer '" + claimed + "'");
    }
    if (!(discovery.get("jwks_uri") instanceof String jwksUri)) {
      throw new IOException("its discovery document has no jwks_uri");
    }
    problem = IssuerUrls.problem(jwksUri, allowHttp);
    if (problem != null) {
      throw new IOException("its jwks_uri " + problem);
    }
    List<JWK> keys = new ArrayList<>();
    for (JWK key : JWKSet.parse(get(URI.create(jwksUri))).getKeys()) {
      if (usable(key) && keys.size() < MAX_KEYS) {
        keys.add(key);
      }
    }
    LOG.infof("Fetched %d signing key(s) of identity provider %s", keys.size(), issuer);
    return List.copyOf(keys);
  }

  private static boolean usable(JWK key) {
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      return false;
    }
    if (key instanceof RSAKey rsa) {
      return rsa.size() >= MIN_RSA_BITS;
    }
    return key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
  }

  private static List<JWK> select(List<JWK> keys, String kid, JWSAlgorithm alg) {
    var out = new ArrayList<JWK>();
    for (JWK key : keys) {
      boolean typeFits = JWSAlgorithm.RS256.equals(alg) ? key instanceof RSAKey : JWSAlgorithm.ES256.equals(alg) && key instanceof ECKey;
      boolean algFits = key.getAlgorithm() == null || key.getAlgorithm().equals(alg);
      if (typeFits && algFits && (kid == null || kid.equals(key.getKeyID()))) {
        out.add(key);
      }
    }
    return out;
  }

  /**
   * The body of a 200 answer from {@code uri}. The whole exchange, body included, is bounded by the
   * fetch timeout: a request timeout alone ends with the headers, and a provider that then stalls
   * (or trickles bytes) would hold the issuer's keys, and every token of its recipients, for as
   * long as it likes.
   */
  private String get(URI uri) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
    var body = new AtomicReference<BoundedBody>();
    CompletableFuture<HttpResponse<byte[]>> pending =
        http.sendAsync(request, info -> {
          if (info.statusCode() != 200) {
            return HttpResponse.BodySubscribers.replacing(null);
          }
          body.set(new BoundedBody(uri));
          return body.get();
        });
    HttpResponse<byte[]> response;
    try {
      response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      BoundedBody partial = body.get();
      if (partial != null) {
        partial.abandon();
      }
      throw new IOException(uri + " did not answer within " + timeout);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
      throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause.getMessage()), cause);
    }
    if (response.statusCode() != 200) {
      throw new IOException(uri + " answered HTTP " + response.statusCode());
    }
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /** Collects a body of at most {@link #MAX_DOCUMENT_BYTES}, and stops reading past that. */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final URI uri;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;

    BoundedBody(URI uri) {
      this.uri = uri;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        if (bytes.size() + item.remaining() > MAX_DOCUMENT_BYTES) {
          subscription.cancel();
          result.completeExceptionally(new IOException(uri + " is larger than " + MAX_DOCUMENT_BYTES + " bytes"));
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable failure) {
      result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }

    /** Stops reading: the caller gave up waiting. */
    void abandon() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      result.cancel(false);
    }
  }
}
