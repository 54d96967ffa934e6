package io.goldgate.admin;

import io.goldgate.GoldgateException;
import io.goldgate.access.BearerHeaders;
import io.goldgate.access.Secrets;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.http.RoutePaths;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.security.MessageDigest;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards everything under {@code /admin} with the operator token. Recipient tokens never open it:
 * only {@code goldgate.admin.token} does, compared in constant time.
 */
public class AdminAuthFilter {

  public static final String PATH = RoutePaths.ADMIN;

  private final byte[] adminTokenHash;

  public AdminAuthFilter(GoldgateConfig config) {
    String token = config.admin().token().filter(t -> !t.isBlank()).orElse(null);
    if (token != null && token.length() < 32) {
      throw new IllegalArgumentException("goldgate.admin.token must be at least 32 characters");
    }
    this.adminTokenHash = token == null ? null : Secrets.sha256(token);
  }

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public void authenticate(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!path.equals(PATH) && !path.startsWith(PATH + "/")) {
      return;
    }
    if (adminTokenHash == null) {
      throw new GoldgateException(
          GoldgateException.Kind.PERMISSION_DENIED, "The admin API is closed: set goldgate.admin.token (env GOLDGATE_ADMIN_TOKEN)");
    }
    String token = BearerHeaders.token(request.getHeaderString(HttpHeaders.AUTHORIZATION), "Missing admin token: send 'Authorization: Bearer <admin token>'");
    if (!MessageDigest.isEqual(adminTokenHash, Secrets.sha256(token))) {
      throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "Not the admin token");
    }
  }
}
