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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Asynchronous table queries ({@code asyncquery=true}). The query id is small and signed: a random
 * name, its expiry and an HMAC, about 80 bytes whatever the request. The request itself (table,
 * recipient, pinned version, hints) waits for its polls in {@link AsyncQueryStore}: in Redis with a
 * TTL when one is configured, so any replica can answer a poll, else in this replica's heap within
 * {@code goldgate.sharing.async-query-memory}. Submission only starts loading the snapshot in the
 * background, and a poll answers "pending" on this replica until that is done.
 */
@ApplicationScoped
public class AsyncQueries {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PURPOSE = "async-query";
  /** Both maps below hold fixed-size entries (ids, hashes), so a count bounds their bytes. */
  private static final int MAX_REMEMBERED_KEYS = 10_000;

  private final ShareDirectory directory;
  private final TableQueries queries;
  private final DeltaLake lake;
  private final Signer signer;
  private final GoldgateConfig config;
  private final AsyncQueryStore store;
  private final Clock clock = Clock.systemUTC();
  private final SecureRandom random = new SecureRandom();
  private final ExecutorService loader = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "goldgate-async-query");
    t.setDaemon(true);
    return t;
  });
  /** Snapshot loads started by submissions, by query id. */
  private final Map<String, CompletableFuture<?>> loading = BoundedCache.lru(MAX_REMEMBERED_KEYS);
  /** Query ids by a hash of the idempotency key and what it was sent with, so a retried submission gets the same id. */
  private final Map<String, String> byIdempotencyKey = BoundedCache.lru(MAX_REMEMBERED_KEYS);

  public AsyncQueries(ShareDirectory directory, TableQueries queries, DeltaLake lake, Signer signer, GoldgateConfig config, AsyncQueryStore store) {
    this.directory = directory;
    this.queries = queries;
    this.lake = lake;
    this.signer = signer;
    this.config = config;
    this.store = store;
  }

  /** Pins the version, starts loading it, and answers with the query id. */
  public TableResponse submit(Recipient recipient, String share, String schema, String table, QueryRequest request, Capabilities capabilities) {
    SharedTable t = directory.table(recipient, share, schema, table);
    // Refused now rather than at the first poll; each poll applies the restriction again.
    t.restrictionFor(recipient);
    request.validate();
    // Hints beyond their limits are refused before anything is stored.
    TableQueries.filterOf(request);
    String dedupKey =
        request.idempotencyKey() == null ? null : sha256(recipient.name() + "\u0000" + t.id() + "\u0000" + request.idempotencyKey() + "\u0000" + QueryTokens.queryHash(request));
    String queryId = dedupKey == null ? null : byIdempotencyKey.get(dedupKey);
    if (queryId == null || !held(queryId)) {
      long version = queries.pinnedVersion(t, request);
      queryId = store(recipient, t, version, request);
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
    JsonNode payload = lookup(queryId);
    if (payload == null) {
      throw GoldgateException.notFound(
          "Query '" + abbreviate(queryId) + "' is no longer held by the gateway (evicted to stay within its memory bound); submit it again");
    }
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

  /** Stores the request under a new id; the id is a random name, its expiry and their signature. */
  private String store(Recipient recipient, SharedTable t, long version, QueryRequest request) {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("t", t.id()).put("r", recipient.name()).put("v", version);
    payload.set("q", JSON.valueToTree(request));
    byte[] name = new byte[16];
    random.nextBytes(name);
    long expires = clock.millis() + config.sharing().queryTokenLifetime().toMillis();
    String body = Base64.getUrlEncoder().withoutPadding().encodeToString(name) + "." + expires;
    String id = body + "." + signer.sign(PURPOSE, body);
    store.put(id.substring(0, id.indexOf('.')), payload.toString().getBytes(StandardCharsets.UTF_8), expires);
    return id;
  }

  /** Whether a query id remembered for an idempotency key still has its request: unexpired and stored. */
  private boolean held(String queryId) {
    try {
      return lookup(queryId) != null;
    } catch (GoldgateException e) {
      return false;
    }
  }

  /**
   * The stored request of a query id, or null when it is signed and unexpired but no longer held.
   * An id this gateway did not sign is unknown (404), an expired one answers 400.
   */
  private JsonNode lookup(String queryId) {
    int first = queryId == null ? -1 : queryId.indexOf('.');
    int second = first < 0 ? -1 : queryId.indexOf('.', first + 1);
    String[] parts = second < 0 ? null : new String[] {queryId.substring(0, first), queryId.substring(first + 1, second), queryId.substring(second + 1)};
    if (parts == null || !signer.verify(PURPOSE, parts[0] + "." + parts[1], parts[2])) {
      throw GoldgateException.notFound("Query '" + abbreviate(queryId) + "' does not exist");
    }
    long expires;
    try {
      expires = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      throw GoldgateException.notFound("Query '" + abbreviate(queryId) + "' does not exist");
    }
    if (clock.millis() >= expires) {
      throw GoldgateException.invalid("Query '" + abbreviate(queryId) + "' has expired; submit it again");
    }
    byte[] stored = store.get(parts[0]);
    if (stored == null) {
      return null;
    }
    try {
      return JSON.readTree(stored);
    } catch (java.io.IOException e) {
      throw new GoldgateException(GoldgateException.Kind.DATA_ERROR, "The stored request of query '" + abbreviate(queryId) + "' cannot be read", e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
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
