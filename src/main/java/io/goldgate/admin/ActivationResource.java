package io.goldgate.admin;

import io.goldgate.http.Html;
import io.goldgate.http.RoutePaths;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /delta-sharing/activation/{code}}, no credentials: the one-time activation link.
 *
 * <p>{@code GET} and {@code HEAD} only say what the link is for (an HTML page with a button, or
 * JSON to a client that asks for it) and never spend it: mail scanners and link previewers fetch
 * every link they see. An explicit {@code POST} (the page's button, {@code curl -X POST}) answers
 * the recipient's Delta Sharing profile file with a new bearer token, once; every later call
 * answers 404.
 */
@Path(RoutePaths.ACTIVATION + "{code}")
public class ActivationResource {

  private static final String HTML = MediaType.TEXT_HTML + ";charset=UTF-8";

  private final RecipientAdmin admin;

  public ActivationResource(RecipientAdmin admin) {
    this.admin = admin;
  }

  @GET
  @Produces({MediaType.TEXT_HTML, MediaType.APPLICATION_JSON})
  public Response show(@PathParam("code") String code, @Context HttpHeaders headers) {
    RecipientAdmin.PendingLink link = admin.describe(code);
    if (wantsJson(headers)) {
      var body = new LinkedHashMap<String, Object>();
      body.put("recipient", link.recipient());
      body.put("expiresAt", link.expiresAt());
      body.put("tokenLifetime", link.tokenLifetime());
      body.put("credential", link.credential());
      body.put("activate", Map.of("method", "POST", "description", "POST this URL (no body) to receive the profile file, once"));
      return noStore(Response.ok(body, MediaType.APPLICATION_JSON_TYPE)).build();
    }
    return noStore(Response.ok(page(link), HTML)).build();
  }

  @HEAD
  public Response head(@PathParam("code") String code, @Context HttpHeaders headers) {
    admin.describe(code);
    return noStore(Response.ok().type(wantsJson(headers) ? MediaType.APPLICATION_JSON : HTML)).build();
  }

  /** Spends the link: the profile file, with a token that exists in plain form only in this answer. */
  @POST
  @Produces(MediaType.APPLICATION_JSON)
  public Response activate(@PathParam("code") String code, @Context UriInfo uri) {
    RecipientAdmin.ActivatedProfile activated = admin.activate(code, uri.getBaseUri());
    return noStore(Response.ok(activated.profile()))
        .header("Content-Disposition", "attachment; filename=\"" + activated.recipient() + ".share\"")
        .build();
  }

  /** JSON only when the client ranks it above HTML (a browser's Accept prefers HTML; curl's is *{@literal /}*). */
  private static boolean wantsJson(HttpHeaders headers) {
    for (MediaType type : headers.getAcceptableMediaTypes()) {
      if (type.isCompatible(MediaType.TEXT_HTML_TYPE) && !type.isWildcardType()) {
        return false;
      }
      if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType()) {
        return true;
      }
    }
    return false;
  }

  private static Response.ResponseBuilder noStore(Response.ResponseBuilder response) {
    // The page names the recipient and the link itself is a credential: no cache may keep either,
    // and the link must not leak to other sites through the Referer header.
    return response
        .header("Cache-Control", "no-store")
        .header("Referrer-Policy", "no-referrer")
        .header("X-Robots-Tag", "noindex")
        .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
  }

  private static String page(RecipientAdmin.PendingLink link) {
    String recipient = Html.escape(link.recipient());
    String lifetime = link.tokenLifetime() == null ? "does not expire" : "is valid for " + Html.escape(link.tokenLifetime()) + " from the download";
    String credential =
        link.credential().equals("oauth_client_credentials")
            ? "an OAuth client id and secret (the client exchanges them for short-lived access tokens), a secret that " + lifetime
            : "a bearer token that " + lifetime;
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Delta Sharing activation for %1$s</title>
        <style>body{font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.5}</style></head>
        <body>
        <h1>Delta Sharing activation for %1$s</h1>
        <p>This link downloads the credential profile file of recipient <strong>%1$s</strong>, <strong>once</strong>.
        The profile holds %2$s; keep the file safe. After the download this link stops working.</p>
        <p>The link can be used until %3$s.</p>
        <form method="post"><button type="submit">Download the profile file (%1$s.share)</button></form>
        <p>Without a browser: <code>curl -X POST -o %1$s.share &lt;this link&gt;</code></p>
        </body>
        </html>
        """.formatted(recipient, credential, Html.escape(link.expiresAt().toString()));
  }

}
