package io.goldgate.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.access.AdminToken;
import io.goldgate.access.ConsoleSessions;
import io.goldgate.access.Signer;
import io.goldgate.redis.RedisConnection;
import io.goldgate.testing.Await;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The console's security over real HTTP: no page without a session, only the admin token signs in,
 * the cookie's flags, CSRF on the admin API and on sign-out, sign-out ends the session, the
 * headers of every console response, no open redirect. The tests' loopback peer is declared a
 * trusted proxy, so X-Forwarded-Proto decides the Secure flag.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@TestProfile(ConsoleSecurityTest.BehindATrustedProxy.class)
class ConsoleSecurityTest {

  public static class BehindATrustedProxy implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("goldgate.http.trusted-proxies", "127.0.0.1/32,::1/128");
    }
  }

  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self';"
          + " frame-ancestors 'none'; base-uri 'none'";

  /** Every page, and the next parameter its sign-in redirect carries. */
  static final Map<String, String> PAGES = Map.of(
      "/console/", "%2Fconsole%2F",
      "/console/tables", "%2Fconsole%2Ftables",
      "/console/tables/retail/gold/sales_daily", "%2Fconsole%2Ftables%2Fretail%2Fgold%2Fsales_daily",
      "/console/recipients", "%2Fconsole%2Frecipients",
      "/console/audit", "%2Fconsole%2Faudit",
      "/console/lineage", "%2Fconsole%2Flineage",
      "/console/features", "%2Fconsole%2Ffeatures");

  static final Pattern COOKIE = Pattern.compile("goldgate_console=([^;]*); Path=/; Max-Age=28800; HttpOnly; SameSite=Strict");
  static final Pattern CSRF_META = Pattern.compile("<meta name=\"csrf-token\" content=\"([A-Za-z0-9_-]{43})\">");

  static String adminToken() {
    return ConfigProvider.getConfig().getValue("goldgate.admin.token", String.class);
  }

  static RequestSpecification browser() {
    return given().redirects().follow(false);
  }

  /** Signs in with the admin token; returns the session cookie's value. */
  static String signIn() {
    String setCookie = browser().contentType(ContentType.URLENC).formParam("token", adminToken()).post("/console/login")
        .then().statusCode(303).header("Location", "/console/").extract().header("Set-Cookie");
    Matcher m = COOKIE.matcher(setCookie);
    assertTrue(m.matches(), setCookie);
    return m.group(1);
  }

  /** The CSRF token a page of this session carries. */
  static String csrfOf(String cookie) {
    String page = browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console/").then().statusCode(200).extract().asString();
    Matcher m = CSRF_META.matcher(page);
    assertTrue(m.find(), page);
    return m.group(1);
  }

  /** A cookie made with the gateway's signing key but another clock or admin token. */
  static String forged(String adminToken, Clock clock) {
    return new ConsoleSessions(new Signer(SampleLake.SIGNING_KEY), new AdminToken(adminToken), Duration.ofHours(8),
        new RedisConnection(null, false, Duration.ofMillis(500)), clock).open().cookie();
  }

  static void assertEveryPageSendsToSignIn(String cookie, String why) {
    PAGES.forEach((page, next) -> {
      RequestSpecification request = browser();
      if (cookie != null) {
        request.cookie(ConsoleSessions.COOKIE, cookie);
      }
      request.get(page).then().statusCode(303)
          .header("Location", equalTo("/console/login?next=" + next))
          .header("Cache-Control", "no-store")
          .header("Set-Cookie", nullValue());
    });
    // The admin API refuses the cookie alike.
    RequestSpecification admin = browser();
    if (cookie != null) {
      admin.cookie(ConsoleSessions.COOKIE, cookie);
    }
    admin.get("/admin/status").then().statusCode(401);
  }

  @Test
  void givenNoValidSession_whenOpeningAnyPage_thenItIsASeeOtherToSignIn() {
    String valid = signIn();
    int last = valid.lastIndexOf('.');
    String tampered = valid.substring(0, last + 1) + (valid.charAt(last + 1) == 'A' ? 'B' : 'A') + valid.substring(last + 2);
    Clock nineHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(9)), ZoneOffset.UTC);

    assertEveryPageSendsToSignIn(null, "no cookie");
    assertEveryPageSendsToSignIn("", "an empty cookie");
    assertEveryPageSendsToSignIn(tampered, "a tampered signature");
    assertEveryPageSendsToSignIn(forged(adminToken(), nineHoursAgo), "an expired session");
    assertEveryPageSendsToSignIn(forged("another-admin-token-0123456789abcdefghij", Clock.systemUTC()), "a session of another admin token");
    assertEveryPageSendsToSignIn(SampleLake.PARTNER_TOKEN, "a recipient token");
    assertEveryPageSendsToSignIn(adminToken(), "the admin token itself");
    // The same forger with the right admin token makes a valid session: the refusals above are for the reason named.
    browser().cookie(ConsoleSessions.COOKIE, forged(adminToken(), Clock.systemUTC())).get("/console/tables").then().statusCode(200);
  }

  @Test
  void givenARecipientToken_whenSigningIn_thenItIsRefusedWithTheSignInPage() {
    for (String token : List.of(SampleLake.PARTNER_TOKEN, "", "x".repeat(2000))) {
      String page = browser().contentType(ContentType.URLENC).formParam("token", token).post("/console/login")
          .then().statusCode(401).contentType("text/html")
          .header("Set-Cookie", nullValue())
          .header("Content-Security-Policy", CSP)
          .extract().asString();
      assertTrue(page.contains("<p id=\"login-error\" class=\"login-error\" role=\"alert\">wrong token</p>"), page);
      assertTrue(page.contains("<input id=\"token\" name=\"token\""), page);
    }
    // A recipient token is no admin API credential either, as a header or as the cookie.
    browser().header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN).get("/admin/status").then().statusCode(401);
  }

  @Test
  void givenAWrongToken_whenSigningIn_thenTheFailureIsAudited() {
    Instant from = Instant.now().minusSeconds(1);
    String agent = "console-audit-" + UUID.randomUUID();
    browser().header("User-Agent", agent).contentType(ContentType.URLENC).formParam("token", SampleLake.PARTNER_TOKEN)
        .post("/console/login").then().statusCode(401);
    browser().header("User-Agent", agent).contentType(ContentType.URLENC).formParam("token", adminToken())
        .post("/console/login").then().statusCode(303);

    Await.until("both sign-ins are audited", Duration.ofSeconds(10), () -> events(from, agent).size() == 2);
    List<Map<String, Object>> events = events(from, agent);
    assertEquals(
        List.of("console signIn 303 null", "console signIn 401 UNAUTHENTICATED"),
        events.stream().map(e -> e.get("protocol") + " " + e.get("operation") + " " + e.get("status") + " " + e.get("errorCode")).sorted().toList());
    assertTrue(events.stream().noneMatch(e -> String.valueOf(e).contains(SampleLake.PARTNER_TOKEN) || String.valueOf(e).contains(adminToken())));
  }

  private static List<Map<String, Object>> events(Instant from, String agent) {
    List<Map<String, Object>> all = given().header("Authorization", "Bearer " + adminToken()).queryParam("from", from.toString())
        .queryParam("limit", "1000").get("/admin/audit").then().statusCode(200).extract().jsonPath().getList("events");
    return all.stream().filter(e -> agent.equals(e.get("userAgent"))).toList();
  }

  @Test
  void givenTheAdminToken_whenSigningIn_thenTheCookieHasItsFlags_andSecureOnlyOverHttps() {
    String plain = browser().contentType(ContentType.URLENC).formParam("token", adminToken()).post("/console/login")
        .then().statusCode(303).extract().header("Set-Cookie");
    assertTrue(COOKIE.matcher(plain).matches(), plain);

    String overHttps = browser().header("X-Forwarded-Proto", "https").contentType(ContentType.URLENC).formParam("token", adminToken())
        .post("/console/login").then().statusCode(303).extract().header("Set-Cookie");
    assertTrue(overHttps.endsWith("; HttpOnly; SameSite=Strict; Secure"), overHttps);
    assertTrue(COOKIE.matcher(overHttps.substring(0, overHttps.length() - "; Secure".length())).matches(), overHttps);

    String signedOut = browser().header("X-Forwarded-Proto", "https").cookie(ConsoleSessions.COOKIE, signIn())
        .contentType(ContentType.URLENC).formParam("csrf", "").post("/console/logout").then().statusCode(403).extract().asString();
    assertTrue(signedOut.contains("missing or wrong CSRF token"), signedOut);
  }

  @Test
  void givenASession_whenOpeningPages_thenEachIsItsShellWithTheCsrfToken() {
    String cookie = signIn();
    String csrf = csrfOf(cookie);
    for (String page : PAGES.keySet()) {
      String html = browser().cookie(ConsoleSessions.COOKIE, cookie).get(page).then().statusCode(200)
          .contentType("text/html")
          .header("Cache-Control", "no-store")
          .header("Content-Security-Policy", CSP)
          .header("X-Content-Type-Options", "nosniff")
          .header("Referrer-Policy", "no-referrer")
          .extract().asString();
      assertTrue(html.contains("<meta name=\"csrf-token\" content=\"" + csrf + "\">"), page);
      assertTrue(html.contains("<input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\">"), page);
      assertTrue(html.contains("<main id=\"content\">"), page);
      assertTrue(html.contains("<script src=\"/console/assets/console.js\" defer></script>"), page);
    }
    String table = browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console/tables/retail/gold/sales_daily").asString();
    assertTrue(table.contains("<body data-page=\"table\" data-params='{&quot;share&quot;:&quot;retail&quot;,&quot;schema&quot;:&quot;gold&quot;,"
        + "&quot;table&quot;:&quot;sales_daily&quot;}'>"), table);
    assertTrue(table.contains("<title>retail.gold.sales_daily · Goldgate console</title>"), table);
    String overview = browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console/").asString();
    assertTrue(overview.contains("<body data-page=\"overview\" data-params='{}'>"), overview);
    String hostile = browser().urlEncodingEnabled(false).cookie(ConsoleSessions.COOKIE, cookie).get("/console/tables/%3Cb%3E/x%27%22/y").asString();
    assertTrue(hostile.contains("data-params='{&quot;share&quot;:&quot;&lt;b&gt;&quot;,&quot;schema&quot;:&quot;x&#39;\\&quot;&quot;"), hostile);
  }

  @Test
  void givenACookieSession_whenChangingStateThroughTheAdminApi_thenTheCsrfTokenIsRequired() {
    String cookie = signIn();
    String csrf = csrfOf(cookie);
    String name = "console-" + UUID.randomUUID().toString().substring(0, 8);
    String body = "{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}";

    browser().cookie(ConsoleSessions.COOKIE, cookie).get("/admin/status").then().statusCode(200);
    browser().cookie(ConsoleSessions.COOKIE, cookie).contentType(ContentType.JSON).body(body).post("/admin/recipients")
        .then().statusCode(403).body("errorCode", equalTo("PERMISSION_DENIED")).body("message", equalTo("missing or wrong CSRF token"));
    browser().cookie(ConsoleSessions.COOKIE, cookie).header("X-CSRF-Token", csrfOf(signIn())).contentType(ContentType.JSON).body(body)
        .post("/admin/recipients").then().statusCode(403).body("message", equalTo("missing or wrong CSRF token"));
    browser().cookie(ConsoleSessions.COOKIE, cookie).header("X-CSRF-Token", csrf).contentType(ContentType.JSON).body(body)
        .post("/admin/recipients").then().statusCode(201).body("recipient.name", equalTo(name));
    browser().cookie(ConsoleSessions.COOKIE, cookie).delete("/admin/recipients/" + name).then().statusCode(403);
    browser().cookie(ConsoleSessions.COOKIE, cookie).header("X-CSRF-Token", csrf).delete("/admin/recipients/" + name).then().statusCode(204);
    // The bearer token works as before, without any CSRF token.
    given().header("Authorization", "Bearer " + adminToken()).get("/admin/recipients/" + name).then().statusCode(404);
  }

  @Test
  void givenASignOut_thenTheSessionEnds_andTheCookieIsCleared() {
    String cookie = signIn();
    String other = signIn();
    String csrf = csrfOf(cookie);

    browser().cookie(ConsoleSessions.COOKIE, cookie).contentType(ContentType.URLENC).formParam("csrf", csrfOf(other))
        .post("/console/logout").then().statusCode(403);
    browser().cookie(ConsoleSessions.COOKIE, cookie).get("/console/").then().statusCode(200);

    browser().cookie(ConsoleSessions.COOKIE, cookie).contentType(ContentType.URLENC).formParam("csrf", csrf).post("/console/logout")
        .then().statusCode(303).header("Location", "/console/login")
        .header("Set-Cookie", "goldgate_console=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");

    assertEveryPageSendsToSignIn(cookie, "a signed-out session");
    browser().cookie(ConsoleSessions.COOKIE, cookie).header("X-CSRF-Token", csrf).post("/admin/recipients/x/revoke").then().statusCode(401);
    browser().cookie(ConsoleSessions.COOKIE, other).get("/console/").then().statusCode(200);
    // Without a CSRF token sign-out is refused, session or not.
    browser().cookie(ConsoleSessions.COOKIE, other).contentType(ContentType.URLENC).post("/console/logout").then().statusCode(403);
    browser().contentType(ContentType.URLENC).formParam("csrf", "not-a-token").post("/console/logout").then().statusCode(403);
    // Signing out again (the cookie outlived its session) only clears the cookie.
    browser().cookie(ConsoleSessions.COOKIE, cookie).contentType(ContentType.URLENC).formParam("csrf", csrf).post("/console/logout")
        .then().statusCode(303).header("Location", "/console/login");
  }

  @Test
  void givenANextParameter_thenOnlyConsolePathsAreFollowed() {
    Map<String, String> expected = Map.of(
        "/console/audit?recipient=acme", "/console/audit?recipient=acme",
        "https://evil.example/", "/console/",
        "//evil.example/console/", "/console/",
        "/\\evil.example", "/console/",
        "/console/../admin/status", "/console/",
        "/admin/status", "/console/");
    expected.forEach((next, location) -> {
      browser().contentType(ContentType.URLENC).formParam("token", adminToken()).formParam("next", next).post("/console/login")
          .then().statusCode(303).header("Location", location);
      String page = browser().queryParam("next", next).get("/console/login").then().statusCode(200).extract().asString();
      assertTrue(page.contains("<input type=\"hidden\" name=\"next\" value=\"" + location.replace("&", "&amp;") + "\">"), page);
    });
    String cookie = signIn();
    browser().cookie(ConsoleSessions.COOKIE, cookie).queryParam("next", "//evil.example").get("/console/login")
        .then().statusCode(303).header("Location", "/console/");
    browser().cookie(ConsoleSessions.COOKIE, cookie).queryParam("next", "/console/features").get("/console/login")
        .then().statusCode(303).header("Location", "/console/features");
  }

  @Test
  void givenAPostFromAnotherOrigin_thenItIsRefused() {
    browser().header("Origin", "https://evil.example").contentType(ContentType.URLENC).formParam("token", adminToken())
        .post("/console/login").then().statusCode(403).header("Set-Cookie", nullValue());
    browser().header("Origin", "null").contentType(ContentType.URLENC).formParam("token", adminToken())
        .post("/console/login").then().statusCode(403);
    Response own = browser().header("Origin", io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port)
        .contentType(ContentType.URLENC).formParam("token", adminToken()).post("/console/login");
    own.then().statusCode(303).header("Set-Cookie", containsString("goldgate_console="));
    browser().header("Origin", "https://console.example").header("X-Forwarded-Host", "console.example")
        .contentType(ContentType.URLENC).formParam("token", adminToken()).post("/console/login").then().statusCode(303);
  }

  @Test
  void givenAnyConsoleResponse_thenItCarriesTheSecurityHeaders() {
    for (String path : List.of("/console/login", "/console/assets/nothing.js", "/console/no-such-page")) {
      browser().get(path).then()
          .header("Content-Security-Policy", CSP)
          .header("X-Content-Type-Options", "nosniff")
          .header("Referrer-Policy", "no-referrer")
          .header("Cache-Control", "no-store");
    }
    browser().get("/console/assets/nothing.js").then().statusCode(404);
    browser().urlEncodingEnabled(false).get("/console/assets/..%2F..%2Fapplication.properties").then().statusCode(not(equalTo(200)));
    browser().get("/console/assets/Console.JS").then().statusCode(404);
    String login = browser().get("/console/login").then().statusCode(200).contentType("text/html").extract().asString();
    assertTrue(login.contains("<form id=\"sign-in\" method=\"post\" action=\"/console/login\">"), login);
    assertTrue(login.contains("<button type=\"submit\">Sign in</button>"), login);
    browser().delete("/console/login").then().statusCode(405).header("Content-Security-Policy", CSP);
  }
}
