package io.goldgate.admin;

import static io.goldgate.admin.RecipientApi.activate;
import static io.goldgate.admin.RecipientApi.asAdmin;
import static io.goldgate.admin.RecipientApi.uniqueName;
import static io.goldgate.admin.RecipientApi.withToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.goldgate.access.StubIdentityProvider;
import io.goldgate.flight.FlightService;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Recipients that sign in with short-lived access tokens, end to end over real HTTP and Arrow
 * Flight: OAuth clients (client id = recipient name) buying tokens at the gateway's token endpoint,
 * and federated recipients presenting their own identity provider's tokens. Each kind of token must
 * act as its recipient on every face, with the same grants, properties and IP allow-list as a bearer
 * token, and stop on the next request when the recipient's secret or policies are taken away.
 *
 * <p>The identity provider is {@link StubIdentityProvider} on loopback, started with the gateway by
 * {@link FederatedLake}: the real one (Keycloak) is exercised by the interop suite; this one stands
 * in for the forged and misdirected tokens Keycloak cannot produce on demand.
 */
@QuarkusTest
@WithTestResource(OAuthAndFederationTest.FederatedLake.class)
class OAuthAndFederationTest {

  static final String TOKEN_ENDPOINT = "/delta-sharing/oauth/token";
  static final String SALES = "/delta-sharing/shares/retail/schemas/gold/tables/sales_daily";
  static final String REGIONAL_SALES = "/delta-sharing/shares/regional/schemas/gold/tables/sales_daily";
  static final String ONE_LOOKUP = "{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[1]}}";
  static final String BASIC_CHALLENGE = "Basic realm=\"goldgate\"";

  /** A catalog recipient whose OAuth client secret is {@link #CATALOG_SECRET} (declared by its hash). */
  static final String CATALOG_CLIENT = "catalog-client";
  static final String CATALOG_SECRET = "catalog-client-secret-6bd1f0c2a7e94c5d8e3b";
  /** A catalog recipient signing in with the stub's tokens whose {@code sub} is {@link #CATALOG_APP}. */
  static final String CATALOG_FEDERATED = "catalog-federated";
  static final String CATALOG_APP = "catalog-app";

  /**
   * The sample catalog plus {@code test-oauth.yaml}: one recipient with a client secret, one with a
   * federation policy naming the stub identity provider, which starts here so that its (random)
   * address is known before the gateway reads the catalog.
   */
  public static class FederatedLake extends SampleLake {
    static volatile StubIdentityProvider idp;

    @Override
    public Map<String, String> start() {
      Map<String, String> config = super.start();
      try {
        idp = new StubIdentityProvider();
        Files.writeString(Path.of(config.get("goldgate.shares.dir")).resolve("test-oauth.yaml"), """
            recipients:
              - name: %s
                clientSecrets:
                  - hash: sha256:%s
                shares: [retail]
              - name: %s
                federationPolicies:
                  - issuer: %s
                    audiences: [goldgate]
                    subject: %s
                shares: [retail]
            """.formatted(CATALOG_CLIENT, sha256(CATALOG_SECRET), CATALOG_FEDERATED, idp.issuer(), CATALOG_APP), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return config;
    }

    @Override
    public void stop() {
      if (idp != null) idp.close();
      super.stop();
    }
  }

  static StubIdentityProvider idp() {
    return FederatedLake.idp;
  }

  @Inject FlightService flight;

  final RecipientApi api = new RecipientApi();
  private BufferAllocator allocator;
  private FlightClient client;

  @BeforeEach
  void connect() {
    allocator = new RootAllocator();
    client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", flight.port())).build();
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    allocator.close();
  }

  // ---- the token endpoint ----------------------------------------------------------------------

  @Test
  void givenAnOAuthClientRecipient_whenItsLinkIsOpened_thenItAnswersTheVersion2ProfileAndItsSecretBuysTokensByBasicOrForm() throws Exception {
    String name = uniqueName("oauth");
    JsonPath created = api.create("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"credential\":\"oauth_client_credentials\"}");
    JsonPath profile = activate(created.getString("activation.url"));
    assertEquals(Set.of("shareCredentialsVersion", "type", "endpoint", "tokenEndpoint", "clientId", "clientSecret"), profile.getMap("").keySet());
    assertEquals(2, profile.getInt("shareCredentialsVersion"));
    assertEquals("oauth_client_credentials", profile.getString("type"));
    String endpoint = profile.getString("endpoint");
    assertTrue(endpoint.matches("http://localhost:\\d+/delta-sharing"), endpoint);
    assertEquals(endpoint + "/oauth/token", profile.getString("tokenEndpoint"));
    assertEquals(name, profile.getString("clientId"));
    String secret = profile.getString("clientSecret");
    assertTrue(secret.matches("[A-Za-z0-9_-]{43}"), "a random 256-bit secret");
    asAdmin().get("/admin/recipients/" + name).then().statusCode(200)
        .body("tokens.type", equalTo(List.of("client_secret")))
        .body("tokens.state", equalTo(List.of("active")))
        .body(not(secret));

    Response basic = given().auth().preemptive().basic(name, secret).formParam("grant_type", "client_credentials").post(TOKEN_ENDPOINT);
    basic.then().statusCode(200)
        .contentType(containsString("application/json"))
        .header("Cache-Control", "no-store")
        .body("token_type", equalTo("Bearer"))
        .body("expires_in", equalTo(3600));
    assertEquals(Set.of("access_token", "token_type", "expires_in"), basic.jsonPath().getMap("").keySet());
    String accessToken = basic.jsonPath().getString("access_token");
    SignedJWT jwt = SignedJWT.parse(accessToken);
    assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertEquals("goldgate", claims.getIssuer());
    assertEquals(name, claims.getSubject());
    assertEquals(name, claims.getStringClaim("client_id"));
    assertEquals(Duration.ofHours(1), Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()));
    assertNotNull(claims.getJWTID());
    assertEquals(16, claims.getStringClaim("sid").length(), "names the secret by 64 bits of its hash");
    assertFalse(claims.toString().contains(secret));

    Response form = given().formParam("grant_type", "client_credentials").formParam("client_id", name).formParam("client_secret", secret).post(TOKEN_ENDPOINT);
    form.then().statusCode(200).header("Cache-Control", "no-store").body("token_type", equalTo("Bearer")).body("expires_in", equalTo(3600));
    String formToken = form.jsonPath().getString("access_token");
    assertNotEquals(accessToken, formToken, "each grant is a new token");

    for (String token : List.of(accessToken, formToken)) {
      withToken(token).get("/delta-sharing/shares").then().statusCode(200).body("items.name", equalTo(List.of("retail")));
    }
    // The secret is for the token endpoint only, and a bearer token is no client secret.
    withToken(secret).get("/delta-sharing/shares").then().statusCode(401).body("message", equalTo("Unknown bearer token"));
    given().auth().preemptive().basic("partner", SampleLake.PARTNER_TOKEN).formParam("grant_type", "client_credentials").post(TOKEN_ENDPOINT)
        .then().statusCode(401).body("error", equalTo("invalid_client"));
  }

  @Test
  void givenBadTokenRequests_thenEachGetsItsOAuthErrorAndEveryCallIsAudited() throws Exception {
    String name = uniqueName("oauthbad");
    String secret = oauthRecipient("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"credential\":\"oauth_client_credentials\"}");
    Instant from = Instant.now().minusMillis(1);

    oauthError(given().auth().preemptive().basic(name, secret).formParam("scope", "x"), 400, "invalid_request")
        .body("error_description", equalTo("grant_type is required, once"));
    oauthError(given().auth().preemptive().basic(name, secret).formParam("grant_type", "client_credentials").formParam("grant_type", "client_credentials"),
        400, "invalid_request");
    oauthError(given().auth().preemptive().basic(name, secret).formParam("grant_type", "password"), 400, "unsupported_grant_type")
        .body("error_description", equalTo("only grant_type=client_credentials is supported"));
    oauthError(given().auth().preemptive().basic(name, secret).formParam("grant_type", "client_credentials").formParam("client_id", name), 400, "invalid_request")
        .body("error_description", equalTo("authenticate the client by HTTP Basic or by client_id/client_secret, not both"));
    String notAForm = "the body must be an application/x-www-form-urlencoded form of at most 100 parameters";
    oauthError(given().auth().preemptive().basic(name, secret).contentType("application/x-www-form-urlencoded").body("grant_type=client_credentials&scope=%zz"),
        400, "invalid_request").body("error_description", equalTo(notAForm));
    oauthError(given().auth().preemptive().basic(name, secret).contentType("application/x-www-form-urlencoded")
        .body("grant_type=client_credentials" + "&scope=x".repeat(100)), 400, "invalid_request").body("error_description", equalTo(notAForm));
    String wrong = "Unknown client, a client secret that is wrong, expired or revoked, or an address the client may not connect from";
    oauthError(given().auth().preemptive().basic(name, secret + "x").formParam("grant_type", "client_credentials"), 401, "invalid_client")
        .header("WWW-Authenticate", BASIC_CHALLENGE).body("error_description", equalTo(wrong));
    oauthError(given().formParam("grant_type", "client_credentials").formParam("client_id", "no-such-client").formParam("client_secret", secret), 401, "invalid_client")
        .header("WWW-Authenticate", BASIC_CHALLENGE).body("error_description", equalTo(wrong));
    oauthError(given().formParam("grant_type", "client_credentials").formParam("client_id", name), 401, "invalid_client")
        .header("WWW-Authenticate", BASIC_CHALLENGE);
    oauthError(given().header("Authorization", "Basic !!!").formParam("grant_type", "client_credentials"), 401, "invalid_client");
    oauthError(given().auth().preemptive().basic(name, "s".repeat(2000)).formParam("grant_type", "client_credentials"), 401, "invalid_client");
    // A bearer header is no client authentication.
    oauthError(given().header("Authorization", "Bearer " + secret).formParam("grant_type", "client_credentials"), 401, "invalid_client");

    // Not a form: refused before anything is read, never a 500.
    Response json = given().auth().preemptive().basic(name, secret).contentType("application/json").body("{\"grant_type\":\"client_credentials\"}").post(TOKEN_ENDPOINT);
    assertEquals(415, json.statusCode(), json.asString());
    Response none = given().auth().preemptive().basic(name, secret).post(TOKEN_ENDPOINT);
    assertTrue(none.statusCode() >= 400 && none.statusCode() < 500, none.statusCode() + " " + none.asString());
    assertEquals(405, given().auth().preemptive().basic(name, secret).get(TOKEN_ENDPOINT).statusCode());

    given().auth().preemptive().basic(name, secret).formParam("grant_type", "client_credentials").post(TOKEN_ENDPOINT).then().statusCode(200);

    List<Map<String, Object>> events = auditSince(from, e -> "token".equals(e.get("operation")), 16);
    assertEquals(
        List.of("400", "400", "400", "400", "400", "400", "401", "401", "401", "401", "401", "401", "415", String.valueOf(none.statusCode()), "405", "200"),
        events.stream().map(e -> String.valueOf(e.get("status"))).toList());
    assertEquals(
        List.of("invalid_request", "invalid_request", "unsupported_grant_type", "invalid_request", "invalid_request", "invalid_request", "invalid_client", "invalid_client", "invalid_client",
            "invalid_client", "invalid_client", "invalid_client"),
        events.subList(0, 12).stream().map(e -> e.get("errorCode")).toList());
    for (Map<String, Object> e : events) {
      assertEquals("delta-sharing", e.get("protocol"), e.toString());
      assertEquals("127.0.0.1", e.get("clientIp"), e.toString());
    }
    assertEquals(name, events.get(15).get("recipient"), "a granted token is audited as its client's");
    assertTrue(events.subList(0, 15).stream().allMatch(e -> e.get("recipient") == null), "no refused call is attributed to the client it named");
    assertEquals(wrong, events.get(6).get("message"));
    assertFalse(rawAudit(from).contains(secret), "no event holds the secret");
  }

  // ---- access tokens on every face -------------------------------------------------------------

  @Test
  void givenAnAccessToken_whenUsedOnEveryFace_thenItActsAsItsRecipientAndTheAuditNamesItsSubjectAndIssuer() throws Exception {
    String name = uniqueName("oauthfaces");
    String secret = oauthRecipient("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"credential\":\"oauth_client_credentials\"}");
    String token = accessToken(name, secret);
    Instant from = Instant.now().minusMillis(1);

    withToken(token).get("/delta-sharing/shares").then().statusCode(200).body("items.name", equalTo(List.of("retail")));
    withToken(token).get("/delta-sharing/shares/finance").then().statusCode(404);
    Response query = withToken(token).contentType("application/json").body("{}").post(SALES + "/query");
    query.then().statusCode(200).header("Delta-Table-Version", "4");
    assertEquals(14, Ndjson.actions(Ndjson.lines(query.asString()), "file").size(), "every file of sales_daily v4");

    FlightInfo info = client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer(token));
    assertEquals(91, readRows(info, bearer(token), null));
    assertEquals(FlightStatusCode.NOT_FOUND, flightStatus(() -> client.getInfo(FlightDescriptor.path("finance", "gold", "customer_ltv"), bearer(token))));

    withToken(token).contentType("application/json").body(ONE_LOOKUP).post("/get-online-features").then().statusCode(200)
        .body("metadata.feature_names", equalTo(List.of("customer_id", "segment")));

    var expected = new ArrayList<>(List.of("listShares", "getShare", "queryTable", "GetFlightInfo"));
    expected.addAll(Collections.nCopies(info.getEndpoints().size(), "DoGet"));
    expected.add("GetFlightInfo");
    List<Map<String, Object>> events = auditSince(from, e -> name.equals(e.get("recipient")), expected.size());
    assertEquals(expected, events.stream().map(e -> e.get("operation")).toList());
    assertEquals("NOT_FOUND", events.getLast().get("status"));
    for (Map<String, Object> e : events) {
      assertEquals(name, e.get("subject"), e.toString());
      assertEquals("goldgate", e.get("issuer"), e.toString());
    }
    String raw = rawAudit(from);
    assertFalse(raw.contains(token), "no event holds the access token");
    assertFalse(raw.contains(token.substring(token.lastIndexOf('.') + 1)), "nor its signature");
    assertFalse(raw.contains(secret));
  }

  @Test
  void givenAnIpAllowList_whenAnAccessTokenComesFromOutsideIt_thenSharingAndFeaturesAre403AndFlightIsPermissionDenied() {
    String name = uniqueName("oauthfenced");
    String secret = oauthRecipient("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"credential\":\"oauth_client_credentials\"}");
    String token = accessToken(name, secret);
    withToken(token).get("/delta-sharing/shares").then().statusCode(200);

    asAdmin().body("{\"ipAllowList\":[\"10.0.0.0/8\"]}").patch("/admin/recipients/" + name).then().statusCode(200);
    String refused = "Recipient '" + name + "' may not connect from 127.0.0.1: the address is not in its IP allow-list";
    withToken(token).get("/delta-sharing/shares").then().statusCode(403)
        .body("errorCode", equalTo("PERMISSION_DENIED")).body("message", equalTo(refused));
    withToken(token).contentType("application/json").body(ONE_LOOKUP).post("/get-online-features").then().statusCode(403)
        .body("message", equalTo(refused));
    FlightRuntimeException flightRefused =
        assertThrows(FlightRuntimeException.class, () -> client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer(token)));
    assertEquals(FlightStatusCode.UNAUTHORIZED, flightRefused.status().code(), "gRPC PERMISSION_DENIED");
    assertEquals(refused, flightRefused.status().description());
    // The SQL engine's calls go through the same door: planning a query is refused alike.
    var sql = new org.apache.arrow.flight.sql.FlightSqlClient(client);
    FlightRuntimeException sqlRefused =
        assertThrows(FlightRuntimeException.class, () -> sql.execute("SELECT region, count(*) FROM retail.gold.sales_daily GROUP BY region", bearer(token)));
    assertEquals(FlightStatusCode.UNAUTHORIZED, sqlRefused.status().code());
    assertEquals(refused, sqlRefused.status().description());

    // Nor does its secret buy a token from outside, with the answer a wrong secret gets: a leaked
    // secret tried from elsewhere must not learn that it is right.
    given().auth().preemptive().basic(name, secret).formParam("grant_type", "client_credentials").post("/delta-sharing/oauth/token")
        .then().statusCode(401).body("error", equalTo("invalid_client"))
        .body("error_description", equalTo("Unknown client, a client secret that is wrong, expired or revoked, or an address the client may not connect from"));

    asAdmin().body("{\"ipAllowList\":[\"127.0.0.1/32\"]}").patch("/admin/recipients/" + name).then().statusCode(200);
    accessToken(name, secret);
    withToken(token).get("/delta-sharing/shares").then().statusCode(200);
    withToken(token).contentType("application/json").body(ONE_LOOKUP).post("/get-online-features").then().statusCode(200);
    client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer(token));
  }

  @Test
  void givenRecipientProperties_whenAnAccessTokenReadsRestrictedData_thenItSeesWhatABearerRecipientWithTheSamePropertiesSees() throws Exception {
    String name = uniqueName("oauthemea");
    String secret = oauthRecipient("{\"name\":\"" + name + "\",\"shares\":[\"regional\"],\"credential\":\"oauth_client_credentials\","
        + "\"properties\":{\"region\":\"EMEA\",\"event_day\":\"2024-03-02\",\"warehouse\":\"WH-BER\"}}");
    String token = accessToken(name, secret);

    List<JsonNode> mine = Ndjson.actions(Ndjson.lines(withToken(token).contentType("application/json").body("{}").post(REGIONAL_SALES + "/query")
        .then().statusCode(200).extract().asString()), "file");
    List<JsonNode> bearers = Ndjson.actions(Ndjson.lines(withToken(SampleLake.EMEA_TOKEN).contentType("application/json").body("{}").post(REGIONAL_SALES + "/query")
        .then().statusCode(200).extract().asString()), "file");
    assertEquals(List.of("EMEA", "EMEA", "EMEA", "EMEA", "EMEA"), mine.stream().map(f -> f.get("partitionValues").get("region").asText()).toList());
    assertEquals(bearers.stream().map(f -> f.get("id").asText()).toList(), mine.stream().map(f -> f.get("id").asText()).toList());

    Map<String, Long> regions = new TreeMap<>();
    readRows(client.getInfo(FlightDescriptor.path("regional", "gold", "sales_daily"), bearer(token)), bearer(token), regions);
    assertEquals(Map.of("EMEA", 31L), regions);
    // Flight SQL too: the same middleware, the same restriction.
    Map<String, Long> sqlRegions = new TreeMap<>();
    var sql = new org.apache.arrow.flight.sql.FlightSqlClient(client);
    readRows(sql.execute("SELECT region, units FROM regional.gold.sales_daily", bearer(token)), bearer(token), sqlRegions);
    assertEquals(Map.of("EMEA", 31L), sqlRegions);
    // And the SQL engine (a query beyond the simple SELECT) sees the same rows.
    Map<String, Long> engineRegions = new TreeMap<>();
    readRows(sql.execute("SELECT region, units FROM regional.gold.sales_daily ORDER BY units", bearer(token)), bearer(token), engineRegions);
    assertEquals(Map.of("EMEA", 31L), engineRegions);

    asAdmin().post("/admin/features/views/regional_inventory/materialize").then().statusCode(200);
    List<String> skus = new ArrayList<>();
    List<String> warehouses = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      for (String warehouse : List.of("WH-BER", "WH-SIN")) {
        skus.add("\"" + String.format("SKU-%04d", i) + "\"");
        warehouses.add("\"" + warehouse + "\"");
      }
    }
    String lookup = "{\"features\":[\"regional_inventory:on_hand\"],\"entities\":{\"sku\":" + skus + ",\"warehouse\":" + warehouses + "}}";
    String asOAuth = withToken(token).contentType("application/json").body(lookup).post("/get-online-features").then().statusCode(200).extract().asString();
    String asBearer = withToken(SampleLake.EMEA_TOKEN).contentType("application/json").body(lookup).post("/get-online-features").then().statusCode(200).extract().asString();
    assertEquals(asBearer, asOAuth);
    assertTrue(asOAuth.contains("\"PRESENT\"") && asOAuth.contains("\"NOT_FOUND\""), "WH-BER rows found, WH-SIN rows hidden: " + asOAuth);
  }

  // ---- rotation and revocation -----------------------------------------------------------------

  @Test
  void givenARotationWithAGracePeriod_whenTheOldSecretIsUsed_thenItStillGetsTokensAndSoDoesTheNewOne() {
    String name = uniqueName("oauthgrace");
    String oldSecret = oauthRecipient("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"credential\":\"oauth_client_credentials\"}");
    String oldToken = accessToken(name, oldSecret);

    JsonPath rotated = api.issue(name, "{\"credential\":\"oauth_client_credentials\",\"gracePeriod\":\"PT1H\"}");
    Instant graceEnd = Instant.parse(rotated.getString("previousTokensEndAt"));
    assertTrue(graceEnd.isAfter(Instant.now().plus(Duration.ofMinutes(59))), graceEnd.toString());
    JsonPath profile = activate(rotated.getString("activation.url"));
    assertEquals(2, profile.getInt("shareCredentialsVersion"));
    assertEquals(name, profile.getString("clientId"));
    String newSecret = profile.getString("clientSecret");
    assertNotEquals(oldSecret, newSecret);

    withToken(oldToken).get("/delta-sharing/shares").then().statusCode(200);
    Response duringGrace = tokenRequest(name, oldSecret);
    duringGrace.then().statusCode(200);
    int expiresIn = duringGrace.jsonPath().getInt("expires_in");
    assertTrue(expiresIn <= Duration.between(Instant.now(), graceEnd).toSeconds() + 1, "a token never outlives its secret: " + expiresIn);
    withToken(duringGrace.jsonPath().getString("access_token")).get("/delta-sharing/shares").then().statusCode(200);
    withToken(accessToken(name, newSecret)).get("/delta-sharing/shares").then().statusCode(200);
    asAdmin().get("/admin/recipients/" + name).then().statusCode(200)
        .body("tokens.type", equalTo(List.of("client_secret", "client_secret")))
        .body("tokens.state", equalTo(List.of("active", "active")));
  }

  @Test
  void givenABearerTokenRecipient_whenRotatedToAnOAuthClient_thenItsTokenWorksForTheGraceAndItsClientGetsAccessTokens() {
    String name = uniqueName("migrating");
    String bearer = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}");
    JsonPath profile = activate(api.issue(name, "{\"credential\":\"oauth_client_credentials\",\"gracePeriod\":\"PT1H\"}").getString("activation.url"));
    assertEquals(2, profile.getInt("shareCredentialsVersion"));
    withToken(bearer).get("/delta-sharing/shares").then().statusCode(200);
    withToken(accessToken(name, profile.getString("clientSecret"))).get("/delta-sharing/shares").then().statusCode(200);
    tokenRequest(name, bearer).then().statusCode(401).body("error", equalTo("invalid_client"));
    asAdmin().get("/admin/recipients/" + name).then().statusCode(200).body("tokens.type", equalTo(List.of("bearer_token", "client_secret")));
  }

  @Test
  void givenAClientSecretWithALifetime_whenATokenIsGranted_thenTheTokenEndsWithTheSecret() throws Exception {
    String name = uniqueName("oauthshort");
    JsonPath created = api.create("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"credential\":\"oauth_client_credentials\",\"tokenLifetime\":\"PT30M\"}");
    String link = java.net.URI.create(created.getString("activation.url")).getPath();
    given().accept("application/json").get(link).then().statusCode(200)
        .body("credential", equalTo("oauth_client_credentials")).body("tokenLifetime", equalTo("PT30M"));
    JsonPath profile = activate(link);
    assertFalse(profile.getMap("").containsKey("expirationTime"), "the profile of a client holds no expiry: its tokens do");
    Instant secretEnd = Instant.parse(asAdmin().get("/admin/recipients/" + name).then().statusCode(200).extract().jsonPath().getString("tokens[0].expiresAt"));
    Response granted = tokenRequest(name, profile.getString("clientSecret"));
    granted.then().statusCode(200);
    int expiresIn = granted.jsonPath().getInt("expires_in");
    assertTrue(expiresIn > 1700 && expiresIn <= 1800, "at most the secret's 30 minutes, not the hour of a token: " + expiresIn);
    assertEquals(secretEnd.getEpochSecond(), SignedJWT.parse(granted.jsonPath().getString("access_token")).getJWTClaimsSet().getExpirationTime().toInstant().getEpochSecond());
  }

  @Test
  void givenARotationWithoutGrace_whenTheOldSecretOrItsTokensAreUsed_thenTheyStopAtOnce() {
    String name = uniqueName("oauthleak");
    String oldSecret = oauthRecipient("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"credential\":\"oauth_client_credentials\"}");
    String oldToken = accessToken(name, oldSecret);
    withToken(oldToken).get("/delta-sharing/shares").then().statusCode(200);

    JsonPath rotated = api.issue(name, "{\"credential\":\"oauth_client_credentials\"}");
    tokenRequest(name, oldSecret).then().statusCode(401).body("error", equalTo("invalid_client")).header("WWW-Authenticate", BASIC_CHALLENGE);
    assertRejected(oldToken, "revoked");
    assertEquals(FlightStatusCode.UNAUTHENTICATED, flightStatus(() -> client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer(oldToken))));

    String newSecret = activate(rotated.getString("activation.url")).getString("clientSecret");
    withToken(accessToken(name, newSecret)).get("/delta-sharing/shares").then().statusCode(200);
    assertRejected(oldToken, "revoked");
  }

  @Test
  void givenRevocation_whenIssuedAccessTokensAreUsed_thenTheyAreRefusedOnTheNextRequestOnEveryFace() {
    String name = uniqueName("oauthrevoked");
    String secret = oauthRecipient("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"credential\":\"oauth_client_credentials\"}");
    String token = accessToken(name, secret);
    withToken(token).get("/delta-sharing/shares").then().statusCode(200);
    client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer(token));

    asAdmin().post("/admin/recipients/" + name + "/revoke").then().statusCode(200).body("tokens.state", equalTo(List.of("revoked")));
    assertRejected(token, "revoked");
    FlightRuntimeException flightRefused =
        assertThrows(FlightRuntimeException.class, () -> client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer(token)));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, flightRefused.status().code());
    assertTrue(flightRefused.status().description().startsWith("Token rejected (revoked): "), flightRefused.status().description());
    withToken(token).contentType("application/json").body(ONE_LOOKUP).post("/get-online-features").then().statusCode(401)
        .header("WWW-Authenticate", challenge("revoked"))
        .body("message", startsWith("Token rejected (revoked): "));
    tokenRequest(name, secret).then().statusCode(401).body("error", equalTo("invalid_client"));

    asAdmin().delete("/admin/recipients/" + name).then().statusCode(204);
    assertRejected(token, "unknown_recipient");
  }

  // ---- federation ------------------------------------------------------------------------------

  @Test
  void givenAFederatedRecipient_whenItsProvidersTokenIsPresented_thenItReadsOverSharingAndFlightUntilItsPoliciesAreCleared() throws Exception {
    String name = uniqueName("federated");
    String app = "app-" + name;
    String policy = "{\"issuer\":\"" + idp().issuer() + "\",\"audiences\":[\"goldgate\"],\"subjectClaim\":\"azp\",\"subject\":\"" + app + "\"}";
    JsonPath created = api.create("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"credential\":\"none\",\"federationPolicies\":[" + policy + "]}");
    assertNull(created.get("activation"), "no link: the recipient has no secret of the gateway's");
    assertEquals(List.of(Map.of("issuer", idp().issuer(), "audiences", List.of("goldgate"), "subjectClaim", "azp", "subject", app)),
        created.getList("recipient.federationPolicies"));
    assertEquals(List.of(), created.getList("recipient.tokens"));

    String rsa = idp().token("goldgate", "user-42", b -> b.claim("azp", app));
    String ec = StubIdentityProvider.sign(idp().claims("goldgate", "user-43").claim("azp", app).build(), idp().ecKey());
    Instant from = Instant.now().minusMillis(1);
    for (String token : List.of(rsa, ec)) {
      withToken(token).get("/delta-sharing/shares").then().statusCode(200).body("items.name", equalTo(List.of("retail")));
    }
    FlightInfo info = client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer(rsa));
    assertEquals(91, readRows(info, bearer(rsa), null));
    withToken(rsa).contentType("application/json").body(ONE_LOOKUP).post("/get-online-features").then().statusCode(200);
    // Another app of the same provider is no one's.
    assertRejected(idp().token("goldgate", "user-42", b -> b.claim("azp", "someone-else")), "wrong_subject");

    int reads = info.getEndpoints().size();
    List<Map<String, Object>> accepted = auditSince(from, e -> name.equals(e.get("recipient")), 3 + reads);
    var operations = new ArrayList<>(List.of("listShares", "listShares", "GetFlightInfo"));
    operations.addAll(Collections.nCopies(reads, "DoGet"));
    assertEquals(operations, accepted.stream().map(e -> e.get("operation")).toList());
    var subjects = new ArrayList<>(List.of("user-42", "user-43"));
    subjects.addAll(Collections.nCopies(1 + reads, "user-42"));
    assertEquals(subjects, accepted.stream().map(e -> e.get("subject")).toList());
    assertTrue(accepted.stream().allMatch(e -> idp().issuer().equals(e.get("issuer"))), accepted.toString());

    asAdmin().body("{\"federationPolicies\":[]}").put("/admin/recipients/" + name + "/federation-policies").then().statusCode(200)
        .body("federationPolicies", equalTo(List.of()));
    Instant cleared = Instant.now().minusMillis(1);
    // The catalog still federates with this provider (recipient catalog-federated), for another subject.
    assertRejected(rsa, "wrong_subject");
    FlightRuntimeException flightRefused =
        assertThrows(FlightRuntimeException.class, () -> client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer(rsa)));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, flightRefused.status().code());
    assertTrue(flightRefused.status().description().startsWith("Token rejected (wrong_subject): "), flightRefused.status().description());

    List<Map<String, Object>> refused = auditSince(cleared, e -> "user-42".equals(e.get("subject")), 2);
    assertEquals(2, refused.size(), refused.toString());
    for (Map<String, Object> e : refused) {
      assertNull(e.get("recipient"), e.toString());
      assertEquals(idp().issuer(), e.get("issuer"), e.toString());
      assertTrue(String.valueOf(e.get("message")).startsWith("Token rejected (wrong_subject): "), e.toString());
    }
    assertEquals(List.of("delta-sharing", "flight"), refused.stream().map(e -> e.get("protocol")).toList());
    assertEquals(List.of("401", "UNAUTHENTICATED"), refused.stream().map(e -> e.get("status")).toList());
    String raw = rawAudit(from);
    for (String token : List.of(rsa, ec)) {
      assertFalse(raw.contains(token.substring(token.lastIndexOf('.') + 1)), "no event holds a token or its signature");
    }

    // Policies back: the same token works again.
    asAdmin().body("{\"federationPolicies\":[" + policy + "]}").put("/admin/recipients/" + name + "/federation-policies").then().statusCode(200);
    withToken(rsa).get("/delta-sharing/shares").then().statusCode(200);

    // Revocation locks a federated recipient out too: its policies go with its secrets.
    asAdmin().post("/admin/recipients/" + name + "/revoke").then().statusCode(200).body("federationPolicies", equalTo(List.of()));
    assertRejected(rsa, "wrong_subject");
  }

  @Test
  void givenTwoRecipientsWhosePoliciesTheSameTokenSatisfies_whenItIsPresented_thenItIsAmbiguousUntilOneIsGone() {
    String first = uniqueName("twin");
    String second = uniqueName("twin");
    String subject = "shared-" + first;
    String policies = "[{\"issuer\":\"" + idp().issuer() + "\",\"audiences\":[\"goldgate\"],\"subject\":\"" + subject + "\"}]";
    api.create("{\"name\":\"" + first + "\",\"shares\":[\"retail\"],\"credential\":\"none\",\"federationPolicies\":" + policies + "}");
    api.create("{\"name\":\"" + second + "\",\"shares\":[\"retail\",\"finance\"],\"credential\":\"none\",\"federationPolicies\":" + policies + "}");
    String token = idp().token("goldgate", subject);
    assertRejected(token, "ambiguous_subject");
    asAdmin().delete("/admin/recipients/" + second).then().statusCode(204);
    withToken(token).get("/delta-sharing/shares").then().statusCode(200).body("items.name", equalTo(List.of("retail")));
  }

  @Test
  void givenForgedOrMisdirectedTokens_thenEachIs401WithItsReasonAndNoRecipient() throws Exception {
    // Each would be catalog-federated's token but for one thing.
    withToken(idp().token("goldgate", CATALOG_APP)).get("/delta-sharing/shares").then().statusCode(200);
    assertRejected(idp().token("another-audience", CATALOG_APP), "wrong_audience");
    Instant past = Instant.now().minus(Duration.ofMinutes(10));
    assertRejected(idp().token("goldgate", CATALOG_APP, b -> b.issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(60)))), "expired");
    assertRejected(idp().token("goldgate", CATALOG_APP, b -> b.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))))), "not_yet_valid");
    assertRejected(idp().token("goldgate", CATALOG_APP, b -> b.issuer("https://idp.invalid/realms/other")), "unknown_issuer");
    RSAKey impostor = new RSAKeyGenerator(2048).keyID(idp().rsaKey().getKeyID()).generate();
    assertRejected(StubIdentityProvider.sign(idp().claims("goldgate", CATALOG_APP).build(), impostor), "bad_signature");
    assertRejected(new PlainJWT(idp().claims("goldgate", CATALOG_APP).build()).serialize(), "unsupported_algorithm");
    SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), idp().claims("goldgate", CATALOG_APP).build());
    hmac.sign(new MACSigner("a-shared-secret-of-at-least-256-bits!!"));
    assertRejected(hmac.serialize(), "unsupported_algorithm");
    // The gateway's own issuer, signed with a key that is not the gateway's.
    SignedJWT forged = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
        new JWTClaimsSet.Builder().issuer("goldgate").subject(CATALOG_CLIENT).claim("client_id", CATALOG_CLIENT).claim("sid", "0".repeat(16))
            .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
    forged.sign(new MACSigner("not-the-gateway-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
    assertRejected(forged.serialize(), "bad_signature");
    assertRejected("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln", "malformed");
  }

  @Test
  void givenBadFederationPolicies_thenEachIsRefusedNamingTheField() {
    String name = uniqueName("policies");
    api.create("{\"name\":\"" + name + "\",\"credential\":\"none\"}");
    String issuer = idp().issuer();
    String good = "{\"issuer\":\"" + issuer + "\",\"audiences\":[\"goldgate\"],\"subject\":\"x\"}";
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("{\"issuer\":\"http://idp.example.com/realms/x\",\"audiences\":[\"goldgate\"],\"subject\":\"x\"}",
        "federationPolicies[0].issuer: must be https (plain http only on loopback, or with goldgate.federation.allow-http=true)");
    bad.put("{\"issuer\":\"ftp://idp.example.com\",\"audiences\":[\"goldgate\"],\"subject\":\"x\"}", "federationPolicies[0].issuer: must be an https URL");
    bad.put("{\"audiences\":[\"goldgate\"],\"subject\":\"x\"}", "federationPolicies[0].issuer: required");
    bad.put("{\"issuer\":\"" + issuer + "\",\"audiences\":[],\"subject\":\"x\"}",
        "federationPolicies[0].audiences: name at least one audience the tokens are issued for");
    bad.put("{\"issuer\":\"" + issuer + "\",\"subject\":\"x\"}", "federationPolicies[0].audiences: name at least one audience the tokens are issued for");
    bad.put("{\"issuer\":\"" + issuer + "\",\"audiences\":[\"goldgate\"],\"subjectClaim\":\"bad claim\",\"subject\":\"x\"}",
        "federationPolicies[0].subjectClaim: 1-64 letters, digits, '_', ':', '.' or '-'");
    bad.put("{\"issuer\":\"" + issuer + "\",\"audiences\":[\"goldgate\"]}", "federationPolicies[0].subject: required");
    for (var entry : bad.entrySet()) {
      asAdmin().body("{\"name\":\"" + name + "-x\",\"credential\":\"none\",\"federationPolicies\":[" + entry.getKey() + "]}").post("/admin/recipients").then()
          .statusCode(400).body("errorCode", equalTo("INVALID_PARAMETER_VALUE")).body("message", equalTo(entry.getValue()));
      asAdmin().body("{\"federationPolicies\":[" + good + "," + entry.getKey() + "]}").put("/admin/recipients/" + name + "/federation-policies").then()
          .statusCode(400).body("message", equalTo(entry.getValue().replace("[0]", "[1]")));
    }
    asAdmin().body("{\"federationPolicies\":[{\"issuer\":\"" + issuer + "\",\"audiences\":[\"goldgate\",null],\"subject\":\"x\"}]}")
        .put("/admin/recipients/" + name + "/federation-policies").then().statusCode(400)
        .body("message", equalTo("federationPolicies[0].audiences[1]: required"));
    asAdmin().body("{\"federationPolicies\":[null]}").put("/admin/recipients/" + name + "/federation-policies").then().statusCode(400)
        .body("message", equalTo("federationPolicies[0]: must be an object"));
    // A body without the list is no way to remove every policy.
    asAdmin().body("{\"federationPolicies\":[" + good + "]}").put("/admin/recipients/" + name + "/federation-policies").then().statusCode(200);
    for (String empty : List.of("{}", "{\"federationPolicies\":null}")) {
      asAdmin().body(empty).put("/admin/recipients/" + name + "/federation-policies").then().statusCode(400)
          .body("message", equalTo("federationPolicies: required (an empty list removes every policy)"));
    }
    asAdmin().get("/admin/recipients/" + name).then().statusCode(200).body("federationPolicies.subject", equalTo(List.of("x")));
    String many = String.join(",", Collections.nCopies(21, good));
    asAdmin().body("{\"federationPolicies\":[" + many + "]}").put("/admin/recipients/" + name + "/federation-policies").then().statusCode(400)
        .body("message", equalTo("federationPolicies: at most 20 policies"));
    asAdmin().body("{\"federationPolicies\":[" + String.join(",", Collections.nCopies(20, good)) + "]}").put("/admin/recipients/" + name + "/federation-policies")
        .then().statusCode(200);
    asAdmin().body("{\"federationPolicies\":[{\"issuer\":\"" + issuer + "\",\"audience\":[\"goldgate\"],\"subject\":\"x\"}]}")
        .put("/admin/recipients/" + name + "/federation-policies").then().statusCode(400)
        .body("errorCode", equalTo("MALFORMED_REQUEST")).body("message", containsString("'audience'"));
    asAdmin().body("{\"federationPolicy\":[]}").put("/admin/recipients/" + name + "/federation-policies").then().statusCode(400)
        .body("errorCode", equalTo("MALFORMED_REQUEST")).body("message", containsString("'federationPolicy'"));
    asAdmin().body("{\"name\":\"" + name + "-y\",\"credential\":\"password\"}").post("/admin/recipients").then().statusCode(400)
        .body("message", equalTo("credential: 'password' must be bearer_token or oauth_client_credentials, or none"));
    asAdmin().body("{\"credential\":\"none\"}").post("/admin/recipients/" + name + "/token").then().statusCode(400)
        .body("message", equalTo("credential: 'none' must be bearer_token or oauth_client_credentials"));
    asAdmin().body("{\"federationPolicies\":[]}").put("/admin/recipients/" + CATALOG_FEDERATED + "/federation-policies").then().statusCode(409);
    asAdmin().body("{\"federationPolicies\":[]}").put("/admin/recipients/nobody-here/federation-policies").then().statusCode(404);
    asAdmin().get("/admin/recipients").then().statusCode(200).body("name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(name + "-x")));
  }

  // ---- recipients of the share catalog ---------------------------------------------------------

  @Test
  void givenACatalogRecipientWithAClientSecret_whenItsClientAsksForATokenAndReads_thenItWorks() throws Exception {
    String token = accessToken(CATALOG_CLIENT, CATALOG_SECRET);
    withToken(token).get("/delta-sharing/shares").then().statusCode(200).body("items.name", equalTo(List.of("retail")));
    assertEquals(91, readRows(client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer(token)), bearer(token), null));
    withToken(CATALOG_SECRET).get("/delta-sharing/shares").then().statusCode(401).body("message", equalTo("Unknown bearer token"));
    tokenRequest(CATALOG_CLIENT, CATALOG_SECRET + "x").then().statusCode(401).body("error", equalTo("invalid_client"));
    tokenRequest("partner", CATALOG_SECRET).then().statusCode(401).body("error", equalTo("invalid_client"));
    asAdmin().get("/admin/recipients/" + CATALOG_CLIENT).then().statusCode(200)
        .body("source", equalTo("catalog"))
        .body("tokens.type", equalTo(List.of("client_secret")))
        .body("tokens.state", equalTo(List.of("active")));
    asAdmin().post("/admin/recipients/" + CATALOG_CLIENT + "/revoke").then().statusCode(409);
  }

  @Test
  void givenACatalogRecipientWithAFederationPolicy_whenItsProvidersTokenIsPresented_thenItReads() throws Exception {
    String token = idp().token("goldgate", CATALOG_APP);
    withToken(token).get("/delta-sharing/shares").then().statusCode(200).body("items.name", equalTo(List.of("retail")));
    assertEquals(91, readRows(client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer(token)), bearer(token), null));
    asAdmin().get("/admin/recipients/" + CATALOG_FEDERATED).then().statusCode(200)
        .body("source", equalTo("catalog"))
        .body("tokens", equalTo(List.of()))
        .body("federationPolicies[0].issuer", equalTo(idp().issuer()))
        .body("federationPolicies[0].audiences", equalTo(List.of("goldgate")))
        .body("federationPolicies[0].subjectClaim", equalTo("sub"))
        .body("federationPolicies[0].subject", equalTo(CATALOG_APP));
  }



  // ---- helpers ---------------------------------------------------------------------------------

  /** Creates an OAuth client recipient and opens its link; returns its client secret. */
  String oauthRecipient(String json) {
    JsonPath profile = activate(api.create(json).getString("activation.url"));
    assertEquals("oauth_client_credentials", profile.getString("type"));
    return profile.getString("clientSecret");
  }

  static Response tokenRequest(String clientId, String secret) {
    return given().auth().preemptive().basic(clientId, secret).formParam("grant_type", "client_credentials").post(TOKEN_ENDPOINT);
  }

  static String accessToken(String clientId, String secret) {
    return tokenRequest(clientId, secret).then().statusCode(200).extract().jsonPath().getString("access_token");
  }

  static io.restassured.response.ValidatableResponse oauthError(RequestSpecification request, int status, String error) {
    return request.post(TOKEN_ENDPOINT).then().statusCode(status)
        .contentType(containsString("application/json"))
        .header("Cache-Control", "no-store")
        .body("error", equalTo(error))
        .body("access_token", nullValue());
  }

  static String challenge(String reason) {
    return "Bearer realm=\"goldgate\", error=\"invalid_token\", error_description=\"" + reason + "\"";
  }

  /** The token is refused on Delta Sharing with {@code reason}, in the body and the challenge, never echoed. */
  static void assertRejected(String token, String reason) {
    String body = withToken(token).get("/delta-sharing/shares").then().statusCode(401)
        .header("WWW-Authenticate", challenge(reason))
        .body("errorCode", equalTo("UNAUTHENTICATED"))
        .body("message", startsWith("Token rejected (" + reason + "): "))
        .extract().asString();
    assertFalse(body.contains(token), body);
  }

  static org.hamcrest.Matcher<String> not(String secret) {
    return org.hamcrest.Matchers.not(containsString(secret));
  }

  static CallOption bearer(String token) {
    CallHeaders headers = new FlightCallHeaders();
    headers.insert("authorization", "Bearer " + token);
    return new HeaderCallOption(headers);
  }

  static FlightStatusCode flightStatus(Runnable call) {
    return assertThrows(FlightRuntimeException.class, call::run).status().code();
  }

  /** Reads every endpoint; returns the rows, counting them per region into {@code regions} when given. */
  long readRows(FlightInfo info, CallOption auth, Map<String, Long> regions) throws Exception {
    long rows = 0;
    for (FlightEndpoint endpoint : info.getEndpoints()) {
      try (FlightStream stream = client.getStream(endpoint.getTicket(), auth)) {
        while (stream.next()) {
          VectorSchemaRoot root = stream.getRoot();
          rows += root.getRowCount();
          if (regions != null) {
            VarCharVector region = (VarCharVector) root.getVector("region");
            for (int i = 0; i < root.getRowCount(); i++) {
              regions.merge(new String(region.get(i), StandardCharsets.UTF_8), 1L, Long::sum);
            }
          }
        }
      }
    }
    return rows;
  }

  /** The audit events since {@code from} that {@code which} selects, oldest first; waits (10 s at most) for {@code expected} of them. */
  static List<Map<String, Object>> auditSince(Instant from, Predicate<Map<String, Object>> which, int expected) {
    List<Map<String, Object>> events = List.of();
    for (int i = 0; i < 200; i++) {
      List<Map<String, Object>> all =
          asAdmin().queryParam("from", from.toString()).queryParam("order", "oldest").queryParam("limit", "1000").get("/admin/audit")
              .then().statusCode(200).extract().jsonPath().getList("events");
      events = all.stream().filter(which).toList();
      if (events.size() >= expected) break;
      sleep(50);
    }
    return events;
  }

  /** Every audit event since {@code from}, as the admin API answers them. */
  static String rawAudit(Instant from) {
    return asAdmin().queryParam("from", from.toString()).queryParam("limit", "1000").get("/admin/audit").then().statusCode(200).extract().asString();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
