package io.goldgate.apidocs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.goldgate.http.ErrorResponse;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The OpenAPI document at {@code /q/openapi} and Swagger UI at {@code /q/swagger-ui}, served on the
 * management interface ({@code quarkus.management.port}) next to health and metrics, never on the
 * public port: the document maps the whole admin API, which is no business of every client that
 * can reach the gateway. The document is written by hand ({@code openapi/goldgate.yaml}): Quarkus'
 * generator is not available to this build. Swagger UI's files come from the org.webjars:swagger-ui
 * jar; only the four the page loads are served, under a path that carries the webjar's version.
 */
@Singleton
public class ApiDocs {

  static final String DOCUMENT = "openapi/goldgate.yaml";
  static final String YAML = "application/yaml;charset=UTF-8";
  /** Vert.x numbers routes without an explicit order from 0 up, in the order they are added. */
  static final int BEFORE_QUARKUS_ROUTES = -1000;
  /** The body the JAX-RS layer answers an unknown path with (http.ErrorResponses). */
  static final String NOT_FOUND = "{\"errorCode\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"No such endpoint\"}";

  /** File name in the webjar -> content type, for the files the Swagger UI page loads. */
  static final Map<String, String> SWAGGER_UI_ASSETS = Map.of(
      "swagger-ui.css", "text/css;charset=UTF-8",
      "swagger-ui-bundle.js", "text/javascript;charset=UTF-8",
      "swagger-ui-standalone-preset.js", "text/javascript;charset=UTF-8",
      "favicon-32x32.png", "image/png");

  void register(@Observes ManagementInterface management, ObjectMapper mapper,
      @ConfigProperty(name = "quarkus.management.root-path", defaultValue = "/q") String root) {
    String base = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    String yaml = new String(resource(DOCUMENT), StandardCharsets.UTF_8);
    String json;
    try {
      JsonNode tree = new YAMLMapper().readTree(yaml);
      json = mapper.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(DOCUMENT + " is not valid YAML", e);
    }
    String version = swaggerUiVersion();
    String assets = base + "/swagger-ui/" + version + "/";
    String page = swaggerUiPage(assets, base + "/openapi?format=json");

    Router router = management.router();
    read(router, base + "/openapi").handler(rc -> openApi(rc, mapper, yaml, json));
    read(router, base + "/swagger-ui").handler(rc -> rc.response().putHeader("Content-Type", "text/html;charset=UTF-8").end(page));
    SWAGGER_UI_ASSETS.forEach((name, type) -> {
      Buffer body = Buffer.buffer(resource("META-INF/resources/webjars/swagger-ui/" + version + "/" + name));
      // The version is in the path, so a new webjar is a new URL and the old one never changes.
      read(router, assets + name).handler(rc -> rc.response()
          .putHeader("Content-Type", type)
          .putHeader("Cache-Control", "public, max-age=86400")
          .end(body));
    });
  }

  /**
   * The public port serves every jar's META-INF/resources, the webjar's included (its index.html is
   * a Swagger UI of its own): its path answers 404 there, as any unknown path does, before Quarkus'
   * static files (routes without an explicit order come after this one).
   */
  void hideWebjarFromPublicPort(@Observes Router publicRouter) {
    publicRouter.route("/webjars/swagger-ui/*").order(BEFORE_QUARKUS_ROUTES).handler(rc -> rc.response()
        .setStatusCode(404)
        .putHeader("Content-Type", "application/json")
        .end(NOT_FOUND));
  }

  private static Route read(Router router, String path) {
    return router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD);
  }

  private static void openApi(RoutingContext rc, ObjectMapper mapper, String yaml, String json) {
    String format = rc.queryParams().get("format");
    if (format == null || format.equalsIgnoreCase("yaml") || format.equalsIgnoreCase("yml")) {
      rc.response().putHeader("Content-Type", YAML).putHeader("Cache-Control", "no-cache").end(yaml);
    } else if (format.equalsIgnoreCase("json")) {
      rc.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-cache").end(json);
    } else {
      String body;
      try {
        body = mapper.writeValueAsString(new ErrorResponse("INVALID_PARAMETER_VALUE", "format must be yaml or json, got '" + format + "'"));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
      rc.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(body);
    }
  }

  private static String swaggerUiPage(String assets, String documentUrl) {
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Goldgate API</title>
          <link rel="stylesheet" href="%1$sswagger-ui.css">
          <link rel="icon" type="image/png" href="%1$sfavicon-32x32.png">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="%1$sswagger-ui-bundle.js"></script>
          <script src="%1$sswagger-ui-standalone-preset.js"></script>
          <script>
            window.ui = SwaggerUIBundle({
              url: "%2$s",
              dom_id: "#swagger-ui",
              deepLinking: true,
              presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
              layout: "StandaloneLayout"
            });
          </script>
        </body>
        </html>
        """
        .formatted(assets, documentUrl);
  }

  /** The version of the swagger-ui webjar on the classpath, so the pom alone decides it. */
  static String swaggerUiVersion() {
    Properties properties = new Properties();
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("org.webjars:swagger-ui is missing from the classpath");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  static byte[] resource(String name) {
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
