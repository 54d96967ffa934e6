package io.goldgate.sharing;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.access.Signer;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** asyncquery=true: submit, poll until done, page through the result, deduplicate retries. */
@QuarkusTest
@WithTestResource(SampleLake.class)
class AsyncQueryTest extends SharingApiTestBase {

  private static final ObjectMapper JSON = new ObjectMapper();

  static String submit(String table, String body) {
    Response r = asPartner().header("delta-sharing-capabilities", "asyncquery=true").body(body).post(table + "/query");
    r.then().statusCode(200).header("delta-sharing-capabilities", "asyncquery=true");
    List<JsonNode> lines = Ndjson.lines(r.asString());
    assertEquals(1, lines.size());
    assertNull(r.header("Delta-Table-Version"), "no version is announced before the query succeeds");
    JsonNode status = lines.get(0).get("queryStatus");
    assertEquals("pending", status.get("status").asText());
    return status.get("queryId").asText();
  }

  static Response poll(String table, String queryId, String body) throws InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      Response r = asPartner().body(body).post(table + "/queries/" + queryId);
      r.then().statusCode(200);
      if (!r.asString().contains("\"queryStatus\"")) {
        return r;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("query still pending after 5 s");
  }

  @Test
  void aSubmittedQueryIsPolledToTheSameAnswerAsASynchronousOne() throws Exception {
    String id = submit(SALES, "{\"predicateHints\":[\"region = 'EMEA'\"]}");
    Response done = poll(SALES, id, "{}");
    done.then().header("Delta-Table-Version", "4");
    List<JsonNode> lines = Ndjson.lines(done.asString());
    assertTrue(lines.get(0).has("protocol") && lines.get(1).has("metaData"));
    Set<String> asyncIds = new HashSet<>();
    Ndjson.actions(lines, "file").forEach(f -> asyncIds.add(f.get("id").asText()));
    Set<String> syncIds = new HashSet<>();
    TableQueryTest.files(TableQueryTest.query(SALES, "{\"predicateHints\":[\"region = 'EMEA'\"]}")).forEach(f -> syncIds.add(f.get("id").asText()));
    assertEquals(syncIds, asyncIds);
  }

  @Test
  void theResultOfAnAsyncQueryPagesWithMaxFiles() throws Exception {
    String id = submit(SALES, "{}");
    Set<String> ids = new HashSet<>();
    String body = "{\"maxFiles\":5}";
    int pages = 0;
    while (true) {
      List<JsonNode> lines = Ndjson.lines(poll(SALES, id, body).asString());
      pages++;
      Ndjson.actions(lines, "file").forEach(f -> assertTrue(ids.add(f.get("id").asText()), "no file twice"));
      JsonNode end = lines.get(lines.size() - 1).get("endStreamAction");
      if (end == null || !end.hasNonNull("nextPageToken")) break;
      body = "{\"maxFiles\":5,\"pageToken\":\"" + end.get("nextPageToken").asText() + "\"}";
    }
    assertEquals(14, ids.size());
    assertEquals(3, pages);
  }

  @Test
  void aRetriedSubmissionWithTheSameIdempotencyKeyGetsTheSameQueryId() {
    String first = submit(CUSTOMERS, "{\"idempotencyKey\":\"k-1\",\"limitHint\":10}");
    assertEquals(first, submit(CUSTOMERS, "{\"idempotencyKey\":\"k-1\",\"limitHint\":10}"));
    assertNotEquals(first, submit(CUSTOMERS, "{\"idempotencyKey\":\"k-2\",\"limitHint\":10}"));
    assertNotEquals(first, submit(CUSTOMERS, "{\"idempotencyKey\":\"k-1\",\"limitHint\":20}"), "same key, other parameters: a new query");
  }

  @Test
  void aQueryIdIsOnlyValidForItsRecipientAndTable() throws Exception {
    String id = submit(SALES, "{}");
    poll(SALES, id, "{}");
    asAnalyst().body("{}").post(SALES + "/queries/" + id).then().statusCode(404);
    asPartner().body("{}").post(CUSTOMERS + "/queries/" + id).then().statusCode(404);
    asPartner().body("{}").post(SALES + "/queries/" + id.substring(0, id.length() - 2) + "xx").then().statusCode(404);
    asPartner().body("{}").post(SALES + "/queries/nonsense").then().statusCode(404);
  }

  @Test
  void asyncSubmissionsValidateLikeSynchronousQueries() {
    asPartner().header("delta-sharing-capabilities", "asyncquery=true").body("{\"version\":1}").post(INVENTORY + "/query").then().statusCode(400);
    asPartner().header("delta-sharing-capabilities", "asyncquery=true").body("{\"version\":99}").post(SALES + "/query").then().statusCode(200);
  }

  @Inject AsyncQueryStore store;

  private static String signedId(String name, long expires) {
    String body = name + "." + expires;
    return body + "." + new Signer(SampleLake.SIGNING_KEY).sign("async-query", body);
  }

  @Test
  void theQueryIdIsSmallAndSignedWhateverTheRequestHolds() throws Exception {
    String hint = "region = '" + "x".repeat(SqlPredicates.MAX_HINT_LENGTH - 12) + "'";
    String json = "{\"op\":\"equal\",\"children\":[{\"op\":\"column\",\"name\":\"region\",\"valueType\":\"string\"},"
        + "{\"op\":\"literal\",\"value\":\"" + "y".repeat(16_000) + "\",\"valueType\":\"string\"}]}";
    String body = "{\"predicateHints\":[\"" + hint + "\",\"" + hint + "\"],\"jsonPredicateHints\":" + JSON.writeValueAsString(json) + "}";
    long before = store.heldBytes();
    String id = submit(SALES, body);
    assertTrue(id.length() < 100, id.length() + " bytes: " + id);
    assertTrue(id.matches("[A-Za-z0-9_-]{22}\\.[0-9]{13}\\.[A-Za-z0-9_-]{43}"), id);
    assertTrue(store.heldBytes() - before > 2L * SqlPredicates.MAX_HINT_LENGTH + 16_000, "the request is held server side, counted in bytes");
    Response done = poll(SALES, id, "{}");
    assertEquals(0, Ndjson.actions(Ndjson.lines(done.asString()), "file").size(), "the stored hints still apply: no region is all x");
  }

  @Test
  void hintsBeyondTheirLimitsAreRefusedAtSubmission() {
    String body = "{\"predicateHints\":[\"region = '" + "x".repeat(200_000) + "'\"]}";
    asPartner().header("delta-sharing-capabilities", "asyncquery=true").body(body).post(SALES + "/query")
        .then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", equalTo("predicateHints[0] is 200011 characters long; the limit is 16384 per hint"));
  }

  @Test
  void aSignedIdWhoseRequestIsNoLongerHeldIsAClear404AndAnExpiredOneA400() {
    String unknown = signedId("AAAAAAAAAAAAAAAAAAAAAA", System.currentTimeMillis() + 600_000);
    asPartner().body("{}").post(SALES + "/queries/" + unknown)
        .then().statusCode(404)
        .body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST"))
        .body("message", equalTo("Query 'AAAAAAAAAAAAAAAA...' is no longer held by the gateway (evicted to stay within its memory bound); submit it again"));
    String expired = signedId("AAAAAAAAAAAAAAAAAAAAAA", System.currentTimeMillis() - 1);
    asPartner().body("{}").post(SALES + "/queries/" + expired)
        .then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", equalTo("Query 'AAAAAAAAAAAAAAAA...' has expired; submit it again"));
    asPartner().body("{}").post(SALES + "/queries/" + signedId("AAAAAAAAAAAAAAAAAAAAAA", 1) + "x")
        .then().statusCode(404)
        .body("message", equalTo("Query 'AAAAAAAAAAAAAAAA...' does not exist"));
  }
}
