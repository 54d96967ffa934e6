package io.goldgate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.EncryptedJWT;
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
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity providers' tokens of federated recipients (OIDC federation), checked by {@link
 * SignedTokens} against recipients in a {@link FileRecipientStore} and keys {@link IssuerKeys}
 * fetches from a {@link StubIdentityProvider}. The real identity provider (Keycloak) is exercised
 * by the interop suite; the stub stands in for the hostile and failing providers and the forged
 * tokens Keycloak cannot produce on demand. Time is a hand-moved clock.
 */
class SignedTokensTest {

  private static final String AUDIENCE = "goldgate";
  private static final String SUBJECT = "partner-app";
  private static final Duration SKEW = Duration.ofSeconds(60);

  @TempDir Path stateDir;

  private final HandClock clock = new HandClock();
  private final List<Recipient> declared = new ArrayList<>();
  private StubIdentityProvider idp;
  private FileRecipientStore store;
  private SignedTokens tokens;

  @BeforeEach
  void setUp() throws Exception {
    idp = new StubIdentityProvider();
    store = new FileRecipientStore(stateDir);
    AccessTokens own = new AccessTokens("goldgate", Duration.ofHours(1), new Signer("s".repeat(32)), clock);
    tokens = new SignedTokens(() -> declared, store, own, new IssuerKeys(TestFederationConfig.DEFAULTS, clock), SKEW, clock);
  }

  @AfterEach
  void tearDown() {
    idp.close();
  }

  // ---- fixtures -------------------------------------------------------------------------------

  private FederationPolicy policy(String subjectClaim, String subject) {
    return new FederationPolicy(idp.issuer(), List.of(AUDIENCE), subjectClaim, subject);
  }

  private void storeRecipient(String name, FederationPolicy... policies) {
    Instant now = clock.instant();
    assertTrue(store.create(new StoredRecipient(name, null, List.of("retail"), Map.of(), List.of(), List.of(), null, now, now, List.of(), List.of(policies))));
  }

  /** Claims of a valid token of the stub provider, by the test's clock. */
  private JWTClaimsSet.Builder claims(String audience, String subject) {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(idp.issuer())
        .audience(audience)
        .subject(subject)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
  }

  private String rs256(Consumer<JWTClaimsSet.Builder> change) {
    JWTClaimsSet.Builder builder = claims(AUDIENCE, SUBJECT);
    change.accept(builder);
    return StubIdentityProvider.sign(builder.build(), idp.rsaKey());
  }

  private String rs256() {
    return rs256(b -> {});
  }

  private static String sign(JWSHeader header, JWTClaimsSet claims, com.nimbusds.jose.JWSSigner signer) throws Exception {
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private TokenRejected rejected(String token, Reason reason) {
    TokenRejected e = assertThrows(TokenRejected.class, () -> tokens.authenticate(token));
    assertEquals(reason, e.rejection(), e.getMessage());
    assertEquals(GoldgateException.Kind.UNAUTHENTICATED, e.kind());
    assertEquals(reason.code(), e.reason());
    assertTrue(e.getMessage().startsWith("Token rejected (" + reason.code() + "): "), e.getMessage());
    assertFalse(e.getMessage().contains(token), "the message never echoes the token");
    return e;
  }

  private GoldgateException unavailable(String token) {
    GoldgateException e = assertThrows(GoldgateException.class, () -> tokens.authenticate(token));
    assertEquals(GoldgateException.Kind.UNAVAILABLE, e.kind(), e.getMessage());
    assertFalse(e instanceof TokenRejected, "an unreachable provider is not the token's fault");
    assertTrue(e.getMessage().startsWith("The keys of identity provider " + idp.issuer() + " cannot be fetched now ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("); try again later"), e.getMessage());
    return e;
  }

  // ---- accepted -------------------------------------------------------------------------------

  @Test
  void givenAnRs256TokenMatchingAPolicy_thenItActsAsThatRecipientWithItsSubjectAndIssuer() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    storeRecipient("beta", policy("sub", "someone-else"));

    Principal principal = tokens.authenticate(rs256());

    assertEquals("alpha", principal.name());
    assertEquals(SUBJECT, principal.subject());
    assertEquals(idp.issuer(), principal.issuer());
    assertTrue(principal.recipient().mayRead("retail"));
    assertEquals(1, idp.discoveryFetches());
    assertEquals(1, idp.keyFetches());
  }

  @Test
  void givenAnEs256Token_thenItIsAcceptedToo() {
    storeRecipient("alpha", policy("sub", SUBJECT));

    Principal principal = tokens.authenticate(StubIdentityProvider.sign(claims(AUDIENCE, SUBJECT).build(), idp.ecKey()));

    assertEquals("alpha", principal.name());
    assertEquals(SUBJECT, principal.subject());
    assertEquals(idp.issuer(), principal.issuer());
  }

  @Test
  void givenATokenWithoutKeyId_thenTheIssuersKeysOfItsAlgorithmAreTried() throws Exception {
    storeRecipient("alpha", policy("sub", SUBJECT));

    String token = sign(new JWSHeader(JWSAlgorithm.RS256), claims(AUDIENCE, SUBJECT).build(), new RSASSASigner(idp.rsaKey()));

    assertEquals("alpha", tokens.authenticate(token).name());
  }

  @Test
  void givenSubjectClaimAzp_thenTheAzpClaimDecidesAndSubIsOnlyRecorded() {
    storeRecipient("alpha", policy("azp", "reporting-client"));

    Principal principal = tokens.authenticate(rs256(b -> b.subject("f3a9-user-id").claim("azp", "reporting-client")));
    assertEquals("alpha", principal.name());
    assertEquals("f3a9-user-id", principal.subject(), "the principal's subject is the token's sub, whatever claim matched");

    rejected(rs256(b -> b.subject("reporting-client").claim("azp", "other-client")), Reason.WRONG_SUBJECT);
    rejected(rs256(b -> b.subject("reporting-client")), Reason.WRONG_SUBJECT);
  }

  @Test
  void givenAnArrayClaimGroups_thenTheSubjectMustBeOneOfItsElements() {
    storeRecipient("alpha", policy("groups", "partners"));

    assertEquals("alpha", tokens.authenticate(rs256(b -> b.claim("groups", List.of("staff", "partners")))).name());
    rejected(rs256(b -> b.claim("groups", List.of("staff", "partners-eu"))), Reason.WRONG_SUBJECT);
    rejected(rs256(b -> b.claim("groups", List.of())), Reason.WRONG_SUBJECT);
    rejected(rs256(b -> b.claim("groups", Map.of("partners", true))), Reason.WRONG_SUBJECT);
    rejected(rs256(b -> {}), Reason.WRONG_SUBJECT);
  }

  // ---- lifetime -------------------------------------------------------------------------------

  @Test
  void givenExpWithinTheClockSkew_thenAccepted_andBeyondIt_thenExpired() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    Instant now = clock.instant();

    assertEquals("alpha", tokens.authenticate(rs256(b -> b.expirationTime(Date.from(now.minusSeconds(59))))).name());

    Instant exp = now.minus(SKEW);
    TokenRejected e = rejected(rs256(b -> b.expirationTime(Date.from(exp))), Reason.EXPIRED);
    assertEquals("Token rejected (expired): the token expired at " + exp, e.getMessage());
    assertEquals(idp.issuer(), e.claimedIssuer());
    assertEquals(SUBJECT, e.claimedSubject());

    rejected(rs256(b -> b.expirationTime(null)), Reason.MALFORMED);
  }

  @Test
  void givenAnAcceptedToken_whenTheClockPassesExpPlusSkew_thenTheSameTokenIsExpired() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    String token = rs256();
    tokens.authenticate(token);

    clock.advance(Duration.ofMinutes(5).plus(SKEW).minusSeconds(1));
    tokens.authenticate(token);
    clock.advance(Duration.ofSeconds(1));
    rejected(token, Reason.EXPIRED);
  }

  @Test
  void givenNbfInTheFuture_thenNotYetValid_unlessWithinTheSkew() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    Instant now = clock.instant();

    assertEquals("alpha", tokens.authenticate(rs256(b -> b.notBeforeTime(Date.from(now.plus(SKEW))))).name());

    Instant nbf = now.plus(SKEW).plusSeconds(1);
    TokenRejected e = rejected(rs256(b -> b.notBeforeTime(Date.from(nbf))), Reason.NOT_YET_VALID);
    assertEquals("Token rejected (not_yet_valid): the token is valid from " + nbf, e.getMessage());
  }

  // ---- audience and subject -------------------------------------------------------------------

  @Test
  void givenAnotherAudience_thenWrongAudience_butOneMatchingAudienceOfSeveralIsEnough() {
    storeRecipient("alpha", policy("sub", SUBJECT));

    TokenRejected e = rejected(rs256(b -> b.audience("account")), Reason.WRONG_AUDIENCE);
    assertEquals("Token rejected (wrong_audience): the token's audience [account] is none its recipient's policy accepts", e.getMessage());
    rejected(rs256(b -> b.audience((String) null)), Reason.WRONG_AUDIENCE);

    assertEquals("alpha", tokens.authenticate(rs256(b -> b.audience(List.of("account", AUDIENCE)))).name());
  }

  @Test
  void givenASubjectNoPolicyNames_thenWrongSubject() {
    storeRecipient("alpha", policy("sub", SUBJECT));

    TokenRejected e = rejected(rs256(b -> b.subject("intruder")), Reason.WRONG_SUBJECT);
    assertEquals("Token rejected (wrong_subject): no recipient's federation policy names this token's subject", e.getMessage());
    assertEquals("intruder", e.claimedSubject());
  }

  @Test
  void givenTwoRecipientsWhosePoliciesBothMatch_thenAmbiguousSubject() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    storeRecipient("beta", policy("azp", "shared-client"));

    rejected(rs256(b -> b.claim("azp", "shared-client")), Reason.AMBIGUOUS_SUBJECT);
    assertEquals("alpha", tokens.authenticate(rs256()).name(), "a token only one policy matches still signs in");
  }

  @Test
  void givenADeclaredAndAStoredRecipientWhosePoliciesBothMatch_thenAmbiguousSubject() {
    storeRecipient("beta", policy("sub", SUBJECT));
    declared.add(new Recipient("alpha", List.of(), java.util.Set.of("retail"), Map.of(), List.of(), java.util.Set.of(), List.of(policy("sub", SUBJECT))));

    rejected(rs256(), Reason.AMBIGUOUS_SUBJECT);
  }

  @Test
  void givenAStoredRecipientTheCatalogShadows_thenOnlyTheDeclaredOneSignsIn() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    declared.add(new Recipient("alpha", List.of(), java.util.Set.of("finance"), Map.of(), List.of(), java.util.Set.of(), List.of(policy("sub", SUBJECT))));

    Principal principal = tokens.authenticate(rs256());

    assertEquals("alpha", principal.name());
    assertTrue(principal.recipient().mayRead("finance"));
    assertFalse(principal.recipient().mayRead("retail"), "the declared recipient, not the shadowed stored one");
  }

  @Test
  void givenARecipientsPolicyIsRemoved_thenTheNextTokenIsRefused() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    storeRecipient("beta", policy("sub", "other-app"));
    String token = rs256();
    assertEquals("alpha", tokens.authenticate(token).name());

    store.update("alpha", r -> r.withFederationPolicies(List.of(), clock.instant()));
    rejected(token, Reason.WRONG_SUBJECT);

    store.delete("beta");
    rejected(token, Reason.UNKNOWN_ISSUER);
  }

  // ---- issuers --------------------------------------------------------------------------------

  @Test
  void givenAnIssuerNoPolicyNames_thenUnknownIssuer_andItsUrlIsNeverFetched() throws Exception {
    storeRecipient("alpha", policy("sub", SUBJECT));
    try (StubIdentityProvider other = new StubIdentityProvider()) {
      TokenRejected e = rejected(other.token(AUDIENCE, SUBJECT), Reason.UNKNOWN_ISSUER);
      assertEquals("Token rejected (unknown_issuer): no recipient signs in with issuer " + other.issuer(), e.getMessage());
      assertEquals(other.issuer(), e.claimedIssuer());
      assertEquals(0, other.discoveryFetches(), "a token cannot make the gateway fetch the URL it names");
      assertEquals(0, other.keyFetches());
      assertEquals(0, idp.discoveryFetches());
    }
  }

  @Test
  void givenAnIssuerLongerThanMessagesShowIt_thenItsTokensStillSignIn() throws Exception {
    try (StubIdentityProvider longIssuer = new StubIdentityProvider("r".repeat(400))) {
      assertTrue(longIssuer.issuer().length() > 400);
      FederationPolicy policy = new FederationPolicy(longIssuer.issuer(), List.of(AUDIENCE), "sub", SUBJECT).validated("federationPolicies[0]", false);
      storeRecipient("alpha", policy);

      Principal principal = tokens.authenticate(longIssuer.token(AUDIENCE, SUBJECT));

      assertEquals("alpha", principal.name());
      assertEquals(longIssuer.issuer(), principal.issuer(), "the verified issuer, whole");
      TokenRejected e = rejected(longIssuer.token(AUDIENCE, "intruder"), Reason.WRONG_SUBJECT);
      assertEquals(longIssuer.issuer().substring(0, 200) + "...", e.claimedIssuer(), "what a rejected token claims is kept short");
    }
  }

  @Test
  void givenATokenWithoutIssuer_thenMalformed() {
    storeRecipient("alpha", policy("sub", SUBJECT));

    rejected(rs256(b -> b.issuer(null)), Reason.MALFORMED);
  }

  // ---- signatures and algorithms --------------------------------------------------------------

  @Test
  void givenATokenSignedByAnotherKeyUnderTheRealKeyId_thenBadSignature() throws Exception {
    storeRecipient("alpha", policy("sub", SUBJECT));
    RSAKey forgedRsa = new RSAKeyGenerator(2048).keyID(idp.rsaKey().getKeyID()).generate();
    ECKey forgedEc = new ECKeyGenerator(Curve.P_256).keyID(idp.ecKey().getKeyID()).generate();

    TokenRejected e = rejected(StubIdentityProvider.sign(claims(AUDIENCE, SUBJECT).build(), forgedRsa), Reason.BAD_SIGNATURE);
    assertEquals("Token rejected (bad_signature): the signature does not verify with the issuer's keys", e.getMessage());
    rejected(StubIdentityProvider.sign(claims(AUDIENCE, SUBJECT).build(), forgedEc), Reason.BAD_SIGNATURE);
    rejected(sign(new JWSHeader(JWSAlgorithm.RS256), claims(AUDIENCE, SUBJECT).build(), new RSASSASigner(forgedRsa)), Reason.BAD_SIGNATURE);
  }

  @Test
  void givenATokenCarryingItsOwnKeyOrKeySetUrl_thenOnlyTheIssuersPublishedKeysCount() throws Exception {
    storeRecipient("alpha", policy("sub", SUBJECT));
    try (StubIdentityProvider attacker = new StubIdentityProvider()) {
      RSAKey key = attacker.rsaKey();
      JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
          .keyID(key.getKeyID())
          .jwk(key.toPublicJWK())
          .jwkURL(java.net.URI.create(attacker.issuer() + "/jwks"))
          .x509CertURL(java.net.URI.create(attacker.issuer() + "/cert"))
          .build();

      rejected(sign(header, claims(AUDIENCE, SUBJECT).build(), new RSASSASigner(key)), Reason.BAD_SIGNATURE);
      assertEquals(0, attacker.keyFetches(), "the jku of a token is never fetched");
      assertEquals(0, attacker.discoveryFetches());
    }
  }

  @Test
  void givenAnEs256SignatureOfZeros_thenBadSignature() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    String header = b64("{\"alg\":\"ES256\",\"kid\":\"" + idp.ecKey().getKeyID() + "\"}");
    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(claims(AUDIENCE, SUBJECT).build().toString().getBytes(StandardCharsets.UTF_8));
    String zeros = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);

    rejected(header + "." + payload + "." + zeros, Reason.BAD_SIGNATURE);
    rejected(header + "." + payload + ".", Reason.MALFORMED);
  }

  @Test
  void givenAnUnknownKeyId_thenBadSignature() throws Exception {
    storeRecipient("alpha", policy("sub", SUBJECT));
    RSAKey unknown = new RSAKeyGenerator(2048).keyID("unknown-kid").generate();

    TokenRejected e = rejected(StubIdentityProvider.sign(claims(AUDIENCE, SUBJECT).build(), unknown), Reason.BAD_SIGNATURE);
    assertEquals("Token rejected (bad_signature): the issuer has no RS256 key with id unknown-kid", e.getMessage());
    // An ES256 token naming the RSA key's id: no EC key has that id.
    String crossed = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(idp.rsaKey().getKeyID()).build(), claims(AUDIENCE, SUBJECT).build(),
        new com.nimbusds.jose.crypto.ECDSASigner(idp.ecKey()));
    rejected(crossed, Reason.BAD_SIGNATURE);
  }

  @Test
  void givenAlgNone_thenUnsupportedAlgorithm() {
    storeRecipient("alpha", policy("sub", SUBJECT));

    TokenRejected e = rejected(new PlainJWT(claims(AUDIENCE, SUBJECT).build()).serialize(), Reason.UNSUPPORTED_ALGORITHM);
    assertEquals("Token rejected (unsupported_algorithm): unsigned tokens (alg none) are not accepted", e.getMessage());
    assertEquals(idp.issuer(), e.claimedIssuer());
    assertEquals(0, idp.keyFetches());
  }

  @Test
  void givenHs256SignedWithTheProvidersPublicKey_thenUnsupportedAlgorithm() throws Exception {
    storeRecipient("alpha", policy("sub", SUBJECT));
    RSAKey rsa = idp.rsaKey();
    byte[] der = rsa.toRSAPublicKey().getEncoded();
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    List<byte[]> secrets = List.of(der, pem.getBytes(StandardCharsets.US_ASCII), rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));

    for (byte[] secret : secrets) {
      for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS512)) {
        String token = sign(new JWSHeader.Builder(alg).keyID(rsa.getKeyID()).build(), claims(AUDIENCE, SUBJECT).build(), new MACSigner(secret));
        TokenRejected e = rejected(token, Reason.UNSUPPORTED_ALGORITHM);
        assertEquals("Token rejected (unsupported_algorithm): identity provider tokens must be signed with RS256 or ES256, not " + alg, e.getMessage());
      }
    }
    assertEquals(0, idp.keyFetches(), "refused before any key is looked at");
  }

  @Test
  void givenAnotherRsaAlgorithmWithTheRealKey_thenUnsupportedAlgorithm() throws Exception {
    storeRecipient("alpha", policy("sub", SUBJECT));

    String ps256 = sign(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID(idp.rsaKey().getKeyID()).build(), claims(AUDIENCE, SUBJECT).build(), new RSASSASigner(idp.rsaKey()));
    rejected(ps256, Reason.UNSUPPORTED_ALGORITHM);
    String rs512 = sign(new JWSHeader.Builder(JWSAlgorithm.RS512).keyID(idp.rsaKey().getKeyID()).build(), claims(AUDIENCE, SUBJECT).build(), new RSASSASigner(idp.rsaKey()));
    rejected(rs512, Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void givenAnEncryptedToken_thenRefused() throws Exception {
    storeRecipient("alpha", policy("sub", SUBJECT));
    EncryptedJWT jwe = new EncryptedJWT(
        new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM).keyID(idp.rsaKey().getKeyID()).build(), claims(AUDIENCE, SUBJECT).build());
    jwe.encrypt(new RSAEncrypter(idp.rsaKey().toRSAPublicKey()));
    String token = jwe.serialize();
    assertEquals(5, token.split("\\.", -1).length);
    assertTrue(SignedTokens.looksSigned(token));

    TokenRejected e = rejected(token, Reason.UNSUPPORTED_ALGORITHM);
    assertEquals("Token rejected (unsupported_algorithm): encrypted tokens are not accepted", e.getMessage());

    String shaped = b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}") + ".a.b.c.d";
    rejected(shaped, Reason.UNSUPPORTED_ALGORITHM);
  }

  // ---- malformed ------------------------------------------------------------------------------

  @Test
  void givenATokenLongerThan16KB_thenMalformed() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    String huge = rs256(b -> b.claim("padding", "x".repeat(SignedTokens.MAX_TOKEN_CHARS)));

    TokenRejected e = rejected(huge, Reason.MALFORMED);
    assertEquals("Token rejected (malformed): the token is longer than 16384 characters", e.getMessage());
    assertEquals(0, idp.keyFetches());
  }

  @Test
  void givenGarbage_thenMalformed() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    String signature = ".c2lnbmF0dXJl";
    List<String> garbage = List.of(
        "garbage",
        "a.b.c",
        "eyJ.eyJ.eyJ",
        b64("{not json") + "." + b64("{}") + signature,
        b64("[\"RS256\"]") + "." + b64("{}") + signature,
        b64("{\"typ\":\"JWT\"}") + "." + b64("{}") + signature,
        b64("{\"alg\":\"RS256\"}") + "." + b64("not json") + signature,
        b64("{\"alg\":\"RS256\"}") + "." + b64("[1,2]") + signature,
        b64("{\"alg\":\"RS256\"}") + "." + b64("{\"iss\":\"" + idp.issuer() + "\",\"exp\":\"tomorrow\"}") + signature,
        b64("{\"alg\":\"RS256\"}") + "." + b64("{\"iss\":\"" + idp.issuer() + "\",\"aud\":{\"a\":1}}") + signature,
        b64("{\"alg\":\"RS256\"}") + "." + b64("{\"iss\":[\"" + idp.issuer() + "\"]}") + signature,
        "eyJ!!!.eyJ???.x");
    for (String token : garbage) {
      TokenRejected e = rejected(token, Reason.MALFORMED);
      assertEquals(null, e.claimedIssuer(), token);
    }
    assertEquals(0, idp.discoveryFetches());
  }

  @Test
  void givenDeeplyNestedJson_thenACleanRejection() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    String header = b64("{\"alg\":\"RS256\",\"kid\":\"" + idp.rsaKey().getKeyID() + "\"}");
    String signature = ".c2lnbmF0dXJl";

    // As deep as fits in 16 KB, unclosed and closed, in the claims and in the header.
    int depth = 11_000;
    String unclosed = header + "." + b64("{\"iss\":\"" + idp.issuer() + "\",\"x\":" + "[".repeat(depth)) + signature;
    assertTrue(unclosed.length() <= SignedTokens.MAX_TOKEN_CHARS, "within the length limit: the parser sees it");
    rejected(unclosed, Reason.MALFORMED);

    String closed = header + "." + b64("{\"iss\":\"" + idp.issuer() + "\",\"x\":" + "[".repeat(depth / 2) + "]".repeat(depth / 2) + "}") + signature;
    assertTrue(closed.length() <= SignedTokens.MAX_TOKEN_CHARS);
    rejected(closed, Reason.MALFORMED);

    String deepHeader = b64("{\"alg\":\"RS256\",\"x\":" + "[".repeat(depth)) + "." + b64("{}") + signature;
    rejected(deepHeader, Reason.MALFORMED);

    String objects = header + "." + b64("{\"iss\":\"" + idp.issuer() + "\",\"x\":" + "{\"a\":".repeat(2_000)) + signature;
    rejected(objects, Reason.MALFORMED);

    String hundredThousand = header + "." + b64("{\"x\":" + "[".repeat(100_000)) + signature;
    rejected(hundredThousand, Reason.MALFORMED);
    assertEquals(0, idp.discoveryFetches());
  }

  // ---- keys -----------------------------------------------------------------------------------

  @Test
  void givenTheProviderRotatedItsKeys_thenATokenWithTheNewKeyIdIsAccepted_andForgedKeyIdsFetchAtMostOncePerInterval() throws Exception {
    storeRecipient("alpha", policy("sub", SUBJECT));
    String before = rs256();
    assertEquals("alpha", tokens.authenticate(before).name());
    assertEquals(1, idp.keyFetches());

    idp.rotate();
    clock.advance(TestFederationConfig.DEFAULTS.keysMinRefreshInterval());
    assertEquals("alpha", tokens.authenticate(rs256()).name(), "the unknown key id made the gateway fetch the new key set");
    assertEquals(2, idp.keyFetches());
    assertEquals("alpha", tokens.authenticate(before).name(), "the previous key is still published");
    assertEquals("alpha", tokens.authenticate(StubIdentityProvider.sign(claims(AUDIENCE, SUBJECT).build(), idp.ecKey())).name());
    assertEquals(2, idp.keyFetches());

    // A flood of tokens naming random key ids, as an attacker would send.
    RSAKey forged = new RSAKeyGenerator(2048).generate();
    RSASSASigner forger = new RSASSASigner(forged);
    for (int round = 0; round < 2; round++) {
      clock.advance(TestFederationConfig.DEFAULTS.keysMinRefreshInterval());
      int fetches = idp.keyFetches();
      for (int i = 0; i < 100; i++) {
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(UUID.randomUUID().toString()).build(), claims(AUDIENCE, SUBJECT).build(), forger);
        rejected(token, Reason.BAD_SIGNATURE);
        clock.advance(Duration.ofMillis(100));
      }
      assertEquals(fetches + 1, idp.keyFetches(), "one fetch for 100 unknown key ids within the minimum refresh interval");
    }
    assertEquals("alpha", tokens.authenticate(rs256()).name());
  }

  @Test
  void givenCachedKeysOlderThanTheRefreshInterval_thenTheyAreFetchedAgain() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    tokens.authenticate(rs256());
    clock.advance(TestFederationConfig.DEFAULTS.keysRefreshInterval().minusSeconds(1));
    tokens.authenticate(rs256());
    assertEquals(1, idp.keyFetches());

    clock.advance(Duration.ofSeconds(1));
    tokens.authenticate(rs256());
    assertEquals(2, idp.keyFetches());
  }

  @Test
  void givenTheProviderIsDownAndNoKeysWereCached_thenUnavailable_andItIsNotAskedAgainWithinTheInterval() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    idp.down(true);

    GoldgateException e = unavailable(rs256());
    assertTrue(e.getMessage().contains("answered HTTP 503"), e.getMessage());
    unavailable(rs256());
    assertEquals(1, idp.discoveryFetches(), "a provider that is down is not hammered by every request");

    idp.down(false);
    clock.advance(TestFederationConfig.DEFAULTS.keysMinRefreshInterval());
    assertEquals("alpha", tokens.authenticate(rs256()).name());
  }

  @Test
  void givenTheProviderGoesDownAfterKeysWereCached_thenTokensAreStillAccepted_andItIsAskedAtMostOncePerInterval() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    tokens.authenticate(rs256());
    idp.down(true);

    assertEquals("alpha", tokens.authenticate(rs256()).name());

    clock.advance(TestFederationConfig.DEFAULTS.keysRefreshInterval());
    int asked = idp.discoveryFetches();
    for (int i = 0; i < 20; i++) {
      assertEquals("alpha", tokens.authenticate(rs256()).name(), "the stale keys stay in use while the provider is down");
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(asked + 1, idp.discoveryFetches(), "one attempt in the minimum refresh interval, not one per token");

    idp.down(false);
    clock.advance(TestFederationConfig.DEFAULTS.keysMinRefreshInterval());
    tokens.authenticate(rs256());
    assertEquals(2, idp.keyFetches(), "back up: the keys are fetched again");
  }

  @Test
  void givenTheProviderStaysDownPastTheKeysMaxAge_thenItsCachedKeysStopWorking() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    tokens.authenticate(rs256());
    idp.down(true);

    clock.advance(TestFederationConfig.DEFAULTS.keysMaxAge().minusMinutes(1));
    assertEquals("alpha", tokens.authenticate(rs256()).name(), "still within the max age");
    clock.advance(Duration.ofMinutes(1));
    GoldgateException e = unavailable(rs256());
    assertTrue(e.getMessage().contains("longer ago than goldgate.federation.keys-max-age"), e.getMessage());

    idp.down(false);
    clock.advance(TestFederationConfig.DEFAULTS.keysMinRefreshInterval());
    assertEquals("alpha", tokens.authenticate(rs256()).name(), "back up: fresh keys, accepted again");
  }

  @Test
  void givenADiscoveryDocumentNamingAnotherIssuer_thenUnavailable() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    idp.discovery("{\"issuer\":\"https://evil.example/realms/stub\",\"jwks_uri\":\"" + idp.issuer() + "/jwks\"}");

    GoldgateException e = unavailable(rs256());
    assertTrue(e.getMessage().contains("its discovery document names issuer 'https://evil.example/realms/stub'"), e.getMessage());
    assertEquals(0, idp.keyFetches());
  }

  @Test
  void givenAJwksUriOffLoopbackOverPlainHttp_thenUnavailable() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    idp.discovery("{\"issuer\":\"" + idp.issuer() + "\",\"jwks_uri\":\"http://example.com/jwks\"}");

    GoldgateException e = unavailable(rs256());
    assertTrue(e.getMessage().contains("its jwks_uri must be https"), e.getMessage());

    idp.discovery("{\"issuer\":\"" + idp.issuer() + "\"}");
    clock.advance(TestFederationConfig.DEFAULTS.keysMinRefreshInterval());
    assertTrue(unavailable(rs256()).getMessage().contains("its discovery document has no jwks_uri"));
  }

  @Test
  void givenAKeySetOrDiscoveryDocumentLargerThan256KB_thenUnavailable() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    String padding = "x".repeat(IssuerKeys.MAX_DOCUMENT_BYTES);
    idp.jwks("{\"keys\":[],\"padding\":\"" + padding + "\"}");

    GoldgateException e = unavailable(rs256());
    assertTrue(e.getMessage().contains("/jwks is larger than 262144 bytes"), e.getMessage());

    idp.jwks(null);
    idp.discovery("{\"issuer\":\"" + idp.issuer() + "\",\"jwks_uri\":\"" + idp.issuer() + "/jwks\",\"padding\":\"" + padding + "\"}");
    clock.advance(TestFederationConfig.DEFAULTS.keysMinRefreshInterval());
    assertTrue(unavailable(rs256()).getMessage().contains("openid-configuration is larger than 262144 bytes"));
  }

  @Test
  void givenAProviderThatHangsMidResponse_thenTheFetchTimeoutEndsTheWait() {
    storeRecipient("alpha", policy("sub", SUBJECT));
    var config = new TestFederationConfig(SKEW, Duration.ofMinutes(10), Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofSeconds(1), false, 100);
    AccessTokens own = new AccessTokens("goldgate", Duration.ofHours(1), new Signer("s".repeat(32)), clock);
    tokens = new SignedTokens(() -> declared, store, own, new IssuerKeys(config, clock), SKEW, clock);
    idp.stallKeySet(true);
    try {
      // Were the body read unbounded, this would wait for the stub's minute and then be accepted.
      unavailable(rs256());
    } finally {
      idp.stallKeySet(false);
    }
  }

  @Test
  void givenWeakRsaKeysAndEncryptionKeysInTheKeySet_thenTheyAreIgnored() throws Exception {
    storeRecipient("alpha", policy("sub", SUBJECT));
    RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak").generate();
    RSAKey enc = new RSAKeyGenerator(2048).keyID("enc").keyUse(KeyUse.ENCRYPTION).generate();
    List<JWK> published = List.of(weak, enc, idp.rsaKey(), idp.ecKey());
    idp.jwks(new JWKSet(published).toString(true));

    JWTClaimsSet claims = claims(AUDIENCE, SUBJECT).build();
    rejected(sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("weak").build(), claims, new RSASSASigner(weak.toPrivateKey(), true)), Reason.BAD_SIGNATURE);
    rejected(sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("enc").build(), claims, new RSASSASigner(enc)), Reason.BAD_SIGNATURE);
    rejected(sign(new JWSHeader(JWSAlgorithm.RS256), claims, new RSASSASigner(weak.toPrivateKey(), true)), Reason.BAD_SIGNATURE);
    assertEquals("alpha", tokens.authenticate(rs256()).name());
    assertEquals(1, idp.keyFetches());
  }

  @Test
  void givenAProviderOfAnotherCurve_thenItsKeysAreIgnored() throws Exception {
    storeRecipient("alpha", policy("sub", SUBJECT));
    ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
    idp.jwks(new JWKSet(List.of(p384, idp.rsaKey())).toString(true));

    String token = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("p384").build(), claims(AUDIENCE, SUBJECT).build(),
        new com.nimbusds.jose.crypto.ECDSASigner(new ECKeyGenerator(Curve.P_256).generate()));
    assertInstanceOf(TokenRejected.class, assertThrows(GoldgateException.class, () -> tokens.authenticate(token)));
    rejected(token, Reason.BAD_SIGNATURE);
  }
}
