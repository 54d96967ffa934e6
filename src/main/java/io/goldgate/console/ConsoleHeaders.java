package io.goldgate.console;

import io.goldgate.config.GoldgateConfig;
import io.goldgate.http.ErrorResponse;
import io.goldgate.http.RoutePaths;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * In front of everything under {@code /console}, whoever answers it (the pages, the assets, a 404, a
 * 405): the security headers, set as the response's headers are written so no handler can drop
 * them, and a 404 for every path when {@code goldgate.console.enabled} is false.
 *
 * <p>The policy allows the console's own script, style sheet and images and nothing else: no inline
 * script or style, no other origin, no framing, no form posted elsewhere. Pages are never cached;
 * the assets say how they may be.
 */
@ApplicationScoped
public class ConsoleHeaders {

  /** Before the method check (order -90), so its 405s carry the headers too; after the audit's start (-100). */
  static final int ORDER = -95;

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self';"
          + " frame-ancestors 'none'; base-uri 'none'";

  private static final String NOT_FOUND = Json.encode(new ErrorResponse("RESOURCE_DOES_NOT_EXIST", "No such endpoint"));

  private final boolean enabled;

  public ConsoleHeaders(GoldgateConfig config) {
    this.enabled = config.console().enabled();
  }

  void install(@Observes Router router) {
    router.route().order(ORDER).handler(this::handle);
  }

  private void handle(RoutingContext rc) {
    if (!RoutePaths.under(rc.normalizedPath(), RoutePaths.CONSOLE)) {
      rc.next();
      return;
    }
    if (!enabled) {
      rc.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(NOT_FOUND);
      return;
    }
    rc.addHeadersEndHandler(ignored -> {
      var headers = rc.response().headers();
      headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("Referrer-Policy", "no-referrer");
      if (!headers.contains(HttpHeaders.CACHE_CONTROL)) {
        headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
      }
    });
    rc.next();
  }
}
