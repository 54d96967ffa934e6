package io.goldgate.admin;

import static io.goldgate.admin.RecipientApi.activate;
import static io.goldgate.admin.RecipientApi.asAdmin;
import static io.goldgate.admin.RecipientApi.uniqueName;
import static io.goldgate.admin.RecipientApi.withToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.access.CredentialKind;
import io.goldgate.access.RedisRecipientStore;
import io.goldgate.access.Secrets;
import io.goldgate.access.StoredRecipient;
import io.goldgate.access.StubIdentityProvider;
import io.goldgate.redis.RedisConnection;
import io.goldgate.testing.Readiness;
import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
import io.lettuce.core.RedisClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The recipients lifecycle with a real Redis as the store every replica shares. A second store
 * over its own connection stands for another replica.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedis.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecipientLifecycleRedisTest {

  final RecipientApi api = new RecipientApi();

  static String redisUrl() {
    return "redis://127.0.0.1:" + RealRedis.configuredPort();
  }

  /** Another replica's view of the same Redis. */
  static RedisRecipientStore otherReplica(RedisConnection connection) {
    return new RedisRecipientStore(connection);
  }

  @Test
  @Order(1)
  void givenRedis_whenARecipientGoesThroughItsLifecycle_thenEveryStepHolds() throws Exception {
    String name = uniqueName("redis");
    JsonPath created = api.create("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}");
    String link = created.getString("activation.url");
    String first = activate(link).getString("bearerToken");
    given().get(URI.create(link).getPath()).then().statusCode(404).body("message", containsString("already used"));
    withToken(first).get("/delta-sharing/shares").then().statusCode(200).body("items.name", equalTo(List.of("retail")));

    JsonPath rotated = api.issue(name, "{\"gracePeriod\":\"PT2S\"}");
    Instant graceEnd = Instant.parse(rotated.getString("previousTokensEndAt"));
    String second = activate(rotated.getString("activation.url")).getString("bearerToken");
    assertEquals(200, api.sharesStatus(first));
    assertEquals(200, api.sharesStatus(second));
    RecipientApi.sleepUntil(graceEnd);
    withToken(first).get("/delta-sharing/shares").then().statusCode(401).body("message", equalTo("The bearer token expired at " + graceEnd));
    assertEquals(200, api.sharesStatus(second));

    asAdmin().post("/admin/recipients/" + name + "/revoke").then().statusCode(200);
    withToken(second).get("/delta-sharing/shares").then().statusCode(401).body("message", containsString("revoked at"));

    RedisClient client = RedisClient.create(redisUrl());
    try (var connection = client.connect()) {
      var redis = connection.sync();
      List<String> keys = redis.keys("goldgate:recipients:*");
      assertEquals(List.of("goldgate:recipients:activations", "goldgate:recipients:records", "goldgate:recipients:tokens"), keys.stream().sorted().toList());
      Map<String, String> tokens = redis.hgetall("goldgate:recipients:tokens");
      assertEquals(name, tokens.get(Secrets.sha256Hex(second)));
      for (String key : redis.keys("*")) {
        String dump = key.startsWith("goldgate:recipients:") ? redis.hgetall(key).toString() : "";
        for (String token : List.of(first, second)) {
          assertFalse(key.contains(token) || dump.contains(token), "Redis holds a token in plain form under " + key);
        }
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  @Order(2)
  void givenTwoReplicas_whenOneChangesARecipient_thenTheOtherSeesItOnTheNextRequest() {
    String name = uniqueName("shared");
    String token = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}");
    var connection = new RedisConnection(redisUrl(), false, Duration.ofSeconds(2));
    try {
      RedisRecipientStore replica = otherReplica(connection);
      StoredRecipient seen = replica.findByTokenHash(Secrets.sha256Hex(token)).orElseThrow();
      assertEquals(name, seen.name());
      assertEquals(List.of("retail"), seen.shares());

      // The other replica grants a share, then revokes every token: this one follows at once.
      replica.update(name, r -> r.withShares(List.of("retail", "finance"), Instant.now()));
      withToken(token).get("/delta-sharing/shares").then().statusCode(200).body("items.name", equalTo(List.of("finance", "retail")));
      Instant now = Instant.now();
      replica.update(name, r -> r.withTokens(r.mapTokens(t -> new StoredRecipient.StoredToken(t.sha256(), t.issuedAt(), t.expiresAt(), now)), now));
      withToken(token).get("/delta-sharing/shares").then().statusCode(401).body("message", equalTo("The bearer token was revoked at " + now));

      assertTrue(replica.delete(name));
      asAdmin().get("/admin/recipients/" + name).then().statusCode(404);
    } finally {
      connection.close();
    }
  }

  @Test
  @Order(3)
  void givenRedis_whenAWriteGrantIsGivenAndTakenBack_thenTheOtherReplicaSeesThePropertyAndTheNextPushFollows() {
    String name = uniqueName("redis-writer");
    String token = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}");
    String push = FeatureWriteGrantsTest.push(960101);
    asAdmin().put("/admin/recipients/" + name + "/feature-writes/customer_stats").then().statusCode(200)
        .body("featureViews", equalTo(List.of("customer_stats")));
    withToken(token).contentType("application/json").body(push).post("/push").then().statusCode(200);
    var connection = new RedisConnection(redisUrl(), false, Duration.ofSeconds(2));
    try {
      RedisRecipientStore replica = otherReplica(connection);
      assertEquals("customer_stats", replica.get(name).orElseThrow().properties().get("goldgate.featureWrites"));
      asAdmin().delete("/admin/recipients/" + name + "/feature-writes/customer_stats").then().statusCode(200).body("featureViews", equalTo(List.of()));
      withToken(token).contentType("application/json").body(push).post("/push").then().statusCode(403).body("errorCode", equalTo("PERMISSION_DENIED"));
      assertFalse(replica.get(name).orElseThrow().properties().containsKey("goldgate.featureWrites"));
    } finally {
      connection.close();
    }
  }

  @Test
  @Order(4)
  void givenOneLink_whenOpenedConcurrently_thenExactlyOneOpeningGetsAToken() throws Exception {
    String name = uniqueName("race");
    String path = URI.create(api.create("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}").getString("activation.url")).getPath();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      var calls = new ArrayList<Callable<Integer>>();
      for (int i = 0; i < 6; i++) {
        calls.add(() -> given().post(path).statusCode());
      }
      var statuses = new ArrayList<Integer>();
      for (Future<Integer> f : pool.invokeAll(calls)) {
        statuses.add(f.get());
      }
      assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
      assertEquals(5, statuses.stream().filter(s -> s == 404).count(), statuses.toString());
    } finally {
      pool.shutdownNow();
    }
    asAdmin().get("/admin/recipients/" + name).then().body("tokens.size()", equalTo(1));
  }

  @Test
  @Order(6)
  void givenRedis_thenNoAnswerAndNoLogLineHoldsATokenOrItsHash() {
    NoLeakScenario.run(uniqueName("redisleak"));
  }

  @Test
  @Order(7)
  // Last: the restart empties Redis, and RedisAuditTest, which shares this application and Redis,
  // expects an audit stream holding its own events only.
  void givenRedisDown_whenARuntimeTokenIsUsed_thenItIs503WhileCatalogTokensStillWork() {
    String token = api.createAndActivate("{\"name\":\"" + uniqueName("outage") + "\",\"shares\":[\"retail\"]}");
    int port = RealRedis.configuredPort();
    RealRedis.shutdown(port);
    try {
      withToken(token).get("/delta-sharing/shares").then().statusCode(503)
          .body("errorCode", equalTo("TEMPORARILY_UNAVAILABLE"))
          .body("message", containsString("The recipient store is unavailable"));
      withToken(SampleLake.PARTNER_TOKEN).get("/delta-sharing/shares").then().statusCode(200);
      asAdmin().get("/admin/recipients").then().statusCode(503);
    } finally {
      RealRedis.start(port);
      Readiness.await();
    }
  }

  @Test
  @Order(5)
  void givenRedis_whenAnOAuthClientAndAFederatedRecipientSignIn_thenAnotherReplicaSeesTheirSecretsAndPoliciesAndItsChangesHoldOnTheNextRequest() throws Exception {
    // The stub stands in for the recipient's identity provider (Keycloak in the interop suite).
    try (StubIdentityProvider idp = new StubIdentityProvider()) {
      String client = uniqueName("redis-oauth");
      String secret = activate(api.create("{\"name\":\"" + client + "\",\"shares\":[\"retail\"],\"credential\":\"oauth_client_credentials\"}")
          .getString("activation.url")).getString("clientSecret");
      String accessToken = given().auth().preemptive().basic(client, secret).formParam("grant_type", "client_credentials").post("/delta-sharing/oauth/token")
          .then().statusCode(200).extract().jsonPath().getString("access_token");
      withToken(accessToken).get("/delta-sharing/shares").then().statusCode(200).body("items.name", equalTo(List.of("retail")));
      withToken(secret).get("/delta-sharing/shares").then().statusCode(401).body("message", equalTo("Unknown bearer token"));

      String federated = uniqueName("redis-federated");
      String policy = "{\"issuer\":\"" + idp.issuer() + "\",\"audiences\":[\"goldgate\"],\"subject\":\"app-" + federated + "\"}";
      api.create("{\"name\":\"" + federated + "\",\"shares\":[\"retail\"],\"credential\":\"none\",\"federationPolicies\":[" + policy + "]}");
      String idToken = idp.token("goldgate", "app-" + federated);
      withToken(idToken).get("/delta-sharing/shares").then().statusCode(200).body("items.name", equalTo(List.of("retail")));

      var connection = new RedisConnection(redisUrl(), false, Duration.ofSeconds(2));
      RedisClient raw = RedisClient.create(redisUrl());
      try (var rawConnection = raw.connect()) {
        RedisRecipientStore replica = otherReplica(connection);
        StoredRecipient stored = replica.get(client).orElseThrow();
        assertEquals(List.of(CredentialKind.CLIENT_SECRET), stored.tokens().stream().map(StoredRecipient.StoredToken::kind).toList());
        assertEquals(List.of(federated), replica.findByIssuer(idp.issuer()).stream().map(StoredRecipient::name).toList());
        String records = rawConnection.sync().hgetall("goldgate:recipients:records").toString();
        assertFalse(records.contains(secret), "Redis holds no client secret in plain form");
        assertTrue(records.contains(Secrets.sha256Hex(secret)));

        // The other replica revokes the client secret and clears the policies: this one follows at once.
        Instant now = Instant.now();
        replica.update(client, r -> r.withTokens(r.mapTokens(t -> t.revokedAt(now)), now));
        withToken(accessToken).get("/delta-sharing/shares").then().statusCode(401)
            .header("WWW-Authenticate", "Bearer realm=\"goldgate\", error=\"invalid_token\", error_description=\"revoked\"")
            .body("message", containsString("Token rejected (revoked): "));
        given().auth().preemptive().basic(client, secret).formParam("grant_type", "client_credentials").post("/delta-sharing/oauth/token")
            .then().statusCode(401).body("error", equalTo("invalid_client"));
        replica.update(federated, r -> r.withFederationPolicies(List.of(), Instant.now()));
        withToken(idToken).get("/delta-sharing/shares").then().statusCode(401).body("message", containsString("Token rejected (unknown_issuer): "));
        assertEquals(List.of(), replica.findByIssuer(idp.issuer()));
        assertEquals(0, rawConnection.sync().keys("goldgate:recipients:issuer:*").size(), "the issuer's index is gone with its last recipient");

        asAdmin().body("{\"federationPolicies\":[" + policy + "]}").put("/admin/recipients/" + federated + "/federation-policies").then().statusCode(200);
        assertEquals(List.of(federated), replica.findByIssuer(idp.issuer()).stream().map(StoredRecipient::name).toList());
        withToken(idToken).get("/delta-sharing/shares").then().statusCode(200);
      } finally {
        raw.shutdown();
        connection.close();
      }
    }
  }
}
