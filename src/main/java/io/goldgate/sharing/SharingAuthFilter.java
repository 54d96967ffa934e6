package io.goldgate.sharing;

import io.goldgate.access.BearerAuthenticator;
import io.goldgate.GoldgateException;
import io.goldgate.access.Principal;
import io.goldgate.audit.AuditContext;
import io.goldgate.http.RoutePaths;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every Delta Sharing call needs a bearer token, except file downloads (their pre-signed URL is the
 * credential, as with object-store URLs), activation links (their one-time code is) and the OAuth
 * token endpoint (the client secret is).
 */
public class SharingAuthFilter {

  private final BearerAuthenticator authenticator;
  private final CurrentRecipient current;
  private final AuditContext audit;

  public SharingAuthFilter(BearerAuthenticator authenticator, CurrentRecipient current, AuditContext audit) {
    this.authenticator = authenticator;
    this.current = current;
    this.audit = audit;
  }

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public void authenticate(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!path.startsWith(RoutePaths.SHARING + "/")
        || path.startsWith(RoutePaths.FILES)
        || path.startsWith(RoutePaths.ACTIVATION)
        || path.equals(RoutePaths.OAUTH_TOKEN)) {
      return;
    }
    Principal principal;
    try {
      principal = authenticator.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    } catch (GoldgateException e) {
      audit.current().authenticationFailed(e);
      throw e;
    }
    current.set(principal.recipient());
    audit.current().principal(principal);
  }
}
