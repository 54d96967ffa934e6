package io.goldgate.apidocs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.goldgate.http.ErrorResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Answers {@code OPTIONS} and refuses methods a path does not serve, for every HTTP face at once,
 * from the OpenAPI document: ApiDocsCoverageTest keeps the document and the resources in step, so
 * the document is the exact list of methods per path. Without this, RESTEasy's own {@code OPTIONS}
 * lists every method of the resource class (POST on GET-only paths), {@code TRACE} got a 405 with
 * an empty {@code Allow}, and routes of Quarkus extensions ({@code /q/health/*}) answered 200 to
 * any method, {@code TRACE} included.
 *
 * <p>{@code TRACE} and {@code CONNECT} are refused on every path (405, nothing echoed). Paths the
 * document does not name (static files, unknown paths) are left to the routes behind. A CORS
 * preflight (an {@code OPTIONS} with {@code Access-Control-Request-Method}) is left to Quarkus'
 * CORS handling.
 */
@ApplicationScoped
public class AllowedMethods {

  /** Before the REST layer and the extensions' routes; after the audit's start (order -100). */
  static final int ORDER = -90;

  private final List<Template> templates;

  public AllowedMethods() {
    this.templates = templates(ApiDocsResource.resource(ApiDocsResource.DOCUMENT));
  }

  void install(@Observes Router router) {
    router.route().order(ORDER).handler(this::filter);
  }

  /** The methods the document gives {@code path}, HEAD wherever GET is; empty for a path it does not name. */
  Set<String> allowed(String path) {
    String[] segments = segments(path);
    for (Template template : templates) {
      if (template.matches(segments)) {
        return template.methods();
      }
    }
    return Set.of();
  }

  private void filter(RoutingContext rc) {
    HttpMethod method = rc.request().method();
    if (HttpMethod.TRACE.equals(method) || HttpMethod.CONNECT.equals(method)) {
      refuse(rc, allowed(rc.normalizedPath()));
      return;
    }
    Set<String> allowed = allowed(rc.normalizedPath());
    if (allowed.isEmpty()) {
      rc.next();
      return;
    }
    if (HttpMethod.OPTIONS.equals(method)) {
      if (rc.request().getHeader("Access-Control-Request-Method") != null) {
        rc.next();
        return;
      }
      rc.response().setStatusCode(204).putHeader(HttpHeaders.ALLOW, String.join(", ", allowed)).end();
      return;
    }
    if (!allowed.contains(method.name())) {
      refuse(rc, allowed);
      return;
    }
    rc.next();
  }

  private static void refuse(RoutingContext rc, Set<String> allowed) {
    String body = Json.encode(new ErrorResponse("UNSUPPORTED_OPERATION", "Method " + rc.request().method().name() + " is not allowed on this path"));
    rc.response()
        .setStatusCode(405)
        .putHeader(HttpHeaders.ALLOW, String.join(", ", allowed))
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body);
  }

  private record Template(String[] segments, Set<String> methods) {
    boolean matches(String[] path) {
      if (path.length != segments.length) {
        return false;
      }
      for (int i = 0; i < path.length; i++) {
        boolean variable = segments[i].startsWith("{");
        if (variable ? path[i].isEmpty() : !segments[i].equals(path[i])) {
          return false;
        }
      }
      return true;
    }
  }

  private static String[] segments(String path) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    if (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed.split("/", -1);
  }

  private static List<Template> templates(String yaml) {
    JsonNode paths;
    try {
      paths = new YAMLMapper().readTree(yaml).get("paths");
    } catch (IOException e) {
      throw new UncheckedIOException("openapi/goldgate.yaml is not valid YAML", e);
    }
    var out = new ArrayList<Template>();
    for (Iterator<Map.Entry<String, JsonNode>> p = paths.fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      var methods = new TreeSet<String>();
      for (Iterator<String> names = path.getValue().fieldNames(); names.hasNext(); ) {
        String name = names.next().toUpperCase(Locale.ROOT);
        if (Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE").contains(name)) {
          methods.add(name);
        }
      }
      if (methods.contains("GET")) {
        methods.add("HEAD");
      }
      methods.add("OPTIONS");
      out.add(new Template(segments(path.getKey()), Collections.unmodifiableSet(methods)));
    }
    // A literal segment wins over a variable one at the same place (/admin/audit/stats before /admin/audit/{x}).
    out.sort((a, b) -> String.join("/", literalFirst(a.segments())).compareTo(String.join("/", literalFirst(b.segments()))));
    return List.copyOf(out);
  }

  private static List<String> literalFirst(String[] segments) {
    var keys = new ArrayList<String>();
    for (String s : segments) {
      keys.add(s.startsWith("{") ? "~" : "!" + s);
    }
    return keys;
  }
}
