package io.goldgate.sharing;

import io.goldgate.GoldgateException;
import io.goldgate.access.AccessTokens;
import io.goldgate.access.ClientCredentials;
import io.goldgate.audit.AuditContext;
import io.goldgate.http.RoutePaths;
import io.goldgate.sharing.model.OAuthError;
import io.goldgate.sharing.model.OAuthToken;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The OAuth 2.0 token endpoint of recipients' clients (RFC 6749 section 4.4, client credentials),
 * as a version-2 Delta Sharing profile names it in {@code tokenEndpoint}. Client authentication by
 * HTTP Basic (RFC 6749 section 2.3.1, what the Delta Sharing connectors send) or by {@code
 * client_id}/{@code client_secret} in the form. Answers and errors are RFC 6749's JSON, not the
 * Delta Sharing error body: OAuth libraries read {@code error}.
 */
@Path(RoutePaths.OAUTH_TOKEN)
public class OAuthTokenResource {

  /** Longest client id or secret read, in characters. */
  private static final int MAX_CREDENTIAL = 1024;

  /** Most form parameters read; a client credentials grant has at most four. */
  private static final int MAX_PARAMETERS = 100;

  private final ClientCredentials credentials;
  private final AuditContext audit;

  public OAuthTokenResource(ClientCredentials credentials, AuditContext audit) {
    this.credentials = credentials;
    this.audit = audit;
  }

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Produces(MediaType.APPLICATION_JSON)
  public Response token(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
    Map<String, List<String>> form = parseForm(body);
    if (form == null) {
      return error(400, "invalid_request", "the body is not a valid application/x-www-form-urlencoded form of at most " + MAX_PARAMETERS + " parameters");
    }
    String grantType = single(form, "grant_type");
    if (grantType == null) {
      return error(400, "invalid_request", "grant_type is required, once");
    }
    if (!grantType.equals("client_credentials")) {
      return error(400, "unsupported_grant_type", "only grant_type=client_credentials is supported");
    }
    String[] client = basic(authorization);
    String formId = single(form, "client_id");
    String formSecret = single(form, "client_secret");
    if (client != null && (formId != null || formSecret != null)) {
      // RFC 6749 section 2.3: a client uses one authentication method per request.
      return error(400, "invalid_request", "authenticate the client by HTTP Basic or by client_id/client_secret, not both");
    }
    if (client == null) {
      client = new String[] {formId, formSecret};
    }
    if (client[0] == null || client[1] == null || client[0].length() > MAX_CREDENTIAL || client[1].length() > MAX_CREDENTIAL) {
      return invalidClient("Client authentication is required: HTTP Basic with the client id and secret");
    }
    AccessTokens.Issued issued;
    try {
      issued = credentials.grant(client[0], client[1]);
    } catch (GoldgateException e) {
      if (e.kind() != GoldgateException.Kind.UNAUTHENTICATED) {
        throw e;
      }
      return invalidClient(e.getMessage());
    }
    audit.current().recipient(client[0]);
    return noStore(Response.ok(new OAuthToken(issued.accessToken(), "Bearer", issued.expiresInSeconds()), MediaType.APPLICATION_JSON_TYPE));
  }

  /** The id and secret of an HTTP Basic header (both form-decoded, RFC 6749 section 2.3.1), or null. */
  private static String[] basic(String authorization) {
    if (authorization == null || authorization.length() < 6 || !authorization.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new String[] {null, null};
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return new String[] {null, null};
    }
    try {
      return new String[] {formDecode(decoded.substring(0, colon)), formDecode(decoded.substring(colon + 1))};
    } catch (IllegalArgumentException e) {
      return new String[] {null, null};
    }
  }

  private static String formDecode(String s) {
    return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /**
   * The form's parameters, or null when it is not a form. Parsed here rather than by the REST
   * layer, whose parser fails on pairs such as {@code &=&} with a 500.
   */
  private static Map<String, List<String>> parseForm(String body) {
    var form = new HashMap<String, List<String>>();
    if (body == null || body.isEmpty()) {
      return form;
    }
    int count = 0;
    int start = 0;
    while (start <= body.length()) {
      int end = body.indexOf('&', start);
      if (end < 0) end = body.length();
      if (end > start) {
        if (++count > MAX_PARAMETERS) {
          return null;
        }
        String pair = body.substring(start, end);
        int eq = pair.indexOf('=');
        try {
          String name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
          String value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
          form.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
      start = end + 1;
    }
    return form;
  }

  /** The parameter's one value; null when absent, empty or repeated (RFC 6749 section 3.2). */
  private static String single(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    if (values == null || values.size() != 1 || values.get(0).isEmpty()) {
      return null;
    }
    return values.get(0);
  }

  private Response invalidClient(String description) {
    audit.current().error("invalid_client", description);
    return noStore(Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"goldgate\"").entity(new OAuthError("invalid_client", description)));
  }

  private Response error(int status, String code, String description) {
    audit.current().error(code, description);
    return noStore(Response.status(status).entity(new OAuthError(code, description)));
  }

  private static Response noStore(Response.ResponseBuilder response) {
    return response.type(MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.CACHE_CONTROL, "no-store").header("Pragma", "no-cache").build();
  }
}
