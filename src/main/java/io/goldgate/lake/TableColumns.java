package io.goldgate.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.TypedValues;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The top-level columns of a table as pruning needs them: logical name, physical name (differs
 * under column mapping, and is what stats and partition values are keyed by) and comparison type.
 */
public final class TableColumns {

  public record Column(String name, String physicalName, String deltaType, Filter.ValueType valueType, boolean partition) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Column> exact = new HashMap<>();
  private final Map<String, Column> folded = new HashMap<>();

  TableColumns(String schemaString, List<String> partitionColumns) {
    try {
      JsonNode root = JSON.readTree(schemaString);
      for (JsonNode field : root.path("fields")) {
        String name = field.path("name").asText();
        JsonNode type = field.get("type");
        String deltaType = type != null && type.isTextual() ? type.asText() : null;
        String physical = field.path("metadata").path("delta.columnMapping.physicalName").asText(name);
        boolean partition = partitionColumns.stream().anyMatch(p -> p.equalsIgnoreCase(name));
        Column column = new Column(name, physical, deltaType, TypedValues.ofDeltaType(deltaType), partition);
        exact.put(name, column);
        folded.putIfAbsent(name.toLowerCase(Locale.ROOT), column);
      }
    } catch (Exception e) {
      throw new IllegalStateException("schemaString is not valid JSON", e);
    }
  }

  /** The column of that name (exact match first, then case-insensitive), or null. */
  public Column find(String name) {
    Column c = exact.get(name);
    return c != null ? c : folded.get(name.toLowerCase(Locale.ROOT));
  }
}
