package io.goldgate.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import io.goldgate.access.AdminToken;
import io.goldgate.access.ConsoleSessions;
import io.goldgate.access.TrustedProxies;
import io.goldgate.audit.AuditLog;
import io.goldgate.audit.model.AuditEvent;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.http.RoutePaths;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operator console's sign-in, sign-out and page shells under {@code /console}. A page is an
 * HTML shell ({@code console/shell.html}) naming the page and its path parameters; the console's
 * script renders its content from the admin API, which accepts the session cookie set here (see
 * {@code AdminAuthFilter}). Without a valid session a page answers 303 to the sign-in page, which
 * sends the browser back afterwards. Only the admin token signs in; recipient tokens never do.
 * Sign-ins and their failures are audited (protocol {@code console}), the failures under the same
 * limits as every other unauthenticated failure.
 */
@Path(RoutePaths.CONSOLE)
@Produces(ConsoleResource.HTML)
public class ConsoleResource {

  static final String HTML = MediaType.TEXT_HTML + ";charset=UTF-8";
  static final String LOGIN = RoutePaths.CONSOLE + "/login";
  static final String WRONG_TOKEN = "wrong token";
  /** Longest token compared at all; the admin token is far shorter. */
  static final int MAX_TOKEN_LENGTH = 4096;

  private final ConsoleSessions sessions;
  private final AdminToken adminToken;
  private final TrustedProxies proxies;
  private final CurrentVertxRequest currentRequest;
  private final AuditLog audit;
  private final ObjectMapper json;
  private final String publicHost;
  private final ConsoleTemplate shell = ConsoleTemplate.load("console/shell.html");
  private final ConsoleTemplate login = ConsoleTemplate.load("console/login.html");

  public ConsoleResource(
      ConsoleSessions sessions, AdminToken adminToken, TrustedProxies proxies, CurrentVertxRequest currentRequest, AuditLog audit,
      ObjectMapper json, GoldgateConfig config) {
    this.sessions = sessions;
    this.adminToken = adminToken;
    this.proxies = proxies;
    this.currentRequest = currentRequest;
    this.audit = audit;
    this.json = json;
    this.publicHost = SameOrigin.authorityOfUrl(config.sharing().publicUrl().orElse(null));
  }

  // ---------------------------------------------------------------- sign-in and sign-out

  @GET
  @Path("login")
  public Response loginPage(@QueryParam("next") String next, @CookieParam(ConsoleSessions.COOKIE) String cookie) {
    if (sessions.verify(cookie).isPresent()) {
      return seeOther(LocalRedirects.safe(next)).build();
    }
    return Response.ok(signInPage(LocalRedirects.safe(next), "")).build();
  }

  @POST
  @Path("login")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response signIn(@FormParam("token") String token, @FormParam("next") String next) {
    long started = System.nanoTime();
    RoutingContext rc = currentRequest.getCurrent();
    requireSameOrigin(rc);
    if (token == null || token.length() > MAX_TOKEN_LENGTH || !adminToken.matches(token.strip())) {
      record(rc, "signIn", 401, "UNAUTHENTICATED", "Sign-in to the console with a wrong token", started);
      return Response.status(401).entity(signInPage(LocalRedirects.safe(next), WRONG_TOKEN)).build();
    }
    ConsoleSessions.Session session = sessions.open();
    record(rc, "signIn", 303, null, null, started);
    return seeOther(LocalRedirects.safe(next)).header("Set-Cookie", cookie(session.cookie(), sessions.lifetime().toSeconds(), rc)).build();
  }

  @POST
  @Path("logout")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response signOut(@FormParam("csrf") String csrf, @CookieParam(ConsoleSessions.COOKIE) String cookie) {
    long started = System.nanoTime();
    RoutingContext rc = currentRequest.getCurrent();
    requireSameOrigin(rc);
    if (!ConsoleSessions.csrfShaped(csrf)) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "missing or wrong CSRF token");
    }
    Optional<ConsoleSessions.Session> session = sessions.verify(cookie);
    if (session.isPresent()) {
      if (!sessions.csrfMatches(session.get(), csrf)) {
        throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "missing or wrong CSRF token");
      }
      sessions.close(session.get());
      record(rc, "signOut", 303, null, null, started);
    }
    return seeOther(LOGIN).header("Set-Cookie", cookie("", 0, rc)).build();
  }

  // ---------------------------------------------------------------- pages

  @GET
  public Response overview(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
    return page(ConsolePage.OVERVIEW, Map.of(), cookie);
  }

  @GET
  @Path("tables")
  public Response tables(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
    return page(ConsolePage.TABLES, Map.of(), cookie);
  }

  @GET
  @Path("tables/{share}/{schema}/{table}")
  public Response table(
      @PathParam("share") String share, @PathParam("schema") String schema, @PathParam("table") String table,
      @CookieParam(ConsoleSessions.COOKIE) String cookie) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("share", share);
    params.put("schema", schema);
    params.put("table", table);
    return page(ConsolePage.TABLE, params, cookie);
  }

  @GET
  @Path("recipients")
  public Response recipients(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
    return page(ConsolePage.RECIPIENTS, Map.of(), cookie);
  }

  @GET
  @Path("audit")
  public Response audit(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
    return page(ConsolePage.AUDIT, Map.of(), cookie);
  }

  @GET
  @Path("lineage")
  public Response lineage(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
    return page(ConsolePage.LINEAGE, Map.of(), cookie);
  }

  @GET
  @Path("features")
  public Response features(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
    return page(ConsolePage.FEATURES, Map.of(), cookie);
  }

  private Response page(ConsolePage page, Map<String, String> params, String cookie) {
    Optional<ConsoleSessions.Session> session = sessions.verify(cookie);
    if (session.isEmpty()) {
      String here = currentRequest.getCurrent().request().uri();
      return seeOther(LOGIN + "?next=" + URLEncoder.encode(LocalRedirects.safe(here), StandardCharsets.UTF_8)).build();
    }
    String title = page == ConsolePage.TABLE ? params.get("share") + "." + params.get("schema") + "." + params.get("table") : page.title;
    Map<String, String> values = new LinkedHashMap<>();
    values.put("title", title);
    values.put("page", page.id);
    values.put("params", toJson(params));
    values.put("csrf", session.get().csrfToken());
    return Response.ok(shell.render(values)).build();
  }

  // ---------------------------------------------------------------- helpers

  private String signInPage(String next, String error) {
    String hint = adminToken.configured()
        ? "Sign in with the operator token (goldgate.admin.token). Recipient tokens do not open the console."
        : "The console is closed: no operator token is set (goldgate.admin.token, env GOLDGATE_ADMIN_TOKEN).";
    return login.render(Map.of("next", next, "error", error, "hint", hint));
  }

  /** A form post from another site's page is refused before anything else is looked at. */
  private void requireSameOrigin(RoutingContext rc) {
    String origin = rc.request().getHeader("Origin");
    // The console's own Referrer-Policy (no-referrer) makes browsers send "Origin: null" with its
    // form posts; Sec-Fetch-Site, which no page can set, says whether such a post came from this origin.
    if ("null".equals(origin) && "same-origin".equals(rc.request().getHeader("Sec-Fetch-Site"))) {
      return;
    }
    String host = rc.request().getHeader("Host");
    if (!SameOrigin.allowed(origin, host, proxies.forwardedHost(rc), publicHost)) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This form was posted from another origin");
    }
  }

  /** The session cookie (an empty value with Max-Age 0 removes it); Secure whenever the browser came over HTTPS. */
  private String cookie(String value, long maxAgeSeconds, RoutingContext rc) {
    return ConsoleSessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
        + (proxies.overHttps(rc) ? "; Secure" : "");
  }

  /** A 303 with a relative Location: behind a proxy, the gateway's idea of its own base URL may be wrong. */
  private static Response.ResponseBuilder seeOther(String location) {
    return Response.status(Response.Status.SEE_OTHER).header("Location", location);
  }

  private String toJson(Map<String, String> params) {
    try {
      return json.writeValueAsString(params);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Page parameters cannot be written as JSON", e);
    }
  }

  private void record(RoutingContext rc, String operation, int status, String errorCode, String message, long started) {
    audit.record(new AuditEvent(
        null, Instant.now(), null, proxies.clientAddress(rc), rc.request().getHeader("User-Agent"), AuditEvent.CONSOLE, operation, null,
        null, null, null, null, null, null, String.valueOf(status), errorCode, message, (System.nanoTime() - started) / 1_000_000));
  }
}
