package io.goldgate.audit;

import io.goldgate.access.TrustedProxies;
import io.goldgate.audit.model.AuditEvent;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.Share;
import io.goldgate.catalog.SharedTable;
import io.goldgate.http.RoutePaths;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * Audits every Delta Sharing request, gateway-served file download, and write or materialization
 * through Feast's feature server API ({@code POST} to {@link RoutePaths#FEATURE_WRITES}; lookups
 * are counted elsewhere). A Vert.x route in front of the REST layer attaches a {@link CallAudit}
 * to the request and, once the last byte is sent (or the connection is lost), turns it into an
 * event: operation and table from the path, status and body size from the response, version from
 * the {@code Delta-Table-Version} header, error code and message from the error body, recipient,
 * files, rows and feature views from the code that served the request.
 */
@ApplicationScoped
public class HttpAudit {

  static final String KEY = "goldgate.audit";
  private static final String PREFIX = RoutePaths.SHARING + "/";

  private final AuditLog log;
  private final CatalogHolder catalog;
  private final TrustedProxies proxies;

  public HttpAudit(AuditLog log, CatalogHolder catalog, TrustedProxies proxies) {
    this.log = log;
    this.catalog = catalog;
    this.proxies = proxies;
  }

  void install(@Observes Router router) {
    // Before the REST layer's route, so even requests it rejects are seen.
    router.route(RoutePaths.SHARING + "/*").order(-100).handler(this::begin);
    // Only POST writes: any other method is a 405 that changes nothing.
    for (String path : RoutePaths.FEATURE_WRITES) {
      router.post(path).order(-100).handler(this::begin);
    }
  }

  private void begin(RoutingContext rc) {
    CallAudit audit = new CallAudit();
    Instant time = Instant.now();
    long started = System.nanoTime();
    rc.put(KEY, audit);
    rc.addEndHandler(ended -> finish(rc, audit, time, started, ended.succeeded()));
    rc.next();
  }

  private void finish(RoutingContext rc, CallAudit audit, Instant time, long started, boolean complete) {
    long latency = (System.nanoTime() - started) / 1_000_000;
    Target target = target(rc.request().method(), rc.normalizedPath());
    String version = rc.response().headers().get("Delta-Table-Version");
    String message = audit.errorMessage();
    if (!complete && message == null) {
      message = "The connection closed before the response was complete";
    }
    Integer files = audit.fileCount();
    if (target.operation.equals("downloadFile") && files == null && rc.request().method() == HttpMethod.GET && rc.response().getStatusCode() < 300) {
      files = 1;
    }
    log.record(
        new AuditEvent(
            null,
            time,
            audit.recipientName(),
            proxies.clientAddress(rc),
            rc.request().getHeader("User-Agent"),
            target.protocol,
            target.operation,
            target.share,
            target.schema,
            target.table,
            audit.tableVersion() != null ? audit.tableVersion() : parseVersion(version),
            files,
            rc.response().bytesWritten(),
            audit.rowCount(),
            String.valueOf(rc.response().getStatusCode()),
            audit.errorCode(),
            message,
            latency,
            null,
            audit.featureViewNames(),
            audit.subjectName(),
            audit.issuerName()));
  }

  private static Long parseVersion(String header) {
    if (header == null) return null;
    try {
      long v = Long.parseLong(header.strip());
      return v < 0 ? null : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** What a request path addresses, with catalog names in their declared spelling. */
  record Target(String protocol, String operation, String share, String schema, String table) {
    Target(String operation, String share, String schema, String table) {
      this(AuditEvent.DELTA_SHARING, operation, share, schema, table);
    }
  }

  Target target(HttpMethod method, String path) {
    String write = path == null ? null : path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    if (RoutePaths.FEATURE_WRITES.contains(write)) {
      return new Target(AuditEvent.FEATURES, write.substring(1), null, null, null);
    }
    if (path == null || !path.startsWith(PREFIX)) {
      return new Target("unknown", null, null, null);
    }
    String[] raw = path.substring(PREFIX.length()).split("/", -1);
    String[] p = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      p[i] = URLDecoder.decode(raw[i].replace("+", "%2B"), StandardCharsets.UTF_8);
    }
    int n = p.length;
    if (n == 2 && p[0].equals("oauth") && p[1].equals("token")) {
      return new Target("token", null, null, null);
    }
    if (n == 3 && p[0].equals("files")) {
      Optional<SharedTable> t = catalog.catalog().tableById(p[1]);
      return t.map(x -> new Target("downloadFile", x.share(), x.schema(), x.name())).orElse(new Target("downloadFile", null, null, null));
    }
    if (n < 1 || !p[0].equals("shares")) {
      return new Target("unknown", null, null, null);
    }
    if (n == 1) return new Target("listShares", null, null, null);
    String share = catalog.catalog().share(p[1]).map(Share::name).orElse(p[1]);
    if (n == 2) return new Target("getShare", share, null, null);
    if (n == 3 && p[2].equals("schemas")) return new Target("listSchemas", share, null, null);
    if (n == 3 && p[2].equals("all-tables")) return new Target("listAllTables", share, null, null);
    if (n < 4 || !p[2].equals("schemas")) return new Target("unknown", share, null, null);
    String schema = catalog.catalog().schema(p[1], p[3]).map(Share.Schema::name).orElse(p[3]);
    if (n == 4) return new Target("unknown", share, schema, null);
    if (n == 5 && p[4].equals("tables")) return new Target("listTables", share, schema, null);
    if (n < 6 || !p[4].equals("tables")) return new Target("unknown", share, schema, null);
    String table = catalog.catalog().table(p[1], p[3], p[5]).map(SharedTable::name).orElse(p[5]);
    String operation =
        switch (n == 6 ? "" : p[6]) {
          case "" -> method == HttpMethod.HEAD ? "getTableVersion" : "unknown";
          case "version" -> n == 7 ? "getTableVersion" : "unknown";
          case "metadata" -> n == 7 ? "getTableMetadata" : "unknown";
          case "query" -> n == 7 ? "queryTable" : "unknown";
          case "changes" -> n == 7 ? "queryTableChanges" : "unknown";
          case "queries" -> n == 8 ? "getQueryInfo" : "unknown";
          default -> "unknown";
        };
    return new Target(operation, share, schema, table);
  }
}
