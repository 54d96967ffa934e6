package io.goldgate.audit;

import io.quarkus.arc.Arc;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@link CallAudit} of the HTTP request being served, for code that learns something worth
 * auditing (the recipient, the files sent). Outside an audited request it hands out a throwaway
 * one, so callers never need to check.
 */
@ApplicationScoped
public class AuditContext {

  private final CurrentVertxRequest request;

  public AuditContext(CurrentVertxRequest request) {
    this.request = request;
  }

  /** The audit of a request served by a Vert.x route, where no CDI request context is active. */
  public static CallAudit of(RoutingContext context) {
    CallAudit audit = context.get(HttpAudit.KEY);
    return audit == null ? new CallAudit() : audit;
  }

  public CallAudit current() {
    if (!Arc.container().requestContext().isActive()) {
      return new CallAudit();
    }
    RoutingContext context = request.getCurrent();
    return context == null ? new CallAudit() : of(context);
  }
}
