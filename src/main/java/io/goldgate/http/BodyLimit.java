package io.goldgate.http;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a request whose declared body is larger than {@code quarkus.http.limits.max-body-size}
 * with 413 and the protocols' error body, before any of it is read. Quarkus' own check (route order
 * -2) answers the same status with an empty body, which tells a client nothing; it stays in place
 * for bodies sent without a length (chunked), which are cut off at the limit as they arrive.
 */
@ApplicationScoped
public class BodyLimit {

  /** Before Quarkus' own check (-2); after the audit's start (-100), so refusals are audited. */
  static final int ORDER = -80;

  private final long maxBytes;

  public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBodySize) {
    this.maxBytes = maxBodySize.asLongValue();
  }

  void install(@Observes Router router) {
    router.route().order(ORDER).handler(this::check);
  }

  private void check(RoutingContext rc) {
    String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null || !declaresMore(length)) {
      rc.next();
      return;
    }
    String body = Json.encode(new ErrorResponse(
        "INVALID_PARAMETER_VALUE",
        "The request body declares " + length.strip() + " bytes; at most " + maxBytes + " bytes are accepted (quarkus.http.limits.max-body-size)"));
    // The unread body would follow on this connection: close it once the answer is out.
    rc.response().endHandler(ended -> rc.request().connection().close());
    rc.response()
        .setStatusCode(413)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body);
  }

  /** Whether a Content-Length value is more than the limit; any length of digits, no overflow. */
  private boolean declaresMore(String length) {
    String digits = length.strip();
    if (digits.isEmpty()) {
      return false;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return false;
      }
    }
    // 19 digits or more is past any limit a long can hold.
    return digits.length() >= 19 || Long.parseLong(digits) > maxBytes;
  }
}
