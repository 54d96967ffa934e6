package io.goldgate.admin;

import static io.goldgate.admin.RecipientApi.activate;
import static io.goldgate.admin.RecipientApi.asAdmin;
import static io.goldgate.admin.RecipientApi.uniqueName;
import static io.goldgate.admin.RecipientApi.withToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.access.FileRecipientStore;
import io.goldgate.access.RecipientStore;
import io.goldgate.access.Secrets;
import io.goldgate.access.StoredRecipient;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.flight.FlightService;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * The recipients lifecycle in embedded mode (no Redis: recipients live in a file of the state
 * directory), through the admin API, activation links and the Delta Sharing API.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class RecipientLifecycleTest {

  @Inject GoldgateConfig config;
  @Inject FlightService flight;
  @Inject RecipientStore store;

  final RecipientApi api = new RecipientApi();

  @Test
  void givenANewRecipient_whenItsLinkIsOpenedTwice_thenTheFirstGivesAProfileAndTheSecondIs404() {
    String name = uniqueName("acme");
    JsonPath created = api.create("{\"name\":\"" + name + "\",\"comment\":\"ACME Corp\",\"shares\":[\"RETAIL\"],\"properties\":{\"region\":\"emea\"}}");
    assertEquals(name, created.getString("recipient.name"));
    assertEquals("api", created.getString("recipient.source"));
    assertEquals(List.of("retail"), created.getList("recipient.shares"), "share names as the catalog spells them");
    assertEquals(Map.of("region", "emea"), created.getMap("recipient.properties"));
    assertEquals("pending", created.getString("recipient.activation.state"));
    assertEquals(List.of(), created.getList("recipient.tokens"));
    String url = created.getString("activation.url");
    assertTrue(url.matches("http://localhost:\\d+/delta-sharing/activation/[A-Za-z0-9_-]{43}"), url);
    assertFalse(created.prettify().contains("bearerToken"));

    JsonPath profile = activate(url);
    assertEquals(1, profile.getInt("shareCredentialsVersion"));
    assertTrue(profile.getString("endpoint").matches("http://localhost:\\d+/delta-sharing"), profile.getString("endpoint"));
    assertTrue(profile.getMap("").containsKey("bearerToken"));
    assertFalse(profile.getMap("").containsKey("expirationTime"), "no lifetime was asked for");
    String token = profile.getString("bearerToken");

    given().get(java.net.URI.create(url).getPath()).then().statusCode(404)
        .body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST"))
        .body("message", containsString("This activation link was already used at"));

    withToken(token).get("/delta-sharing/shares").then().statusCode(200)
        .body("items.name", equalTo(List.of("retail")));
    withToken(token).get("/delta-sharing/shares/retail/schemas/gold/tables/sales_daily/version").then().statusCode(200);
    asAdmin().get("/admin/recipients/" + name).then().statusCode(200)
        .body("tokens.state", equalTo(List.of("active")))
        .body("activation.state", equalTo("used"));
  }

  @Test
  void givenAnActivationLink_whenFetchedWithGetOrHead_thenItIsDescribedAndNotSpent() {
    String name = uniqueName("preview");
    JsonPath created = api.create("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"tokenLifetime\":\"P7D\"}");
    String path = java.net.URI.create(created.getString("activation.url")).getPath();

    // What mail scanners and link previewers do: none of it may spend the link.
    for (int i = 0; i < 2; i++) {
      given().head(path).then().statusCode(200).header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer");
      String page = given().accept("text/html").get(path).then().statusCode(200)
          .contentType(containsString("text/html")).header("Cache-Control", "no-store").extract().asString();
      assertTrue(page.contains("recipient <strong>" + name + "</strong>"), page);
      assertTrue(page.contains("<strong>once</strong>"), page);
      assertTrue(page.contains("<form method=\"post\">"), page);
      assertFalse(page.contains("bearerToken"), page);
      given().get(path).then().statusCode(200).contentType(containsString("text/html"));
      given().accept("application/json").get(path).then().statusCode(200)
          .body("recipient", equalTo(name)).body("tokenLifetime", equalTo("PT168H")).body("activate.method", equalTo("POST"))
          .body("bearerToken", nullValue());
    }
    asAdmin().get("/admin/recipients/" + name).then().statusCode(200).body("activation.state", equalTo("pending")).body("tokens", equalTo(List.of()));

    JsonPath profile = activate(created.getString("activation.url"));
    assertTrue(profile.getMap("").containsKey("bearerToken"));
    given().head(path).then().statusCode(404);
    given().accept("text/html").get(path).then().statusCode(404).body("message", containsString("already used"));
    given().post(path).then().statusCode(404).body("message", containsString("already used"));
  }

  @Test
  void givenAnUnknownActivationCode_whenOpened_thenItIs404() {
    given().get("/delta-sharing/activation/not-a-code").then().statusCode(404)
        .body("message", containsString("does not exist or was replaced"));
  }

  @Test
  void givenARotationWithAGracePeriod_whenTheGraceEnds_thenTheOldTokenIs401AndTheNewOneWorks() throws Exception {
    String name = uniqueName("rotating");
    String oldToken = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}");
    JsonPath rotated = api.issue(name, "{\"gracePeriod\":\"PT2S\"}");
    Instant graceEnd = Instant.parse(rotated.getString("previousTokensEndAt"));
    String newToken = activate(rotated.getString("activation.url")).getString("bearerToken");
    assertNotEquals(oldToken, newToken);

    assertEquals(200, api.sharesStatus(oldToken), "the old token works during the grace period");
    assertEquals(200, api.sharesStatus(newToken));
    RecipientApi.sleepUntil(graceEnd);
    withToken(oldToken).get("/delta-sharing/shares").then().statusCode(401)
        .body("errorCode", equalTo("UNAUTHENTICATED"))
        .body("message", equalTo("The bearer token expired at " + graceEnd));
    assertEquals(200, api.sharesStatus(newToken));
  }

  @Test
  void givenARotationWithoutGrace_whenTheOldTokenIsUsed_thenItIs401AtOnce() {
    String name = uniqueName("leaked");
    String oldToken = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}");
    JsonPath rotated = api.issue(name, "");
    assertEquals(401, api.sharesStatus(oldToken));
    String newToken = activate(rotated.getString("activation.url")).getString("bearerToken");
    assertEquals(200, api.sharesStatus(newToken));
  }

  @Test
  void givenARotation_whenTheEarlierUnopenedLinkIsOpened_thenItIs404() {
    String name = uniqueName("twolinks");
    String firstLink = api.create("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}").getString("activation.url");
    api.issue(name, "{}");
    given().get(java.net.URI.create(firstLink).getPath()).then().statusCode(404)
        .body("message", containsString("replaced by a newer one"));
  }

  @Test
  void givenRevocation_whenAnyTokenIsUsed_thenItIs401AtOnce() {
    String name = uniqueName("revoked");
    String first = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}");
    String second = activate(api.issue(name, "{\"gracePeriod\":\"PT1H\"}").getString("activation.url")).getString("bearerToken");
    String pendingLink = api.issue(name, "{\"gracePeriod\":\"PT1H\"}").getString("activation.url");
    assertEquals(200, api.sharesStatus(first));
    assertEquals(200, api.sharesStatus(second));

    asAdmin().post("/admin/recipients/" + name + "/revoke").then().statusCode(200)
        .body("tokens.state", equalTo(List.of("revoked", "revoked")))
        .body("activation", nullValue());
    for (String token : List.of(first, second)) {
      withToken(token).get("/delta-sharing/shares").then().statusCode(401)
          .body("message", containsString("The bearer token was revoked at"));
    }
    given().get(java.net.URI.create(pendingLink).getPath()).then().statusCode(404);
  }

  @Test
  void givenATokenLifetime_whenItEnds_thenTheTokenIs401SayingWhenItExpired() throws Exception {
    String name = uniqueName("shortlived");
    JsonPath created = api.create("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"tokenLifetime\":\"PT1S\"}");
    assertEquals("PT1S", created.getString("activation.tokenLifetime"));
    JsonPath profile = activate(created.getString("activation.url"));
    Instant expiry = Instant.parse(profile.getString("expirationTime"));
    assertTrue(expiry.isAfter(Instant.now().minusSeconds(1)) && expiry.isBefore(Instant.now().plusSeconds(2)), expiry.toString());
    RecipientApi.sleepUntil(expiry);
    withToken(profile.getString("bearerToken")).get("/delta-sharing/shares").then().statusCode(401)
        .body("message", equalTo("The bearer token expired at " + expiry));
    asAdmin().get("/admin/recipients/" + name).then().body("tokens.state", equalTo(List.of("expired")));
  }

  @Test
  void givenAGrant_whenRevoked_thenTheShareIsGoneForTheRecipient() {
    String name = uniqueName("granted");
    String token = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}");
    withToken(token).get("/delta-sharing/shares/finance").then().statusCode(404);

    asAdmin().put("/admin/recipients/" + name + "/shares/Finance").then().statusCode(200)
        .body("shares", equalTo(List.of("retail", "finance")));
    withToken(token).get("/delta-sharing/shares").then().statusCode(200).body("items.name", equalTo(List.of("finance", "retail")));
    withToken(token).get("/delta-sharing/shares/finance/schemas/gold/tables/customer_ltv/version").then().statusCode(200);

    asAdmin().delete("/admin/recipients/" + name + "/shares/finance").then().statusCode(200)
        .body("shares", equalTo(List.of("retail")));
    withToken(token).get("/delta-sharing/shares/finance").then().statusCode(404)
        .body("message", equalTo("Share 'finance' does not exist or is not shared with you"));
    withToken(token).get("/delta-sharing/shares/finance/schemas/gold/tables/customer_ltv/version").then().statusCode(404);
    asAdmin().delete("/admin/recipients/" + name + "/shares/finance").then().statusCode(404)
        .body("message", equalTo("Share 'finance' is not granted to recipient '" + name + "'"));
  }

  private static final String ONE_LOOKUP = "{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[1]}}";

  @Test
  void givenAnIpAllowList_whenTheClientIsOutsideIt_thenSharingAndFeaturesAre403AndInsideIs200() {
    String name = uniqueName("fenced");
    String token = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"ipAllowList\":[\"10.0.0.0/8\",\"2001:db8::/32\"]}");
    withToken(token).get("/delta-sharing/shares").then().statusCode(403)
        .body("errorCode", equalTo("PERMISSION_DENIED"))
        .body("message", equalTo("Recipient '" + name + "' may not connect from 127.0.0.1: the address is not in its IP allow-list"));
    withToken(token).contentType("application/json").body(ONE_LOOKUP).post("/get-online-features").then().statusCode(403)
        .body("message", containsString("may not connect from 127.0.0.1"));

    asAdmin().body("{\"ipAllowList\":[\"10.0.0.0/8\",\"127.0.0.1/32\"]}").patch("/admin/recipients/" + name).then().statusCode(200)
        .body("ipAllowList", equalTo(List.of("10.0.0.0/8", "127.0.0.1/32")));
    withToken(token).get("/delta-sharing/shares").then().statusCode(200);
    withToken(token).contentType("application/json").body(ONE_LOOKUP).post("/get-online-features").then().statusCode(200);

    asAdmin().body("{\"ipAllowList\":[]}").patch("/admin/recipients/" + name).then().statusCode(200);
    withToken(token).get("/delta-sharing/shares").then().statusCode(200);
  }

  @Test
  void givenAnIpAllowList_whenAFlightClientIsOutsideIt_thenTheCallIsUnauthorizedAndInsideItWorks() throws Exception {
    String name = uniqueName("flightfenced");
    String token = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"ipAllowList\":[\"10.0.0.0/8\"]}");
    try (BufferAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", flight.port())).build()) {
      FlightRuntimeException refused =
          assertThrows(FlightRuntimeException.class, () -> client.listFlights(Criteria.ALL, bearer(token)).forEach(info -> {}));
      assertEquals(FlightStatusCode.UNAUTHORIZED, refused.status().code());
      assertEquals("Recipient '" + name + "' may not connect from 127.0.0.1: the address is not in its IP allow-list", refused.status().description());

      asAdmin().body("{\"ipAllowList\":[\"127.0.0.1/32\"]}").patch("/admin/recipients/" + name).then().statusCode(200);
      var names = new java.util.ArrayList<String>();
      client.listFlights(Criteria.ALL, bearer(token)).forEach(info -> names.add(String.join(".", info.getDescriptor().getPath())));
      assertTrue(names.contains("retail.gold.sales_daily"), names.toString());
      assertTrue(names.stream().allMatch(n -> n.startsWith("retail.")), "only the granted share: " + names);

      asAdmin().post("/admin/recipients/" + name + "/revoke").then().statusCode(200);
      FlightRuntimeException revoked =
          assertThrows(FlightRuntimeException.class, () -> client.listFlights(Criteria.ALL, bearer(token)).forEach(info -> {}));
      assertEquals(FlightStatusCode.UNAUTHENTICATED, revoked.status().code());
    }
  }

  static CallOption bearer(String token) {
    CallHeaders headers = new FlightCallHeaders();
    headers.insert("authorization", "Bearer " + token);
    return new HeaderCallOption(headers);
  }

  @Test
  void givenADeletedRecipient_whenItsTokenIsUsed_thenItIs401AndTheRecipientIsGone() {
    String name = uniqueName("deleted");
    String token = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}");
    asAdmin().delete("/admin/recipients/" + name).then().statusCode(204);
    withToken(token).get("/delta-sharing/shares").then().statusCode(401).body("message", equalTo("Unknown bearer token"));
    asAdmin().get("/admin/recipients/" + name).then().statusCode(404);
    asAdmin().delete("/admin/recipients/" + name).then().statusCode(404);
  }

  @Test
  void givenRecipientsInTheStateFile_whenANewStoreOpensIt_thenItSeesThemAndTheirTokenHashes() throws Exception {
    String name = uniqueName("durable");
    String token = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"ipAllowList\":[\"127.0.0.1/32\"]}");
    var file = config.state().dir().resolve("recipients.json");
    String content = Files.readString(file, StandardCharsets.UTF_8);
    assertFalse(content.contains(token), "the file holds no token");
    assertTrue(content.contains(Secrets.sha256Hex(token)), "only its hash");

    var restarted = new FileRecipientStore(config.state().dir());
    StoredRecipient stored = restarted.get(name).orElseThrow();
    assertEquals(List.of("retail"), stored.shares());
    assertEquals(List.of("127.0.0.1/32"), stored.ipAllowList());
    assertEquals(name, restarted.findByTokenHash(Secrets.sha256Hex(token)).orElseThrow().name());
    assertTrue(restarted.findByTokenHash(Secrets.sha256Hex("not-" + token)).isEmpty());
  }

  @Test
  void givenTheListing_thenCatalogRecipientsAreReadOnlyAndApiOnesModifiable() {
    String name = uniqueName("listed");
    api.create("{\"name\":\"" + name + "\"}");
    JsonPath all = asAdmin().get("/admin/recipients").then().statusCode(200).extract().jsonPath();
    assertEquals("catalog", all.getString("find { it.name == 'partner' }.source"));
    assertEquals(List.of("features", "retail"), all.getList("find { it.name == 'partner' }.shares"));
    assertEquals("api", all.getString("find { it.name == '" + name + "' }.source"));
    asAdmin().get("/admin/recipients/partner").then().statusCode(200).body("source", equalTo("catalog"));

    String readOnly = "Recipient 'partner' is declared in the share catalog (shares/*.yaml) and is read-only through the admin API: change it there";
    asAdmin().delete("/admin/recipients/partner").then().statusCode(409).body("errorCode", equalTo("RESOURCE_CONFLICT")).body("message", equalTo(readOnly));
    asAdmin().post("/admin/recipients/partner/revoke").then().statusCode(409).body("message", equalTo(readOnly));
    asAdmin().body("{}").post("/admin/recipients/partner/token").then().statusCode(409);
    asAdmin().put("/admin/recipients/partner/shares/finance").then().statusCode(409);
    asAdmin().body("{\"comment\":\"x\"}").patch("/admin/recipients/partner").then().statusCode(409);
    asAdmin().body("{\"name\":\"partner\"}").post("/admin/recipients").then().statusCode(409)
        .body("message", equalTo("Recipient 'partner' is already declared in the share catalog (shares/*.yaml)"));
    withToken(SampleLake.PARTNER_TOKEN).get("/delta-sharing/shares").then().statusCode(200);
  }

  @Test
  void givenAnApiRecipientThatTheCatalogDeclaredLater_whenItsTokenIsUsed_thenItIs401AndDeleteCleansItUp() {
    // As if 'analyst' had been created through the API before the operator declared it in YAML.
    String token = "shadowed-" + java.util.UUID.randomUUID();
    Instant now = Instant.now();
    assertTrue(store.create(new StoredRecipient(
        "analyst", null, List.of("retail"), Map.of(), List.of(), List.of(new StoredRecipient.StoredToken(Secrets.sha256Hex(token), now, null, null)), null, now, now, List.of(), List.of())));
    withToken(token).get("/delta-sharing/shares").then().statusCode(401)
        .body("message", equalTo("This token's recipient 'analyst' is now declared in the share catalog; use that recipient's token"));
    withToken(SampleLake.ANALYST_TOKEN).get("/delta-sharing/shares").then().statusCode(200);
    asAdmin().delete("/admin/recipients/analyst").then().statusCode(204);
    asAdmin().delete("/admin/recipients/analyst").then().statusCode(409);
    withToken(token).get("/delta-sharing/shares").then().statusCode(401).body("message", equalTo("Unknown bearer token"));
  }

  @Test
  void givenBadInput_thenEachIsRefusedWithItsReason() {
    String name = uniqueName("strict");
    api.create("{\"name\":\"" + name + "\"}");
    asAdmin().body("{\"name\":\"" + name + "\"}").post("/admin/recipients").then().statusCode(409)
        .body("message", equalTo("Recipient '" + name + "' already exists"));
    asAdmin().get("/admin/recipients/nobody-here").then().statusCode(404).body("message", equalTo("Recipient 'nobody-here' does not exist"));
    asAdmin().body("{}").post("/admin/recipients/nobody-here/token").then().statusCode(404);
    asAdmin().post("/admin/recipients/nobody-here/revoke").then().statusCode(404);
    asAdmin().put("/admin/recipients/nobody-here/shares/retail").then().statusCode(404);

    badRequest("{\"name\":\"x1\",\"ipAllowList\":[\"10.0.0.0/33\"]}", "ipAllowList[0]: '10.0.0.0/33' has an invalid prefix length: use 0 to 32");
    badRequest("{\"name\":\"x1\",\"ipAllowList\":[\"not-an-ip\"]}", "ipAllowList[0]: 'not-an-ip' is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32");
    badRequest("{\"name\":\"x1\",\"ipAllowList\":[\"10.1.2.3/8\"]}", "ipAllowList[0]: '10.1.2.3/8' has bits set after the prefix: did you mean 10.0.0.0/8?");
    badRequest("{\"name\":\"x1\",\"shares\":[\"nope\"]}", "shares[0]: unknown share 'nope'");
    badRequest("{\"name\":\"Bad Name\"}", "name: 'Bad Name' must be 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
    badRequest("{\"comment\":\"no name\"}", "name: required");
    badRequest("{\"name\":\"x1\",\"tokenLifetime\":\"90 days\"}", "tokenLifetime: '90 days' is not one ISO-8601 unit: P<days>D (at most 4 digits), PT<hours>H (5), PT<minutes>M (7) or PT<seconds>S (9), no leading zeros, such as PT24H or P90D, more than zero");
    asAdmin().body("{\"name\":\"x1\",\"ipAllowlist\":[]}").post("/admin/recipients").then().statusCode(400)
        .body("errorCode", equalTo("MALFORMED_REQUEST")).body("message", containsString("Unknown field 'ipAllowlist'"));
    asAdmin().body("{\"name\":").post("/admin/recipients").then().statusCode(400)
        .body("errorCode", equalTo("MALFORMED_REQUEST")).body("message", containsString("The request body is not valid JSON"));
    asAdmin().body("").post("/admin/recipients").then().statusCode(400).body("message", equalTo("A JSON object is required as the request body"));
    asAdmin().put("/admin/recipients/" + name + "/shares/nope").then().statusCode(400).body("message", equalTo("share: unknown share 'nope'"));
    asAdmin().body("{\"gracePeriod\":\"-PT1S\"}").post("/admin/recipients/" + name + "/token").then().statusCode(400)
        .body("message", equalTo("gracePeriod: '-PT1S' is not one ISO-8601 unit: P<days>D (at most 2 digits), PT<hours>H (3), PT<minutes>M (5) or PT<seconds>S (6), no leading zeros, such as PT24H or P90D"));
    asAdmin().body("{\"ipAllowList\":[\"::1/129\"]}").patch("/admin/recipients/" + name).then().statusCode(400)
        .body("message", equalTo("ipAllowList[0]: '::1/129' has an invalid prefix length: use 0 to 128"));
    asAdmin().get("/admin/recipients").then().statusCode(200).body("name", not(hasItem("x1")));
  }

  @Test
  void givenDurationsAndSizesPastTheirLimits_thenEachIsRefusedNamingTheField() {
    String name = uniqueName("limits");
    api.create("{\"name\":\"" + name + "\"}");
    String token = "/admin/recipients/" + name + "/token";
    String grace = "is not one ISO-8601 unit: P<days>D (at most 2 digits), PT<hours>H (3), PT<minutes>M (5) or PT<seconds>S (6), no leading zeros, such as PT24H or P90D";
    for (String bad : new String[] {"P400D", "P100D", "PT1000H", "P1DT2H", "pt1h", "PT1.5S", "PT", "P", "", " PT1H", "PT1H ", "P1W", "P1M", "PT01H", "P00D"}) {
      asAdmin().body("{\"tokenLifetime\":null,\"gracePeriod\":\"" + bad + "\"}").post(token).then().statusCode(400)
          .body("errorCode", equalTo("INVALID_PARAMETER_VALUE")).body("message", equalTo("gracePeriod: '" + bad + "' " + grace));
    }
    asAdmin().body("{\"gracePeriod\":\"P" + "9".repeat(5000) + "D\"}").post(token).then().statusCode(400)
        .body("message", equalTo("gracePeriod: 'P" + "9".repeat(39) + "...' " + grace));
    for (String good : new String[] {"P99D", "PT999H", "PT99999M", "PT999999S", "PT0S", "P0D"}) {
      asAdmin().body("{\"gracePeriod\":\"" + good + "\"}").post(token).then().statusCode(200);
    }
    asAdmin().body("{\"tokenLifetime\":\"PT0S\"}").post(token).then().statusCode(400)
        .body("message", equalTo("tokenLifetime: must be more than zero, got PT0S"));
    asAdmin().body("{\"tokenLifetime\":\"P10000D\"}").post(token).then().statusCode(400)
        .body("message", equalTo("tokenLifetime: 'P10000D' is not one ISO-8601 unit: P<days>D (at most 4 digits), PT<hours>H (5), PT<minutes>M (7) or PT<seconds>S (9), no leading zeros, such as PT24H or P90D, more than zero"));
    asAdmin().body("{\"tokenLifetime\":\"P9999D\"}").post(token).then().statusCode(200).body("activation.tokenLifetime", equalTo("PT239976H"));
    asAdmin().body("{\"gracePeriod\":5}").post(token).then().statusCode(400)
        .body("errorCode", equalTo("MALFORMED_REQUEST")).body("message", equalTo("The request body is not valid: gracePeriod: expected a string"));
    asAdmin().body("\u001e").post(token).then().statusCode(400)
        .body("message", equalTo("The request body must be a JSON object, starting with '{'"));

    String many = "[" + String.join(",", java.util.Collections.nCopies(101, "\"10.0.0.0/8\"")) + "]";
    asAdmin().body("{\"ipAllowList\":" + many + "}").patch("/admin/recipients/" + name).then().statusCode(400)
        .body("message", equalTo("ipAllowList: at most 100 entries, got 101"));
    asAdmin().body("{\"ipAllowList\":[\"" + "1".repeat(65) + "\"]}").patch("/admin/recipients/" + name).then().statusCode(400)
        .body("message", equalTo("ipAllowList[0]: at most 64 characters"));
    asAdmin().body("{\"properties\":{\" \":\"x\"}}").patch("/admin/recipients/" + name).then().statusCode(400)
        .body("message", equalTo("properties: a property name is 1-128 letters, digits, '_', '.' or '-', got ' '"));
    asAdmin().body("{\"properties\":{\"region\":\"" + "x".repeat(1001) + "\"}}").patch("/admin/recipients/" + name).then().statusCode(400)
        .body("message", equalTo("properties.region: at most 1000 characters"));
    asAdmin().body("{\"comment\":\"" + "x".repeat(1001) + "\"}").patch("/admin/recipients/" + name).then().statusCode(400)
        .body("message", equalTo("comment: at most 1000 characters"));
    asAdmin().body("{\"comment\":7}").patch("/admin/recipients/" + name).then().statusCode(400)
        .body("message", equalTo("The request body is not valid: comment: expected a string"));
    asAdmin().body("{\"name\":\"x2\",\"shares\":" + many.replace("10.0.0.0/8", "retail") + "}").post("/admin/recipients").then().statusCode(400)
        .body("message", equalTo("shares: at most 100 entries, got 101"));
  }

  private static void badRequest(String body, String message) {
    asAdmin().body(body).post("/admin/recipients").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", equalTo(message));
  }

  @Test
  void givenRecipientTokensOrNone_whenCallingTheRecipientsApi_thenItIs401() {
    String token = api.createAndActivate("{\"name\":\"" + uniqueName("sneaky") + "\",\"shares\":[\"retail\"]}");
    given().get("/admin/recipients").then().statusCode(401).body("errorCode", equalTo("UNAUTHENTICATED"));
    withToken(token).get("/admin/recipients").then().statusCode(401).body("message", equalTo("Not the admin token"));
    withToken(token).contentType("application/json").body("{\"name\":\"mine\"}").post("/admin/recipients").then().statusCode(401);
    withToken(SampleLake.PARTNER_TOKEN).post("/admin/recipients/partner/revoke").then().statusCode(401);
  }
}
