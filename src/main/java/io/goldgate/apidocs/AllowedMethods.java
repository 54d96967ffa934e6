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
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
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
 * <p>Query parameters the document types as integers or booleans are checked against it here too
 * (400 INVALID_PARAMETER_VALUE naming the parameter): a value that is empty (unless the document
 * says {@code allowEmptyValue}), not a number, out of the documented bounds or given twice is
 * refused, where the resources would have read the first value or taken an empty one as absent.
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

  /** The templates with a variable segment, literal segments first. */
  private final List<Template> templates;
  /**
   * The templates without one, by path: most requests (lookups above all) are answered from here
   * without splitting their path. A literal template is also the first that matches its path.
   */
  private final Map<String, Template> literal;

  public AllowedMethods() {
    List<Template> all = templates(new String(ApiDocs.resource(ApiDocs.DOCUMENT), StandardCharsets.UTF_8));
    Map<String, Template> byPath = new HashMap<>();
    List<Template> variable = new ArrayList<>();
    for (Template template : all) {
      if (Arrays.stream(template.segments()).anyMatch(segment -> segment.startsWith("{"))) {
        variable.add(template);
      } else {
        byPath.putIfAbsent(String.join("/", template.segments()), template);
      }
    }
    this.templates = List.copyOf(variable);
    this.literal = Map.copyOf(byPath);
  }

  void install(@Observes Router router) {
    router.route().order(ORDER).handler(this::filter);
  }

  /** The methods the document gives {@code path}, HEAD wherever GET is; empty for a path it does not name. */
  Set<String> allowed(String path) {
    Template template = template(path);
    return template == null ? Set.of() : template.methods();
  }

  /** The typed query parameters the document gives {@code method} on {@code path}. */
  List<QueryParameter> queryParameters(String method, String path) {
    Template template = template(path);
    return template == null ? List.of() : queryParameters(template, method);
  }

  private static List<QueryParameter> queryParameters(Template template, String method) {
    return template.queryParameters().getOrDefault(method.equals("HEAD") && !template.queryParameters().containsKey("HEAD") ? "GET" : method, List.of());
  }

  private Template template(String path) {
    Template exact = literal.get(trim(path));
    if (exact != null) {
      return exact;
    }
    String[] segments = segments(path);
    for (Template template : templates) {
      if (template.matches(segments)) {
        return template;
      }
    }
    return null;
  }

  private void filter(RoutingContext rc) {
    HttpMethod method = rc.request().method();
    if (HttpMethod.TRACE.equals(method) || HttpMethod.CONNECT.equals(method)) {
      refuse(rc, allowed(rc.normalizedPath()));
      return;
    }
    Template template = template(rc.normalizedPath());
    if (template == null) {
      rc.next();
      return;
    }
    Set<String> allowed = template.methods();
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
    for (QueryParameter parameter : queryParameters(template, method.name())) {
      List<String> values = rc.queryParam(parameter.name());
      String problem = values.size() > 1
          ? "'" + parameter.name() + "' is given " + values.size() + " times; give it at most once"
          : values.isEmpty() ? null : parameter.problem(values.get(0));
      if (problem != null) {
        rc.response()
            .setStatusCode(400)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(Json.encode(new ErrorResponse("INVALID_PARAMETER_VALUE", problem)));
        return;
      }
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

  /**
   * A documented query parameter whose value the server reads as a number or a boolean: its text
   * must be exactly that (no empty value, no {@code 1.0}, no {@code yes}; a boolean in any case), inside the documented
   * bounds. String parameters are left to the resources, which know what they mean.
   */
  record QueryParameter(String name, String type, BigInteger minimum, BigInteger maximum, boolean allowEmptyValue) {

    /** Why {@code value} breaks the document, or null. */
    String problem(String value) {
      if (allowEmptyValue && value.isBlank()) {
        return null;
      }
      if (type.equals("boolean")) {
        // Any case: the delta-sharing Python connector sends Python's spelling (True, False).
        return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false") ? null : "'" + name + "' must be true or false, got '" + shorten(value) + "'";
      }
      String bounds = "'" + name + "' must be a whole number from " + minimum + " to " + maximum + ", got '" + shorten(value) + "'";
      int digits = value.startsWith("-") ? 1 : 0;
      if (value.length() == digits || value.length() > 20) {
        return bounds;
      }
      for (int i = digits; i < value.length(); i++) {
        if (value.charAt(i) < '0' || value.charAt(i) > '9') {
          return bounds;
        }
      }
      BigInteger number = new BigInteger(value);
      return number.compareTo(minimum) < 0 || number.compareTo(maximum) > 0 ? bounds : null;
    }

    private static String shorten(String text) {
      return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
  }

  private record Template(String[] segments, Set<String> methods, Map<String, List<QueryParameter>> queryParameters) {
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
    return trim(path).split("/", -1);
  }

  /** The path without its leading slash and one trailing slash. */
  private static String trim(String path) {
    int from = path.startsWith("/") ? 1 : 0;
    int to = path.length() > from && path.endsWith("/") ? path.length() - 1 : path.length();
    return path.substring(from, to);
  }

  private static List<Template> templates(String yaml) {
    JsonNode document;
    try {
      document = new YAMLMapper().readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("openapi/goldgate.yaml is not valid YAML", e);
    }
    JsonNode shared = document.path("components").path("parameters");
    var out = new ArrayList<Template>();
    for (Iterator<Map.Entry<String, JsonNode>> p = document.get("paths").fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      var methods = new TreeSet<String>();
      var parameters = new HashMap<String, List<QueryParameter>>();
      for (Iterator<Map.Entry<String, JsonNode>> o = path.getValue().fields(); o.hasNext(); ) {
        Map.Entry<String, JsonNode> operation = o.next();
        String name = operation.getKey().toUpperCase(Locale.ROOT);
        if (Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE").contains(name)) {
          methods.add(name);
          var typed = new ArrayList<QueryParameter>();
          typed.addAll(queryParameters(path.getValue().path("parameters"), shared));
          typed.addAll(queryParameters(operation.getValue().path("parameters"), shared));
          parameters.put(name, List.copyOf(typed));
        }
      }
      if (methods.contains("GET")) {
        methods.add("HEAD");
      }
      methods.add("OPTIONS");
      out.add(new Template(segments(path.getKey()), Collections.unmodifiableSet(methods), Map.copyOf(parameters)));
    }
    // A literal segment wins over a variable one at the same place (/admin/audit/stats before /admin/audit/{x}).
    out.sort((a, b) -> String.join("/", literalFirst(a.segments())).compareTo(String.join("/", literalFirst(b.segments()))));
    return List.copyOf(out);
  }

  private static List<QueryParameter> queryParameters(JsonNode parameters, JsonNode shared) {
    var out = new ArrayList<QueryParameter>();
    for (JsonNode parameter : parameters) {
      JsonNode resolved = parameter.has("$ref") ? shared.path(parameter.get("$ref").asText().replace("#/components/parameters/", "")) : parameter;
      JsonNode schema = resolved.path("schema");
      String type = schema.path("type").asText();
      if (!resolved.path("in").asText().equals("query") || !(type.equals("integer") || type.equals("boolean"))) {
        continue;
      }
      BigInteger max = BigInteger.valueOf(schema.path("format").asText().equals("int64") ? Long.MAX_VALUE : Integer.MAX_VALUE);
      BigInteger min = BigInteger.valueOf(schema.path("format").asText().equals("int64") ? Long.MIN_VALUE : Integer.MIN_VALUE);
      out.add(new QueryParameter(
          resolved.path("name").asText(),
          type,
          schema.has("minimum") ? schema.get("minimum").bigIntegerValue() : min,
          schema.has("maximum") ? schema.get("maximum").bigIntegerValue() : max,
          resolved.path("allowEmptyValue").asBoolean(false)));
    }
    return out;
  }

  private static List<String> literalFirst(String[] segments) {
    var keys = new ArrayList<String>();
    for (String s : segments) {
      keys.add(s.startsWith("{") ? "~" : "!" + s);
    }
    return keys;
  }
}
