package io.goldgate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.goldgate.GoldgateException;
import io.goldgate.access.TokenRejected.Reason;
import io.goldgate.testing.HandClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's own access tokens: the client credentials grant ({@link ClientCredentials}) issues
 * them ({@link AccessTokens}), {@link SignedTokens} and {@link BearerAuthenticator} accept them
 * while the recipient and the client secret that obtained them still stand. Recipients live in a
 * {@link FileRecipientStore} and a catalog list; time is a hand-moved clock.
 */
class ClientCredentialsTest {

  private static final Duration LIFETIME = Duration.ofHours(1);
  private static final String INVALID_CLIENT =
      "Unknown client, a client secret that is wrong, expired or revoked, or an address the client may not connect from";

  @TempDir Path stateDir;

  private final HandClock clock = new HandClock();
  private final List<Recipient> declared = new ArrayList<>();
  private FileRecipientStore store;
  private AccessTokens own;
  private ClientCredentials grants;
  private SignedTokens signed;
  private String clientAddress = "127.0.0.1";
  private BearerAuthenticator bearer;

  @BeforeEach
  void setUp() {
    store = new FileRecipientStore(stateDir);
    own = new AccessTokens("goldgate", LIFETIME, new Signer("deployment-one-signing-key-0123456789"), clock);
    grants = new ClientCredentials(() -> declared, store, own, () -> clientAddress, clock);
    signed = new SignedTokens(() -> declared, store, own, new IssuerKeys(TestFederationConfig.DEFAULTS, clock), Duration.ofSeconds(60), clock);
    bearer = new BearerAuthenticator(() -> declared, store, signed, () -> clientAddress, clock);
  }

  // ---- fixtures -------------------------------------------------------------------------------

  private void createRecipient(String name, String... ipAllowList) {
    Instant now = clock.instant();
    assertTrue(store.create(new StoredRecipient(name, null, List.of("retail"), Map.of(), List.of(ipAllowList), List.of(), null, now, now, List.of(), List.of())));
  }

  /** A new secret of {@code kind} for the stored recipient, ending at {@code expiresAt} (null: never). */
  private String addSecret(String name, CredentialKind kind, Instant expiresAt) {
    String secret = Secrets.random();
    Instant now = clock.instant();
    store.update(name, r -> {
      var tokens = new ArrayList<>(r.tokens());
      tokens.add(new StoredRecipient.StoredToken(Secrets.sha256Hex(secret), now, expiresAt, null, kind.wireName()));
      return r.withTokens(tokens, now);
    }).orElseThrow();
    return secret;
  }

  private String addClientSecret(String name) {
    return addSecret(name, CredentialKind.CLIENT_SECRET, null);
  }

  private static JWTClaimsSet claimsOf(String token) throws Exception {
    return SignedJWT.parse(token).getJWTClaimsSet();
  }

  private GoldgateException invalidClient(String clientId, String secret) {
    GoldgateException e = assertThrows(GoldgateException.class, () -> grants.grant(clientId, secret));
    assertEquals(GoldgateException.Kind.UNAUTHENTICATED, e.kind());
    assertEquals(INVALID_CLIENT, e.getMessage(), "one answer for every way the pair is wrong");
    return e;
  }

  private TokenRejected rejected(String token, Reason reason) {
    TokenRejected e = assertThrows(TokenRejected.class, () -> signed.authenticate(token));
    assertEquals(reason, e.rejection(), e.getMessage());
    assertEquals(GoldgateException.Kind.UNAUTHENTICATED, e.kind());
    assertTrue(e.getMessage().startsWith("Token rejected (" + reason.code() + "): "), e.getMessage());
    assertFalse(e.getMessage().contains(token));
    TokenRejected viaBearer = assertThrows(TokenRejected.class, () -> bearer.authenticate("Bearer " + token));
    assertEquals(e.getMessage(), viaBearer.getMessage(), "every face authenticates alike");
    return e;
  }

  // ---- the grant ------------------------------------------------------------------------------

  @Test
  void givenTheRightSecret_thenTheGrantIssuesATokenThatActsAsTheRecipient() throws Exception {
    createRecipient("partner");
    String secret = addClientSecret("partner");

    AccessTokens.Issued issued = grants.grant("partner", secret);

    assertEquals(LIFETIME.toSeconds(), issued.expiresInSeconds());
    SignedJWT jwt = SignedJWT.parse(issued.accessToken());
    assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
    assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertEquals("goldgate", claims.getIssuer());
    assertEquals("partner", claims.getSubject());
    assertEquals("partner", claims.getClaim("client_id"));
    assertEquals(CredentialKind.secretId(Secrets.sha256(secret)), claims.getClaim("sid"));
    assertEquals(clock.instant(), claims.getIssueTime().toInstant());
    assertEquals(clock.instant().plus(LIFETIME), claims.getExpirationTime().toInstant());
    assertNotNull(claims.getJWTID());
    assertFalse(issued.accessToken().contains(secret));
    assertNotEquals(issued.accessToken(), grants.grant("partner", secret).accessToken(), "each grant is a new token");

    Principal principal = signed.authenticate(issued.accessToken());
    assertEquals("partner", principal.name());
    assertEquals("partner", principal.subject());
    assertEquals("goldgate", principal.issuer());
    assertTrue(principal.recipient().mayRead("retail"));

    Principal viaBearer = bearer.authenticate("Bearer " + issued.accessToken());
    assertEquals("partner", viaBearer.name());
    assertEquals("partner", viaBearer.subject());
    assertEquals("goldgate", viaBearer.issuer());
  }

  @Test
  void givenAClientIdInAnotherCase_thenItNamesTheSameRecipient() {
    createRecipient("partner");
    String secret = addClientSecret("partner");

    assertEquals("partner", signed.authenticate(grants.grant("Partner", secret).accessToken()).name());
  }

  @Test
  void givenASecretEndingBeforeTheLifetime_thenTheTokenEndsWithIt() throws Exception {
    createRecipient("partner");
    Instant secretEnd = clock.instant().plus(Duration.ofMinutes(10));
    String secret = addSecret("partner", CredentialKind.CLIENT_SECRET, secretEnd);

    AccessTokens.Issued issued = grants.grant("partner", secret);
    assertEquals(600, issued.expiresInSeconds());
    assertEquals(secretEnd, claimsOf(issued.accessToken()).getExpirationTime().toInstant());

    clock.advance(Duration.ofSeconds(100));
    assertEquals(500, grants.grant("partner", secret).expiresInSeconds());
  }

  @Test
  void givenAWrongPair_thenInvalidClient() {
    createRecipient("partner");
    createRecipient("other");
    String secret = addClientSecret("partner");
    String othersSecret = addClientSecret("other");

    invalidClient("partner", Secrets.random());
    invalidClient("partner", othersSecret);
    invalidClient("nobody", secret);
    invalidClient("partner", "");
    invalidClient("partner", null);
    invalidClient("", secret);
    invalidClient(null, secret);
    invalidClient("partner", secret + " ");
  }

  @Test
  void givenAnExpiredSecret_thenInvalidClient() {
    createRecipient("partner");
    String secret = addSecret("partner", CredentialKind.CLIENT_SECRET, clock.instant().plusSeconds(60));
    grants.grant("partner", secret);

    clock.advance(Duration.ofSeconds(60));
    invalidClient("partner", secret);
  }

  @Test
  void givenARevokedSecret_thenInvalidClient() {
    createRecipient("partner");
    String secret = addClientSecret("partner");
    Instant now = clock.instant();
    store.update("partner", r -> r.withTokens(r.mapTokens(t -> t.revokedAt(now)), now));

    invalidClient("partner", secret);
  }

  @Test
  void givenABearerToken_thenItIsNoClientSecret_andAClientSecretIsNoBearerToken() throws Exception {
    createRecipient("partner");
    String bearerToken = addSecret("partner", CredentialKind.BEARER_TOKEN, null);
    String secret = addClientSecret("partner");
    assertEquals("partner", bearer.authenticate("Bearer " + bearerToken).name(), "the bearer token works as one");

    invalidClient("partner", bearerToken);

    GoldgateException e = assertThrows(GoldgateException.class, () -> bearer.authenticate("Bearer " + secret));
    assertEquals(GoldgateException.Kind.UNAUTHENTICATED, e.kind());
    assertEquals("Unknown bearer token", e.getMessage());
    var future = bearer.authenticateWithoutBlocking("Bearer " + secret, "127.0.0.1", Runnable::run).toCompletableFuture();
    GoldgateException async = assertInstanceOf(GoldgateException.class, assertThrows(ExecutionException.class, future::get).getCause());
    assertEquals("Unknown bearer token", async.getMessage());

    String accessToken = grants.grant("partner", secret).accessToken();
    invalidClient("partner", accessToken);
  }

  // ---- forged, tampered and expired tokens ----------------------------------------------------

  @Test
  void givenATokenSignedWithAnotherDeploymentsKey_thenBadSignature() {
    createRecipient("partner");
    String secret = addClientSecret("partner");
    AccessTokens otherDeployment = new AccessTokens("goldgate", LIFETIME, new Signer("deployment-two-signing-key-0123456789"), clock);

    String forged = otherDeployment.issue("partner", Secrets.sha256(secret), null).accessToken();

    TokenRejected e = rejected(forged, Reason.BAD_SIGNATURE);
    assertEquals("Token rejected (bad_signature): the signature is not the gateway's", e.getMessage());
    assertEquals("goldgate", e.claimedIssuer());
    assertEquals("partner", e.claimedSubject());
  }

  @Test
  void givenATamperedPayload_thenBadSignature() throws Exception {
    createRecipient("partner");
    createRecipient("victim");
    String secret = addClientSecret("partner");
    addClientSecret("victim");
    String token = grants.grant("partner", secret).accessToken();
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);

    String tampered = payload.replace("\"sub\":\"partner\"", "\"sub\":\"victim\"");
    assertNotEquals(payload, tampered);
    rejected(parts[0] + "." + b64(tampered) + "." + parts[2], Reason.BAD_SIGNATURE);

    String longer = payload.replaceFirst("\"exp\":\\d+", "\"exp\":" + clock.instant().plus(Duration.ofDays(365)).getEpochSecond());
    assertNotEquals(payload, longer);
    rejected(parts[0] + "." + b64(longer) + "." + parts[2], Reason.BAD_SIGNATURE);
  }

  @Test
  void givenATokenOfTheGatewaysIssuerNotSignedWithHs256_thenUnsupportedAlgorithm() throws Exception {
    createRecipient("partner");
    JWTClaimsSet claims = claimsOf(grants.grant("partner", addClientSecret("partner")).accessToken());

    rejected(new PlainJWT(claims).serialize(), Reason.UNSUPPORTED_ALGORITHM);
    SignedJWT rs256 = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    rs256.sign(new RSASSASigner(new RSAKeyGenerator(2048).generate()));
    TokenRejected e = rejected(rs256.serialize(), Reason.UNSUPPORTED_ALGORITHM);
    assertEquals("Token rejected (unsupported_algorithm): the gateway's tokens are signed with HS256", e.getMessage());
  }

  @Test
  void givenAnExpiredAccessToken_thenExpired_withNoClockSkew() throws Exception {
    createRecipient("partner");
    String secret = addClientSecret("partner");
    String token = grants.grant("partner", secret).accessToken();
    Instant exp = claimsOf(token).getExpirationTime().toInstant();

    clock.advance(LIFETIME.minusSeconds(1));
    assertEquals("partner", signed.authenticate(token).name());
    clock.advance(Duration.ofSeconds(1));
    TokenRejected e = rejected(token, Reason.EXPIRED);
    assertEquals("Token rejected (expired): the access token expired at " + exp + "; fetch a new one", e.getMessage());
    assertEquals("partner", signed.authenticate(grants.grant("partner", secret).accessToken()).name(), "the secret still buys new ones");
  }

  // ---- the recipient and secret are checked on every request ----------------------------------

  @Test
  void givenTheSecretIsRevoked_thenItsTokensAreRevokedOnTheNextCall() {
    createRecipient("partner");
    String secret = addClientSecret("partner");
    String other = addClientSecret("partner");
    String token = grants.grant("partner", secret).accessToken();
    String otherToken = grants.grant("partner", other).accessToken();
    signed.authenticate(token);

    Instant now = clock.instant();
    store.update("partner", r -> r.withTokens(r.mapTokens(t -> t.sha256().equals(Secrets.sha256Hex(secret)) ? t.revokedAt(now) : t), now));

    TokenRejected e = rejected(token, Reason.REVOKED);
    assertEquals("Token rejected (revoked): the client secret that obtained this token was revoked at " + now, e.getMessage());
    assertEquals("partner", signed.authenticate(otherToken).name(), "a token of another secret still works");
  }

  @Test
  void givenRotationWithGrace_thenTheOldSecretsTokensWorkUntilTheGraceEnds() throws Exception {
    createRecipient("partner");
    String oldSecret = addClientSecret("partner");
    String oldToken = grants.grant("partner", oldSecret).accessToken();

    // Rotation as the admin API does it: the old secret ends at the grace end, a new one is added.
    Instant graceEnd = clock.instant().plus(Duration.ofMinutes(10));
    store.update("partner", r -> r.withTokens(r.mapTokens(t -> t.endingAt(graceEnd)), clock.instant()));
    String newSecret = addClientSecret("partner");

    AccessTokens.Issued duringGrace = grants.grant("partner", oldSecret);
    assertEquals(600, duringGrace.expiresInSeconds(), "a token the old secret obtains ends with the grace");
    String newToken = grants.grant("partner", newSecret).accessToken();

    clock.advance(Duration.ofMinutes(10).minusSeconds(1));
    assertEquals("partner", signed.authenticate(oldToken).name());
    assertEquals("partner", signed.authenticate(duringGrace.accessToken()).name());

    clock.advance(Duration.ofSeconds(1));
    TokenRejected e = rejected(oldToken, Reason.REVOKED);
    assertEquals("Token rejected (revoked): the client secret that obtained this token stopped working at " + graceEnd, e.getMessage());
    rejected(duringGrace.accessToken(), Reason.EXPIRED);
    invalidClient("partner", oldSecret);
    assertEquals("partner", signed.authenticate(newToken).name());
  }

  @Test
  void givenTheSecretIsForgotten_thenItsTokensAreRevoked() {
    createRecipient("partner");
    String secret = addClientSecret("partner");
    String token = grants.grant("partner", secret).accessToken();

    store.update("partner", r -> r.withTokens(List.of(), clock.instant()));

    TokenRejected e = rejected(token, Reason.REVOKED);
    assertEquals("Token rejected (revoked): the client secret that obtained this token no longer exists", e.getMessage());
  }

  @Test
  void givenTheRecipientIsDeleted_thenUnknownRecipient() {
    createRecipient("partner");
    String token = grants.grant("partner", addClientSecret("partner")).accessToken();

    assertTrue(store.delete("partner"));

    TokenRejected e = rejected(token, Reason.UNKNOWN_RECIPIENT);
    assertEquals("Token rejected (unknown_recipient): recipient 'partner' no longer exists", e.getMessage());
  }

  @Test
  void givenAnIpAllowList_thenAnAccessTokenFromElsewhereIsRefused() {
    createRecipient("partner", "10.0.0.0/8");
    String secret = addClientSecret("partner");
    clientAddress = "203.0.113.9";
    GoldgateException outside = assertThrows(GoldgateException.class, () -> grants.grant("partner", secret));
    assertEquals(INVALID_CLIENT, outside.getMessage(), "a right secret from outside learns no more than a wrong one");
    clientAddress = "10.1.2.3";
    String token = grants.grant("partner", secret).accessToken();

    assertEquals("partner", bearer.authenticate("Bearer " + token).name());
    clientAddress = "203.0.113.9";
    GoldgateException e = assertThrows(GoldgateException.class, () -> bearer.authenticate("Bearer " + token));
    assertEquals(GoldgateException.Kind.PERMISSION_DENIED, e.kind());
    assertEquals("Recipient 'partner' may not connect from 203.0.113.9: the address is not in its IP allow-list", e.getMessage());
  }

  // ---- catalog recipients ---------------------------------------------------------------------

  private static Recipient catalogRecipient(String name, Set<String> shares, Recipient.Token... tokens) {
    return new Recipient(name, List.of(tokens), shares);
  }

  @Test
  void givenACatalogRecipientWithClientSecrets_thenItsSecretsWorkTheSameWay() throws Exception {
    String secret = Secrets.random();
    String bearerToken = Secrets.random();
    Recipient recipient = catalogRecipient("catalog-partner", Set.of("retail"),
        new Recipient.Token(Secrets.sha256(secret), null, CredentialKind.CLIENT_SECRET),
        new Recipient.Token(Secrets.sha256(bearerToken), null, CredentialKind.BEARER_TOKEN));
    declared.add(recipient);

    AccessTokens.Issued issued = grants.grant("catalog-partner", secret);
    assertEquals(LIFETIME.toSeconds(), issued.expiresInSeconds());
    Principal principal = signed.authenticate(issued.accessToken());
    assertSame(recipient, principal.recipient());
    assertEquals("catalog-partner", principal.subject());
    assertEquals("goldgate", principal.issuer());
    assertSame(recipient, bearer.authenticate("Bearer " + issued.accessToken()).recipient());

    invalidClient("catalog-partner", bearerToken);
    invalidClient("catalog-partner", Secrets.random());
    GoldgateException e = assertThrows(GoldgateException.class, () -> bearer.authenticate("Bearer " + secret));
    assertEquals("Unknown bearer token", e.getMessage());
    assertSame(recipient, bearer.authenticate("Bearer " + bearerToken).recipient());

    // The operator takes the secret out of the catalog file: its tokens stop on the next call.
    declared.set(0, catalogRecipient("catalog-partner", Set.of("retail"), new Recipient.Token(Secrets.sha256(bearerToken), null, CredentialKind.BEARER_TOKEN)));
    TokenRejected revoked = rejected(issued.accessToken(), Reason.REVOKED);
    assertEquals("Token rejected (revoked): the client secret that obtained this token no longer works", revoked.getMessage());
    invalidClient("catalog-partner", secret);

    declared.clear();
    rejected(issued.accessToken(), Reason.UNKNOWN_RECIPIENT);
  }

  @Test
  void givenACatalogSecretWithAnExpiry_thenTokensEndWithIt_andTheSecretStopsBuyingThem() {
    String secret = Secrets.random();
    Instant end = clock.instant().plus(Duration.ofMinutes(5));
    declared.add(catalogRecipient("catalog-partner", Set.of("retail"), new Recipient.Token(Secrets.sha256(secret), end, CredentialKind.CLIENT_SECRET)));

    AccessTokens.Issued issued = grants.grant("catalog-partner", secret);
    assertEquals(300, issued.expiresInSeconds());

    clock.advance(Duration.ofMinutes(5));
    invalidClient("catalog-partner", secret);
    rejected(issued.accessToken(), Reason.EXPIRED);
  }

  @Test
  void givenTheCatalogDeclaresAStoredRecipientsName_thenOnlyTheCatalogsSecretsCount() {
    createRecipient("partner");
    String storedSecret = addClientSecret("partner");
    String storedToken = grants.grant("partner", storedSecret).accessToken();
    String catalogSecret = Secrets.random();
    declared.add(catalogRecipient("partner", Set.of("finance"), new Recipient.Token(Secrets.sha256(catalogSecret), null, CredentialKind.CLIENT_SECRET)));

    invalidClient("partner", storedSecret);
    rejected(storedToken, Reason.REVOKED);
    Principal principal = signed.authenticate(grants.grant("partner", catalogSecret).accessToken());
    assertTrue(principal.recipient().mayRead("finance"));
    assertFalse(principal.recipient().mayRead("retail"));
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
