package io.goldgate.nativeimage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * native/*.json name classes, members and resources by string, so nothing but a native build would
 * notice a typo or a library upgrade that renames them. This does, on the JVM class path: every
 * entry must resolve.
 */
class NativeConfigTest {

  private static final JsonMapper JSON = new JsonMapper();
  private static final ClassLoader LOADER = NativeConfigTest.class.getClassLoader();

  @Test
  void givenReflectConfig_thenEveryClassConstructorAndFieldExists() throws Exception {
    JsonNode entries = JSON.readTree(Path.of("native/reflect-config.json").toFile());
    assertTrue(entries.isArray() && !entries.isEmpty());
    for (JsonNode entry : entries) {
      Class<?> type = Class.forName(entry.get("name").asText(), false, LOADER);
      for (JsonNode method : entry.path("methods")) {
        List<Class<?>> parameters = new ArrayList<>();
        for (JsonNode parameter : method.path("parameterTypes")) {
          parameters.add(Class.forName(parameter.asText(), false, LOADER));
        }
        Class<?>[] types = parameters.toArray(Class<?>[]::new);
        if (method.get("name").asText().equals("<init>")) {
          assertNotNull(type.getDeclaredConstructor(types), type + " constructor");
        } else {
          assertNotNull(type.getDeclaredMethod(method.get("name").asText(), types), type + "." + method.get("name"));
        }
      }
      for (JsonNode field : entry.path("fields")) {
        assertNotNull(type.getDeclaredField(field.get("name").asText()), type + "." + field.get("name"));
      }
    }
  }

  @Test
  void givenResourceConfig_thenEveryIncludedResourceIsOnTheClassPath() throws IOException {
    JsonNode includes = JSON.readTree(Path.of("native/resource-config.json").toFile()).path("resources").path("includes");
    assertFalse(includes.isEmpty());
    Pattern literal = Pattern.compile("^\\\\Q(.*)\\\\E$");
    for (JsonNode include : includes) {
      Matcher m = literal.matcher(include.get("pattern").asText());
      assertTrue(m.matches(), "patterns are \\Q...\\E literals: " + include);
      assertNotNull(LOADER.getResource(m.group(1)), m.group(1));
    }
  }
}
