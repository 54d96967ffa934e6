package io.goldgate.apidocs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.goldgate.GoldgateException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The OpenAPI document at {@code /q/openapi} and Swagger UI at {@code /q/swagger-ui}. The document
 * is written by hand ({@code openapi/goldgate.yaml}): Quarkus' generator is not available to this
 * build. Swagger UI's files come from the org.webjars:swagger-ui jar, served by Quarkus from
 * {@code /webjars/swagger-ui/<version>/}.
 */
@Path("/q")
public class ApiDocsResource {

  static final String DOCUMENT = "openapi/goldgate.yaml";
  static final MediaType YAML = new MediaType("application", "yaml", "UTF-8");

  private final String yaml;
  private final String json;
  private final String swaggerUiPage;

  public ApiDocsResource(ObjectMapper mapper) {
    this.yaml = resource(DOCUMENT);
    try {
      JsonNode tree = new YAMLMapper().readTree(yaml);
      this.json = mapper.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException("openapi/goldgate.yaml is not valid YAML", e);
    }
    this.swaggerUiPage = swaggerUiPage(swaggerUiVersion());
  }

  @GET
  @Path("openapi")
  public Response openApi(@QueryParam("format") String format) {
    if (format == null || format.equalsIgnoreCase("yaml") || format.equalsIgnoreCase("yml")) {
      return Response.ok(yaml, YAML).cacheControl(noCache()).build();
    }
    if (format.equalsIgnoreCase("json")) {
      return Response.ok(json, MediaType.APPLICATION_JSON_TYPE).cacheControl(noCache()).build();
    }
    throw GoldgateException.invalid("format must be yaml or json, got '" + format + "'");
  }

  @GET
  @Path("swagger-ui")
  public Response swaggerUi() {
    return Response.ok(swaggerUiPage, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
  }

  private static CacheControl noCache() {
    CacheControl cache = new CacheControl();
    cache.setNoCache(true);
    return cache;
  }

  private static String swaggerUiPage(String version) {
    String assets = "/webjars/swagger-ui/" + version + "/";
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
              url: "/q/openapi?format=json",
              dom_id: "#swagger-ui",
              deepLinking: true,
              presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
              layout: "StandaloneLayout"
            });
          </script>
        </body>
        </html>
        """
        .formatted(assets);
  }

  /** The version of the swagger-ui webjar on the classpath, so the pom alone decides it. */
  static String swaggerUiVersion() {
    Properties properties = new Properties();
    try (InputStream in = ApiDocsResource.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("org.webjars:swagger-ui is missing from the classpath");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  static String resource(String name) {
    try (InputStream in = ApiDocsResource.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
