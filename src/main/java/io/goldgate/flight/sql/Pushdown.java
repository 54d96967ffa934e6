package io.goldgate.flight.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goldgate.arrow.ArrowSchemas;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The part of a query's WHERE the table scan can apply itself, as a Delta Sharing JSON predicate:
 * files whose statistics or partition values rule a conjunct out are never read, and rows are
 * filtered as they are read. Only conjuncts whose meaning is the same in SQL and in the predicate
 * are pushed: integers and dates compared with literals of their own kind, string equality, and
 * null tests. DuckDB still evaluates the whole WHERE, so a conjunct left out only costs reading.
 */
final class Pushdown {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Pushdown() {}

  /** The predicate for {@code table}'s columns, or null when nothing can be pushed. */
  static String predicate(List<QueryShape.Conjunct> conjuncts, List<ArrowSchemas.Column> columns) {
    ArrayNode children = JSON.createArrayNode();
    for (QueryShape.Conjunct c : conjuncts) {
      Optional<ArrowSchemas.Column> column = columns.stream().filter(x -> x.field().getName().equalsIgnoreCase(c.column())).findFirst();
      if (column.isEmpty()) continue;
      String valueType = valueType(column.get().field().getType());
      if (valueType == null) continue;
      ObjectNode ref = JSON.createObjectNode().put("op", "column").put("name", column.get().field().getName()).put("valueType", valueType);
      if (c.op().equals("IS_NULL") || c.op().equals("IS_NOT_NULL")) {
        ObjectNode isNull = JSON.createObjectNode().put("op", "isNull");
        isNull.putArray("children").add(ref);
        children.add(c.op().equals("IS_NULL") ? isNull : not(isNull));
        continue;
      }
      String literal = literal(valueType, c);
      if (literal == null) continue;
      ObjectNode compare = JSON.createObjectNode().put("op", op(c.op()));
      compare.putArray("children").add(ref).add(JSON.createObjectNode().put("op", "literal").put("value", literal).put("valueType", valueType));
      children.add(compare);
    }
    if (children.isEmpty()) return null;
    if (children.size() == 1) return children.get(0).toString();
    ObjectNode and = JSON.createObjectNode().put("op", "and");
    and.set("children", children);
    return and.toString();
  }

  private static ObjectNode not(ObjectNode child) {
    ObjectNode not = JSON.createObjectNode().put("op", "not");
    not.putArray("children").add(child);
    return not;
  }

  private static String op(String op) {
    return switch (op) {
      case "EQ" -> "equal";
      case "LT" -> "lessThan";
      case "LE" -> "lessThanOrEqual";
      case "GT" -> "greaterThan";
      case "GE" -> "greaterThanOrEqual";
      default -> throw new IllegalArgumentException(op);
    };
  }

  private static String valueType(ArrowType type) {
    return switch (type) {
      case ArrowType.Int i when i.getIsSigned() && i.getBitWidth() <= 32 -> "int";
      case ArrowType.Int i when i.getIsSigned() && i.getBitWidth() == 64 -> "long";
      case ArrowType.Utf8 u -> "string";
      case ArrowType.Date d -> "date";
      default -> null;
    };
  }

  /** The literal as the predicate writes it, or null when the conjunct means something else in SQL. */
  private static String literal(String valueType, QueryShape.Conjunct c) {
    switch (valueType) {
      case "int", "long" -> {
        if (!c.kind().equals("INTEGER") && !c.kind().equals("BIGINT")) return null;
        try {
          long value = Long.parseLong(c.literal());
          if (valueType.equals("int") && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) return null;
          return Long.toString(value);
        } catch (NumberFormatException e) {
          return null;
        }
      }
      case "string" -> {
        // Ordering of strings may differ from DuckDB's byte order: only equality is pushed.
        return c.kind().equals("STRING") && c.op().equals("EQ") ? c.literal() : null;
      }
      case "date" -> {
        if (!c.kind().equals("DATE") && !c.kind().equals("STRING")) return null;
        try {
          return c.literal().length() == 10 ? LocalDate.parse(c.literal()).toString() : null;
        } catch (DateTimeParseException e) {
          return null;
        }
      }
      default -> {
        return null;
      }
    }
  }
}
