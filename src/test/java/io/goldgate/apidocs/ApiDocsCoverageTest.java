package io.goldgate.apidocs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import io.goldgate.features.FeaturesRoute;
import io.goldgate.http.RoutePaths;
import jakarta.ws.rs.Path;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The hand-written OpenAPI document and the code cannot drift apart: every JAX-RS operation of
 * io.goldgate (found by scanning the compiled classes for {@code @Path}) is documented, and every
 * documented operation exists. A new endpoint without documentation fails here.
 */
class ApiDocsCoverageTest {

  static final Map<Class<? extends Annotation>, String> HTTP_METHODS = Map.of(
      GET.class, "GET", POST.class, "POST", HEAD.class, "HEAD", PUT.class, "PUT", DELETE.class, "DELETE", PATCH.class, "PATCH",
      OPTIONS.class, "OPTIONS");

  @Test
  void givenTheCompiledResources_whenComparedWithTheDocument_thenEveryOperationIsDocumentedAndNothingElse() throws Exception {
    Set<String> inCode = jaxRsOperations();
    inCode.add("POST " + FeaturesRoute.PATH);
    // Data files are served by a Vert.x route (sharing.FileRoute), not a JAX-RS resource.
    inCode.add("GET " + RoutePaths.FILES + "{tableId}/{file}");
    inCode.add("HEAD " + RoutePaths.FILES + "{tableId}/{file}");
    Set<String> inDocument = documentedOperations();

    assertTrue(inCode.contains("POST /delta-sharing/shares/{share}/schemas/{schema}/tables/{table}/query"), "the scan finds resources: " + inCode);
    assertTrue(inCode.contains("GET /admin/status"), inCode.toString());
    Set<String> undocumented = new TreeSet<>(inCode);
    undocumented.removeAll(inDocument);
    assertEquals(Set.of(), undocumented, "operations missing from src/main/resources/" + ApiDocs.DOCUMENT);
    Set<String> stale = new TreeSet<>(inDocument);
    stale.removeAll(inCode);
    assertEquals(Set.of(), stale, "documented operations that no resource serves");
  }

  @Test
  void givenTheDocument_whenListingPaths_thenNoneIsOnTheManagementInterface() throws Exception {
    // The document's operations are the public port's: a client generated from it, or a fuzzer
    // driven by it, must never be sent to /q, which the public port does not serve.
    Set<String> management = new TreeSet<>();
    document().get("paths").fieldNames().forEachRemaining(path -> {
      if (path.equals("/q") || path.startsWith("/q/")) management.add(path);
    });
    assertEquals(Set.of(), management);
  }

  @Test
  void givenTheDocument_whenReadingEveryOperation_thenEachHasATagAnOperationIdAndResponses() throws Exception {
    JsonNode paths = document().get("paths");
    Set<String> ids = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = paths.fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      for (Iterator<Map.Entry<String, JsonNode>> o = path.getValue().fields(); o.hasNext(); ) {
        Map.Entry<String, JsonNode> op = o.next();
        if (op.getKey().equals("parameters")) continue;
        String where = op.getKey() + " " + path.getKey();
        assertTrue(op.getValue().path("tags").size() == 1, where + " has one tag");
        assertTrue(ids.add(op.getValue().path("operationId").asText()), where + " has a unique operationId");
        assertFalse(op.getValue().path("responses").isEmpty(), where + " has responses");
      }
    }
  }

  static JsonNode document() throws Exception {
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(ApiDocs.DOCUMENT)) {
      return new YAMLMapper().readTree(in);
    }
  }

  static Set<String> documentedOperations() throws Exception {
    Set<String> operations = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = document().get("paths").fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next();
        if (!method.equals("parameters") && !method.equals("summary") && !method.equals("description")) {
          operations.add(method.toUpperCase() + " " + path.getKey());
        }
      }
    }
    return operations;
  }

  /** "METHOD /path" for every resource method of every class under io/goldgate in the compiled output. */
  static Set<String> jaxRsOperations() throws Exception {
    java.nio.file.Path classes = java.nio.file.Path.of(ApiDocs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names = new ArrayList<>();
    try (Stream<java.nio.file.Path> files = Files.walk(classes.resolve("io/goldgate"))) {
      files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
        String relative = classes.relativize(f).toString();
        names.add(relative.substring(0, relative.length() - ".class".length()).replace('/', '.'));
      });
    }
    Set<String> operations = new TreeSet<>();
    for (String name : names) {
      Class<?> type = Class.forName(name, false, ApiDocsCoverageTest.class.getClassLoader());
      Path root = type.getAnnotation(Path.class);
      if (root == null) continue;
      for (Method method : type.getDeclaredMethods()) {
        Path sub = method.getAnnotation(Path.class);
        List<String> verbs = HTTP_METHODS.entrySet().stream().filter(e -> method.isAnnotationPresent(e.getKey())).map(Map.Entry::getValue).toList();
        if (verbs.isEmpty()) {
          assertTrue(sub == null, name + "." + method.getName() + " is a sub-resource locator, which this test cannot follow");
          continue;
        }
        String path = join(root.value(), sub == null ? "" : sub.value());
        verbs.forEach(verb -> operations.add(verb + " " + path));
      }
    }
    return operations;
  }

  /** Joins JAX-RS path segments as the runtime does, and drops regular expressions from templates. */
  static String join(String classPath, String methodPath) {
    String joined = ("/" + classPath + "/" + methodPath).replaceAll("/+", "/");
    if (joined.length() > 1 && joined.endsWith("/")) {
      joined = joined.substring(0, joined.length() - 1);
    }
    return joined.replaceAll("\\{\\s*([^}:\\s]+)\\s*:[^}]*}", "{$1}");
  }
}
