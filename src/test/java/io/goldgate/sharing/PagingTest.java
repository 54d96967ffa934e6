package io.goldgate.sharing;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goldgate.access.Signer;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** maxFiles paging, refresh tokens, EndStreamAction and fileidhash on table queries. */
@QuarkusTest
@WithTestResource(SampleLake.class)
class PagingTest extends SharingApiTestBase {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String GROWING = PREFIX + "/shares/retail/schemas/history/tables/growing_sales";

  record Page(List<JsonNode> lines, Response response) {
    List<JsonNode> files() {
      return Ndjson.actions(lines, "file");
    }

    JsonNode endStream() {
      JsonNode last = lines.get(lines.size() - 1);
      return last.get("endStreamAction");
    }
  }

  static Page post(String table, String body) {
    Response r = asPartner().contentType("application/json").body(body).post(table + "/query");
    r.then().statusCode(200);
    return new Page(Ndjson.lines(r.asString()), r);
  }

  static String withToken(String body, String field, String token) throws Exception {
    ObjectNode node = (ObjectNode) JSON.readTree(body);
    node.put(field, token);
    return node.toString();
  }

  @Test
  void walkingMaxFilesPagesReturnsEveryFileExactlyOnceWithIdenticalHeaders() throws Exception {
    String body = "{\"maxFiles\":3}";
    Page first = post(SALES, body);
    List<String> ids = new ArrayList<>();
    Set<String> headerLines = new HashSet<>();
    Page page = first;
    int pages = 0;
    while (true) {
      pages++;
      assertTrue(page.files().size() <= 3);
      page.files().forEach(f -> ids.add(f.get("id").asText()));
      headerLines.add(page.lines().get(0).toString() + page.lines().get(1).toString());
      assertEquals("4", page.response().header("Delta-Table-Version"));
      assertTrue(page.response().header("delta-sharing-capabilities").contains("includeendstreamaction=true"));
      JsonNode end = page.endStream();
      assertTrue(end.get("minUrlExpirationTimestamp").asLong() > System.currentTimeMillis());
      if (!end.hasNonNull("nextPageToken")) break;
      page = post(SALES, withToken(body, "pageToken", end.get("nextPageToken").asText()));
    }
    assertEquals(5, pages, "14 files in pages of 3");
    assertEquals(14, ids.size());
    assertEquals(14, new HashSet<>(ids).size(), "no file twice");
    assertEquals(1, headerLines.size(), "protocol and metadata lines are identical on every page");
  }

  @Test
  void pagesKeepTheFirstPagesVersionWhileTheTableMoves() throws Exception {
    String body = "{\"maxFiles\":5}";
    Page first = post(GROWING, body);
    assertEquals("4", first.response().header("Delta-Table-Version"));
    removeOneFileInANewCommit();
    Page second = post(GROWING, withToken(body, "pageToken", first.endStream().get("nextPageToken").asText()));
    assertEquals("4", second.response().header("Delta-Table-Version"));
    assertEquals("5", asPartner().get(GROWING + "/version").then().extract().header("Delta-Table-Version"));
  }

  /** Commits version 5 of growing_sales, removing one of its files, as a writer would. */
  private static void removeOneFileInANewCommit() throws Exception {
    Path table = Path.of(ConfigProvider.getConfig().getValue("goldgate.shares.dir", String.class)).resolve("growing_sales");
    Path commit = table.resolve("_delta_log/00000000000000000005.json");
    if (Files.exists(commit)) return;
    String path = null;
    for (String line : Files.readAllLines(table.resolve("_delta_log/00000000000000000004.json"))) {
      JsonNode node = JSON.readTree(line);
      if (node.has("add")) path = node.get("add").get("path").asText();
    }
    Files.writeString(commit, "{\"remove\":{\"path\":\"" + path + "\",\"deletionTimestamp\":1,\"dataChange\":true}}\n", StandardCharsets.UTF_8);
  }

  @Test
  void aRefreshTokenReissuesUrlsForTheSameVersion() throws Exception {
    String body = "{\"includeRefreshToken\":true,\"predicateHints\":[\"region = 'EMEA'\"]}";
    Page first = post(SALES, body);
    String refresh = first.endStream().get("refreshToken").asText();
    assertFalse(refresh.isEmpty());
    assertNull(first.endStream().get("nextPageToken"));
    Page again = post(SALES, withToken(body, "refreshToken", refresh));
    assertEquals(first.response().header("Delta-Table-Version"), again.response().header("Delta-Table-Version"));
    List<String> before = first.files().stream().map(f -> f.get("id").asText()).sorted().toList();
    List<String> after = again.files().stream().map(f -> f.get("id").asText()).sorted().toList();
    assertEquals(before, after);
    assertNotEquals(first.files().get(0).get("url").asText(), "", "urls are present");
  }

  @Test
  void aRefreshTokenOfAnotherTableOrFilterIsRefused() throws Exception {
    String body = "{\"includeRefreshToken\":true}";
    String refresh = post(SALES, body).endStream().get("refreshToken").asText();
    asPartner().body(withToken(body, "refreshToken", refresh)).post(CUSTOMERS + "/query").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE")).body("message", containsString("another table"));
    asPartner().body(withToken("{\"limitHint\":5}", "refreshToken", refresh)).post(SALES + "/query").then().statusCode(400)
        .body("message", containsString("other predicates"));
  }

  @Test
  void aTamperedForeignOrExpiredPageTokenIsRefused() throws Exception {
    String body = "{\"maxFiles\":2}";
    String token = post(SALES, body).endStream().get("nextPageToken").asText();
    String tampered = token.substring(0, token.length() - 3) + (token.endsWith("AAA") ? "BBB" : "AAA");
    asPartner().body(withToken(body, "pageToken", tampered)).post(SALES + "/query").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"));
    asPartner().body(withToken(body, "pageToken", token)).post(CUSTOMERS + "/query").then().statusCode(400)
        .body("message", containsString("another table"));
    asPartner().body(withToken("{\"maxFiles\":2,\"jsonPredicateHints\":\"{}\"}", "pageToken", token)).post(SALES + "/query").then().statusCode(400);
    asPartner().body(withToken(body, "pageToken", "nonsense")).post(SALES + "/query").then().statusCode(400);
    // A listing page token is signed for another purpose and cannot be used here.
    String listingToken = asPartner().queryParam("maxResults", 1).get(PREFIX + "/shares/retail/schemas").then().extract().path("nextPageToken");
    asPartner().body(withToken(body, "pageToken", listingToken)).post(SALES + "/query").then().statusCode(400);
    asPartner().body(withToken(body, "pageToken", forgeExpired(token))).post(SALES + "/query").then().statusCode(400)
        .body("message", containsString("expired"));
  }

  /** Re-signs the token's payload with its expiry in the past, as only the key holder could. */
  private static String forgeExpired(String token) throws Exception {
    String body = token.substring(0, token.lastIndexOf('.'));
    ObjectNode payload = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(body));
    payload.put("e", System.currentTimeMillis() - 1000);
    String newBody = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
    return newBody + "." + new Signer(SampleLake.SIGNING_KEY).sign("query-page", newBody);
  }

  @Test
  void includeEndStreamActionAddsTheClosingLineAndAnnouncesIt() {
    Response r = asPartner().header("delta-sharing-capabilities", "responseformat=parquet;includeendstreamaction=true").body("{}").post(SALES + "/query");
    r.then().statusCode(200).header("delta-sharing-capabilities", "responseformat=parquet;includeendstreamaction=true");
    List<JsonNode> lines = Ndjson.lines(r.asString());
    assertTrue(lines.get(lines.size() - 1).has("endStreamAction"));
    Response plain = asPartner().body("{}").post(SALES + "/query");
    plain.then().header("delta-sharing-capabilities", "responseformat=parquet");
    List<JsonNode> plainLines = Ndjson.lines(plain.asString());
    assertFalse(plainLines.get(plainLines.size() - 1).has("endStreamAction"));
  }

  @Test
  void fileidhashPicksTheIdSchemeAndIsEchoed() {
    Response parquet = asPartner().header("fileidhash", "PARQUET").body("{}").post(SALES + "/query");
    parquet.then().statusCode(200).header("fileidhash", "parquet");
    Response delta = asPartner().header("fileidhash", "delta").body("{}").post(SALES + "/query");
    delta.then().statusCode(200).header("fileidhash", "delta");
    String parquetId = Ndjson.actions(Ndjson.lines(parquet.asString()), "file").get(0).get("id").asText();
    String deltaId = Ndjson.actions(Ndjson.lines(delta.asString()), "file").get(0).get("id").asText();
    assertTrue(parquetId.matches("[0-9a-f]{32}"), parquetId);
    assertTrue(deltaId.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), deltaId);
    asPartner().header("fileidhash", "md5").body("{}").post(SALES + "/query").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"));
    asPartner().body("{}").post(SALES + "/query").then().header("fileidhash", org.hamcrest.Matchers.nullValue());
  }
}
