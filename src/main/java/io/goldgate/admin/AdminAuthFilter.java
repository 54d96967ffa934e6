package io.goldgate.admin;

import io.goldgate.GoldgateException;
import io.goldgate.access.AdminToken;
import io.goldgate.access.BearerHeaders;
import io.goldgate.access.ConsoleSessions;
import io.goldgate.http.RoutePaths;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards everything under {@code /admin} with the operator token. Recipient tokens never open it:
 * only {@code goldgate.admin.token} does, compared in constant time.
 *
 * <p>A request without an {@code Authorization} header may instead carry the console's session
 * cookie ({@link ConsoleSessions}): that is how the console's pages call this API from the
 * browser. With the cookie, every method but GET and HEAD also needs the session's CSRF token in
 * {@value ConsoleSessions#CSRF_HEADER}: the cookie is sent by the browser on its own, the header
 * only by the console's script, which another site's page cannot read the token for.
 */
public class AdminAuthFilter {

  public static final String PATH = RoutePaths.ADMIN;

  private final AdminToken adminToken;
  private final ConsoleSessions sessions;

  public AdminAuthFilter(AdminToken adminToken, ConsoleSessions sessions) {
    this.adminToken = adminToken;
    this.sessions = sessions;
  }

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public void authenticate(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!path.equals(PATH) && !path.startsWith(PATH + "/")) {
      return;
    }
    if (!adminToken.configured()) {
      throw new GoldgateException(
          GoldgateException.Kind.PERMISSION_DENIED, "The admin API is closed: set goldgate.admin.token (env GOLDGATE_ADMIN_TOKEN)");
    }
    String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    Cookie cookie = request.getCookies().get(ConsoleSessions.COOKIE);
    if (authorization == null && cookie != null) {
      ConsoleSessions.Session session = sessions.verify(cookie.getValue()).orElseThrow(
          () -> new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "The console session has ended: sign in again at /console/login"));
      String method = request.getMethod();
      if (!method.equals("GET") && !method.equals("HEAD") && !sessions.csrfMatches(session, request.getHeaderString(ConsoleSessions.CSRF_HEADER))) {
        throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "missing or wrong CSRF token");
      }
      return;
    }
    String token = BearerHeaders.token(authorization, "Missing admin token: send 'Authorization: Bearer <admin token>'");
    if (!adminToken.matches(token)) {
      throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "Not the admin token");
    }
  }
}
