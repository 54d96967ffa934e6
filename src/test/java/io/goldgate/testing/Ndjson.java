package io.goldgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** Splits an NDJSON body into its JSON lines, failing on any line that is not one JSON object. */
public final class Ndjson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Ndjson() {}

  public static List<JsonNode> lines(String body) {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.isEmpty()) continue;
      try {
        JsonNode node = JSON.readTree(line);
        if (!node.isObject() || node.size() != 1) {
          throw new AssertionError("Each NDJSON line must be one wrapper object with one action: " + line);
        }
        lines.add(node);
      } catch (java.io.IOException e) {
        throw new AssertionError("Not a JSON line: " + line, e);
      }
    }
    return lines;
  }

  public static List<JsonNode> actions(List<JsonNode> lines, String kind) {
    return lines.stream().filter(l -> l.has(kind)).map(l -> l.get(kind)).toList();
  }
}
