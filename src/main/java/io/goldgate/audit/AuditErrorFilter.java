package io.goldgate.audit;

import io.goldgate.http.ErrorResponse;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Keeps the error code and message of a failed request for its event: the end handler cannot read the body. */
public class AuditErrorFilter {

  private final AuditContext context;

  public AuditErrorFilter(AuditContext context) {
    this.context = context;
  }

  @ServerResponseFilter
  public void captureError(ContainerResponseContext response) {
    if (response.getEntity() instanceof ErrorResponse error) {
      context.current().error(error.errorCode(), error.message());
    }
  }
}
