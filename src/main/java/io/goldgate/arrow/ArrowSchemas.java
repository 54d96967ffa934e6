package io.goldgate.arrow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema of a Delta table: logical column names (column mapping resolved), partition
 * columns included, timestamps as microseconds (UTC for {@code timestamp}, zone-less for {@code
 * timestamp_ntz}), as the Delta protocol defines them.
 */
public final class ArrowSchemas {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A top-level column: its Arrow field (logical name) and the name in the Parquet files. */
  public record Column(Field field, String physicalName, boolean partition) {}

  private ArrowSchemas() {}

  public static List<Column> columns(String schemaString, List<String> partitionColumns) {
    try {
      List<Column> columns = new ArrayList<>();
      for (JsonNode f : JSON.readTree(schemaString).path("fields")) {
        String name = f.path("name").asText();
        String physical = f.path("metadata").path("delta.columnMapping.physicalName").asText(name);
        columns.add(new Column(field(name, f.get("type"), f.path("nullable").asBoolean(true)), physical, partitionColumns.contains(name)));
      }
      return columns;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("schemaString is not valid JSON", e);
    }
  }

  public static Schema schema(List<Column> columns) {
    return new Schema(columns.stream().map(Column::field).toList());
  }

  static Field field(String name, JsonNode type, boolean nullable) {
    if (type.isObject()) {
      String kind = type.path("type").asText();
      return switch (kind) {
        case "struct" -> {
          List<Field> children = new ArrayList<>();
          for (JsonNode f : type.path("fields")) {
            children.add(field(f.path("name").asText(), f.get("type"), f.path("nullable").asBoolean(true)));
          }
          yield new Field(name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), children);
        }
        case "array" ->
            new Field(name, new FieldType(nullable, ArrowType.List.INSTANCE, null),
                List.of(field("element", type.get("elementType"), type.path("containsNull").asBoolean(true))));
        case "map" -> {
          Field entries =
              new Field("entries", new FieldType(false, ArrowType.Struct.INSTANCE, null),
                  List.of(field("key", type.get("keyType"), false), field("value", type.get("valueType"), type.path("valueContainsNull").asBoolean(true))));
          yield new Field(name, new FieldType(nullable, new ArrowType.Map(false), null), List.of(entries));
        }
        default -> throw new GoldgateException(GoldgateException.Kind.UNSUPPORTED, "Column " + name + " has a type Flight cannot serve: " + kind);
      };
    }
    String t = type.asText();
    ArrowType arrow;
    if (t.startsWith("decimal")) {
      String[] ps = t.substring(t.indexOf('(') + 1, t.indexOf(')')).split(",");
      arrow = new ArrowType.Decimal(Integer.parseInt(ps[0].strip()), Integer.parseInt(ps[1].strip()), 128);
    } else {
      arrow =
          switch (t) {
            case "byte" -> new ArrowType.Int(8, true);
            case "short" -> new ArrowType.Int(16, true);
            case "integer" -> new ArrowType.Int(32, true);
            case "long" -> new ArrowType.Int(64, true);
            case "float" -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case "double" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case "string" -> ArrowType.Utf8.INSTANCE;
            case "binary" -> ArrowType.Binary.INSTANCE;
            case "boolean" -> ArrowType.Bool.INSTANCE;
            case "date" -> new ArrowType.Date(DateUnit.DAY);
            case "timestamp" -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
            case "timestamp_ntz" -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            default -> throw new GoldgateException(GoldgateException.Kind.UNSUPPORTED, "Column " + name + " has a type Flight cannot serve: " + t);
          };
    }
    return new Field(name, new FieldType(nullable, arrow, null), null);
  }
}
