package io.goldgate.sharing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import io.goldgate.audit.AuditContext;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.SharedTable;
import io.goldgate.http.ErrorResponse;
import io.goldgate.http.ErrorResponses;
import io.goldgate.http.RoutePaths;
import io.goldgate.observability.GatewayMetrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Serves data files of local tables behind pre-signed URLs, with single-range HTTP Range support
 * (Parquet readers fetch the footer first, then column chunks; see {@link ByteRange}).
 *
 * <p>A plain Vert.x route on the I/O thread rather than a REST resource: a partner's client makes
 * a dozen small requests per file (HEAD, footer, column ranges, over several connections), so the
 * REST layer's dispatch to a worker thread and its filters were most of what a download cost. The
 * checks are the same: signature, expiry, the recipient's signature, the table still shared, the
 * path inside the table. They only read memory and stat the file, so they do not block the loop;
 * the body goes out with {@code sendfile}.
 */
@ApplicationScoped
public class FileRoute {

  private static final Logger LOG = Logger.getLogger(FileRoute.class);
  private static final String CONTENT_TYPE = "application/octet-stream";

  private final FileUrls fileUrls;
  private final CatalogHolder catalog;
  private final GatewayMetrics metrics;
  private final ObjectMapper json;

  public FileRoute(FileUrls fileUrls, CatalogHolder catalog, GatewayMetrics metrics, ObjectMapper json) {
    this.fileUrls = fileUrls;
    this.catalog = catalog;
    this.metrics = metrics;
    this.json = json;
  }

  void register(@Observes Router router) {
    // After the audit's route (order -100), which wraps every Delta Sharing request.
    router.route(RoutePaths.FILES + ":tableId/:file").order(-10).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::serve);
  }

  private void serve(RoutingContext context) {
    try {
      send(context);
    } catch (GoldgateException e) {
      fail(context, e);
    } catch (RuntimeException e) {
      // As the REST layer does (http.ErrorResponses): the cause is logged under a reference, the
      // client gets the protocol's error body without internals.
      String reference = java.util.UUID.randomUUID().toString();
      LOG.errorf(e, "Internal error %s", reference);
      fail(context, new GoldgateException(GoldgateException.Kind.DATA_ERROR, "Internal error (reference " + reference + ")"));
    }
  }

  private void send(RoutingContext context) {
    var request = context.request();
    String tableId = context.pathParam("tableId");
    FileUrls.Grant grant = fileUrls.verify(tableId, context.pathParam("file"), request::getParam);
    String relative = grant.relativePath();
    AuditContext.of(context).recipient(grant.recipient());
    SharedTable table =
        catalog.catalog().tableById(tableId).orElseThrow(() -> GoldgateException.notFound("The table of this file URL is no longer shared"));
    if (!table.location().isLocal()) {
      throw GoldgateException.notFound("Files of table " + table.qualifiedName() + " are served by its object store, not by this gateway");
    }
    Path target = contained(table, relative);
    long size;
    try {
      size = Files.size(target);
    } catch (IOException e) {
      throw GoldgateException.notFound("The file of this URL no longer exists in table " + table.qualifiedName());
    }
    HttpServerResponse response = context.response();
    response.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    ByteRange requested = ByteRange.parse(request.getHeader("Range"), size);
    if (requested instanceof ByteRange.Unsatisfiable) {
      response.setStatusCode(416).putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size).end();
      return;
    }
    long start = requested instanceof ByteRange.Part p ? p.first() : 0;
    long length = requested instanceof ByteRange.Part p ? p.length() : size;
    response.setStatusCode(requested instanceof ByteRange.Part ? 206 : 200).putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE);
    if (requested instanceof ByteRange.Part p) {
      response.putHeader(HttpHeaders.CONTENT_RANGE, "bytes " + p.first() + "-" + p.last() + "/" + size);
    }
    if (request.method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length)).end();
      return;
    }
    metrics.fileBytesServed(length);
    // Readers routinely close a connection mid-file once they have the bytes they wanted (fsspec
    // reads a few and drops the rest): the audit records the response as incomplete, and
    // observability.logging.ClientDisconnects keeps Vert.x from logging it as an error.
    response.sendFile(target.toString(), start, length);
  }

  /**
   * The file inside the table's directory. The signature already pins the path; this second check
   * keeps a leaked signing key or a symlink inside the table from exposing anything outside it.
   */
  private static Path contained(SharedTable table, String relative) {
    Path root = table.location().localRoot();
    Path target = root.resolve(relative).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL points outside its table");
    }
    try {
      Path real = target.toRealPath();
      if (!real.startsWith(root.toRealPath()) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL points outside its table");
      }
      return real;
    } catch (IOException e) {
      throw GoldgateException.notFound("The file of this URL no longer exists in table " + table.qualifiedName());
    }
  }

  private void fail(RoutingContext context, GoldgateException e) {
    String code = ErrorResponses.code(e.kind());
    AuditContext.of(context).error(code, e.getMessage());
    byte[] body;
    try {
      body = json.writeValueAsBytes(new ErrorResponse(code, e.getMessage()));
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
    context.response()
        .setStatusCode(ErrorResponses.status(e.kind()))
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(io.vertx.core.buffer.Buffer.buffer(body));
  }
}
