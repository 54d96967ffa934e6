package io.goldgate.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goldgate.BoundedCache;
import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.access.Signer;
import io.goldgate.catalog.SharedTable;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.TableRef;
import io.goldgate.sharing.model.Actions;
import io.goldgate.sharing.model.QueryRequest;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Asynchronous table queries ({@code asyncquery=true}). The query id is itself a signed token
 * holding the table, the recipient, the version the query is pinned to and the request, so any
 * replica can answer a poll; submission only starts loading the snapshot in the background, and a
 * poll answers "pending" on this replica until that is done.
 */
@ApplicationScoped
public class AsyncQueries {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PURPOSE = "async-query";
  private static final int MAX_REMEMBERED_KEYS = 10_000;

  private final ShareDirectory directory;
  private final TableQueries queries;
  private final DeltaLake lake;
  private final Signer signer;
  private final GoldgateConfig config;
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService loader = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "goldgate-async-query");
    t.setDaemon(true);
    return t;
  });
  /** Snapshot loads started by submissions, by query id. */
  private final Map<String, CompletableFuture<?>> loading = BoundedCache.lru(MAX_REMEMBERED_KEYS);
  /** Query ids by idempotency key, so a retried submission gets the same id. */
  private final Map<String, String> byIdempotencyKey = BoundedCache.lru(MAX_REMEMBERED_KEYS);

  public AsyncQueries(ShareDirectory directory, TableQueries queries, DeltaLake lake, Signer signer, GoldgateConfig config) {
    this.directory = directory;
    this.queries = queries;
    this.lake = lake;
    this.signer = signer;
    this.config = config;
  }

  /** Pins the version, starts loading it, and answers with the query id. */
  public TableResponse submit(Recipient recipient, String share, String schema, String table, QueryRequest request, Capabilities capabilities) {
    SharedTable t = directory.table(recipient, share, schema, table);
    // Refused now rather than at the first poll; each poll applies the restriction again.
    t.restrictionFor(recipient);
    request.validate();
    String dedupKey = request.idempotencyKey() == null ? null : recipient.name() + "\u0000" + t.id() + "\u0000" + request.idempotencyKey() + "\u0000" + QueryTokens.queryHash(request);
    String queryId = dedupKey == null ? null : byIdempotencyKey.get(dedupKey);
    if (queryId == null || expired(queryId)) {
      long version = queries.pinnedVersion(t, request);
      queryId = encode(recipient, t, version, request);
      if (dedupKey != null) {
        byIdempotencyKey.put(dedupKey, queryId);
      }
      TableRef ref = t.ref();
      loading.put(queryId, CompletableFuture.runAsync(() -> lake.at(ref, version).files(), loader));
    }
    String id = queryId;
    return new TableResponse(-1, null, false, null, sink -> sink.line(status(id, "pending", null)));
  }

  /** Answers a poll: still pending, failed, or the query's response (one page of it). */
  public TableResponse poll(
      Recipient recipient, String share, String schema, String table, String queryId, Integer maxFiles, String pageToken, Capabilities capabilities, String fileIdHash, URI base) {
    SharedTable t = directory.table(recipient, share, schema, table);
    JsonNode payload = decode(queryId);
    if (!recipient.name().equals(payload.path("r").asText()) || !t.id().equals(payload.path("t").asText())) {
      throw GoldgateException.notFound("Query '" + abbreviate(queryId) + "' does not exist for this table");
    }
    CompletableFuture<?> load = loading.get(queryId);
    if (load != null && !load.isDone()) {
      return new TableResponse(-1, null, false, null, sink -> sink.line(status(queryId, "pending", null)));
    }
    if (load != null && load.isCompletedExceptionally()) {
      String message = load.handle((ok, error) -> error.getCause() instanceof GoldgateException g ? g.getMessage() : "The query failed").join();
      return new TableResponse(-1, null, false, null, sink -> sink.line(status(queryId, "failed", message)));
    }
    QueryRequest original;
    try {
      original = JSON.treeToValue(payload.get("q"), QueryRequest.class);
    } catch (Exception e) {
      throw GoldgateException.invalid("Invalid queryId");
    }
    QueryRequest page =
        new QueryRequest(
            original.predicateHints(), original.jsonPredicateHints(), original.limitHint(), payload.path("v").asLong(), null, null, null,
            maxFiles, pageToken, original.includeRefreshToken(), null, null);
    return queries.query(recipient, share, schema, table, page, capabilities, fileIdHash, base, true);
  }

  private String encode(Recipient recipient, SharedTable t, long version, QueryRequest request) {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("t", t.id()).put("r", recipient.name()).put("v", version).put("e", clock.millis() + config.sharing().queryTokenLifetime().toMillis());
    payload.set("q", JSON.valueToTree(request));
    String body = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
    return body + "." + signer.sign(PURPOSE, body);
  }

  private boolean expired(String queryId) {
    try {
      decode(queryId);
      return false;
    } catch (GoldgateException e) {
      return true;
    }
  }

  private JsonNode decode(String queryId) {
    int dot = queryId == null ? -1 : queryId.lastIndexOf('.');
    if (dot <= 0 || !signer.verify(PURPOSE, queryId.substring(0, dot), queryId.substring(dot + 1))) {
      throw GoldgateException.notFound("Query '" + abbreviate(queryId) + "' does not exist");
    }
    JsonNode payload;
    try {
      payload = JSON.readTree(Base64.getUrlDecoder().decode(queryId.substring(0, dot)));
    } catch (Exception e) {
      throw GoldgateException.notFound("Query does not exist");
    }
    if (clock.millis() >= payload.path("e").asLong()) {
      throw GoldgateException.invalid("Query '" + abbreviate(queryId) + "' has expired; submit it again");
    }
    return payload;
  }

  private static String abbreviate(String id) {
    return id == null ? "" : id.length() > 16 ? id.substring(0, 16) + "..." : id;
  }

  private static Actions.QueryStatusLine status(String queryId, String status, String errorMessage) {
    return new Actions.QueryStatusLine(new Actions.QueryStatus(queryId, status, errorMessage));
  }

  @PreDestroy
  void stop() {
    loader.shutdownNow();
  }
}
