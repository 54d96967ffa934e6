package io.goldgate.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.TypedValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The top-level columns of a table as pruning needs them: logical name, physical name (differs
 * under column mapping, and is what stats and partition values are keyed by) and comparison type.
 */
public final class TableColumns {

  public record Column(String name, String physicalName, String deltaType, Filter.ValueType valueType, boolean partition) {}

  /**
   * A top-level column as an operator reads it.
   *
   * @param type the Delta type: its name for a primitive type ({@code long}, {@code decimal(10,2)}),
   *     else written as Spark SQL does ({@code array<int>}, {@code map<string,long>}, {@code
   *     struct<a:int,b:string>})
   */
  public record Field(String name, String type, boolean nullable) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Column> exact = new HashMap<>();
  private final Map<String, Column> folded = new HashMap<>();
  private final List<Field> fields = new ArrayList<>();

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
        fields.add(new Field(name, typeName(type), field.path("nullable").asBoolean(true)));
      }
    } catch (Exception e) {
      throw new IllegalStateException("schemaString is not valid JSON", e);
    }
  }

  /** The top-level columns in schema order. */
  public List<Field> fields() {
    return List.copyOf(fields);
  }

  /** A Delta schema type (a JSON string or object) in Spark SQL's short form. */
  static String typeName(JsonNode type) {
    if (type == null || type.isNull()) {
      return "unknown";
    }
    if (type.isTextual()) {
      return type.asText();
    }
    return switch (type.path("type").asText()) {
      case "array" -> "array<" + typeName(type.get("elementType")) + ">";
      case "map" -> "map<" + typeName(type.get("keyType")) + "," + typeName(type.get("valueType")) + ">";
      case "struct" -> {
        StringJoiner fields = new StringJoiner(",", "struct<", ">");
        for (JsonNode field : type.path("fields")) {
          fields.add(field.path("name").asText() + ":" + typeName(field.get("type")));
        }
        yield fields.toString();
      }
      default -> type.path("type").asText("unknown");
    };
  }

  /** The column of that name (exact match first, then case-insensitive), or null. */
  public Column find(String name) {
    Column c = exact.get(name);
    return c != null ? c : folded.get(name.toLowerCase(Locale.ROOT));
  }
}
