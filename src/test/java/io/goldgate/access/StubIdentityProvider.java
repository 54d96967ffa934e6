package io.goldgate.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An OIDC identity provider stand-in on loopback: a discovery document and a key set, served by the
 * JDK's HTTP server, and tokens signed with its keys. The real identity provider (Keycloak) is
 * exercised by the interop suite; this one makes what Keycloak cannot on demand: forged and
 * malformed tokens, a provider that goes down, lies about its issuer or serves a huge key set.
 */
public final class StubIdentityProvider implements AutoCloseable {

  private final HttpServer server;
  private final String issuer;
  private final AtomicInteger keyFetches = new AtomicInteger();
  private final AtomicInteger discoveryFetches = new AtomicInteger();
  private volatile List<JWK> signingKeys = new ArrayList<>();
  private volatile String discoveryOverride;
  private volatile String jwksOverride;
  private volatile boolean down;
  private volatile java.util.concurrent.CountDownLatch stall;

  public StubIdentityProvider() throws IOException {
    this("stub");
  }

  /** A provider whose issuer ends with {@code /realms/<realm>}. */
  public StubIdentityProvider(String realm) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/" + realm;
    server.createContext("/realms/" + realm + "/.well-known/openid-configuration", exchange -> {
      discoveryFetches.incrementAndGet();
      String body = discoveryOverride != null ? discoveryOverride : "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\"}";
      respond(exchange, body);
    });
    server.createContext("/realms/" + realm + "/jwks", exchange -> {
      keyFetches.incrementAndGet();
      String body = jwksOverride != null ? jwksOverride : new JWKSet(signingKeys).toString(true);
      java.util.concurrent.CountDownLatch held = stall;
      if (held != null && !down) {
        stalled(exchange, body.getBytes(StandardCharsets.UTF_8), held);
        return;
      }
      respond(exchange, body);
    });
    server.start();
    rotate();
  }

  private void respond(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
    if (down) {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Sends the headers and half the body, then waits (at most a minute) until the stall ends. */
  private static void stalled(com.sun.net.httpserver.HttpExchange exchange, byte[] bytes, java.util.concurrent.CountDownLatch held) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes, 0, bytes.length / 2);
      out.flush();
      try {
        held.await(1, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
    } catch (IOException e) {
      // the gateway gave up and closed the connection
    }
  }

  /**
   * While true, the key set is answered with its headers and half its body, and the rest only when
   * set back to false: a provider that hangs mid-response.
   */
  public void stallKeySet(boolean stalled) {
    java.util.concurrent.CountDownLatch previous = stall;
    stall = stalled ? new java.util.concurrent.CountDownLatch(1) : null;
    if (previous != null) {
      previous.countDown();
    }
  }

  public String issuer() {
    return issuer;
  }

  /** A new RSA key (and an EC P-256 key) become the signing keys; the previous ones stay published. */
  public RSAKey rotate() {
    try {
      RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-" + UUID.randomUUID()).keyUse(KeyUse.SIGNATURE).generate();
      ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-" + UUID.randomUUID()).keyUse(KeyUse.SIGNATURE).generate();
      var keys = new ArrayList<>(signingKeys);
      keys.add(0, ec);
      keys.add(0, rsa);
      signingKeys = keys;
      return rsa;
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The current RSA signing key (with its private part). */
  public RSAKey rsaKey() {
    return (RSAKey) signingKeys.get(0);
  }

  public ECKey ecKey() {
    return (ECKey) signingKeys.get(1);
  }

  /** Answers 503 to everything while true. */
  public void down(boolean isDown) {
    this.down = isDown;
  }

  /** Serves this discovery document instead of the true one (null: the true one). */
  public void discovery(String json) {
    this.discoveryOverride = json;
  }

  /** Serves this key set document instead of the true one (null: the true one). */
  public void jwks(String json) {
    this.jwksOverride = json;
  }

  public int keyFetches() {
    return keyFetches.get();
  }

  public int discoveryFetches() {
    return discoveryFetches.get();
  }

  /** Claims of a valid token of this provider: issuer, audience, subject, a 5-minute lifetime. */
  public JWTClaimsSet.Builder claims(String audience, String subject) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject(subject)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
  }

  /** A token signed RS256 with the current RSA key, its claims shaped by {@code claims}. */
  public String token(String audience, String subject, Consumer<JWTClaimsSet.Builder> claims) {
    JWTClaimsSet.Builder builder = claims(audience, subject);
    claims.accept(builder);
    return sign(builder.build(), rsaKey());
  }

  public String token(String audience, String subject) {
    return token(audience, subject, b -> {});
  }

  /** Signs {@code claims} with {@code key} (RS256 for an RSA key, ES256 for an EC key), naming its key id. */
  public static String sign(JWTClaimsSet claims, JWK key) {
    try {
      SignedJWT jwt;
      if (key instanceof RSAKey rsa) {
        jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(rsa));
      } else {
        ECKey ec = (ECKey) key;
        jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(ec));
      }
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
