package io.goldgate.lake.predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.lake.predicate.Filter.Operand;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses the protocol's {@code jsonPredicateHints} tree. Hints are best effort: anything invalid
 * gives an empty result, and the caller then returns every file.
 */
public final class JsonPredicates {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Deeper trees are refused rather than risking a stack overflow on hostile input. */
  private static final int MAX_DEPTH = 64;

  private JsonPredicates() {}

  public static Optional<Filter> parse(String json) {
    if (json == null || json.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(JSON.readTree(json)));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** Parses an already-read tree; throws {@link IllegalArgumentException} when it is invalid. */
  public static Filter parse(JsonNode node) {
    return filter(node, 0);
  }

  private static Filter filter(JsonNode node, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("predicate nested too deeply");
    }
    String op = text(node, "op");
    List<JsonNode> children = new ArrayList<>();
    node.path("children").forEach(children::add);
    return switch (op) {
      case "and", "or" -> {
        if (children.size() < 2) throw new IllegalArgumentException(op + " needs at least two children");
        List<Filter> parsed = children.stream().map(c -> filter(c, depth + 1)).toList();
        yield op.equals("and") ? new Filter.And(parsed) : new Filter.Or(parsed);
      }
      case "not" -> new Filter.Not(filter(single(children, op), depth + 1));
      case "isNull" -> {
        if (!(operand(single(children, op)) instanceof Operand.Column column)) {
          throw new IllegalArgumentException("isNull takes a column");
        }
        yield new Filter.IsNull(column);
      }
      case "equal" -> compare(Filter.Op.EQ, children);
      case "lessThan" -> compare(Filter.Op.LT, children);
      case "lessThanOrEqual" -> compare(Filter.Op.LE, children);
      case "greaterThan" -> compare(Filter.Op.GT, children);
      case "greaterThanOrEqual" -> compare(Filter.Op.GE, children);
      default -> throw new IllegalArgumentException("unknown op " + op);
    };
  }

  private static JsonNode single(List<JsonNode> children, String op) {
    if (children.size() != 1) throw new IllegalArgumentException(op + " takes exactly one child");
    return children.get(0);
  }

  private static Filter compare(Filter.Op op, List<JsonNode> children) {
    if (children.size() != 2) throw new IllegalArgumentException("comparisons take two children");
    return new Filter.Compare(op, operand(children.get(0)), operand(children.get(1)));
  }

  private static Operand operand(JsonNode node) {
    String op = text(node, "op");
    Filter.ValueType type = valueType(text(node, "valueType"));
    return switch (op) {
      case "column" -> new Operand.Column(text(node, "name"), type);
      case "literal" -> {
        JsonNode value = node.get("value");
        if (value == null || !value.isValueNode()) throw new IllegalArgumentException("literal needs a value");
        yield new Operand.Literal(value.isNull() ? null : value.asText(), type);
      }
      default -> throw new IllegalArgumentException("expected a column or literal, got " + op);
    };
  }

  private static Filter.ValueType valueType(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "bool", "boolean" -> Filter.ValueType.BOOL;
      case "int" -> Filter.ValueType.INT;
      case "long" -> Filter.ValueType.LONG;
      case "string" -> Filter.ValueType.STRING;
      case "date" -> Filter.ValueType.DATE;
      case "float" -> Filter.ValueType.FLOAT;
      case "double" -> Filter.ValueType.DOUBLE;
      case "timestamp" -> Filter.ValueType.TIMESTAMP;
      default -> throw new IllegalArgumentException("unknown valueType " + name);
    };
  }

  /** The JSON tree of a filter, the inverse of {@link #parse(JsonNode)}. */
  public static JsonNode toJson(Filter filter) {
    var node = JSON.createObjectNode();
    switch (filter) {
      case Filter.And and -> {
        node.put("op", "and");
        and.children().forEach(c -> node.withArray("children").add(toJson(c)));
      }
      case Filter.Or or -> {
        node.put("op", "or");
        or.children().forEach(c -> node.withArray("children").add(toJson(c)));
      }
      case Filter.Not not -> node.put("op", "not").withArray("children").add(toJson(not.child()));
      case Filter.IsNull isNull -> node.put("op", "isNull").withArray("children").add(operand(isNull.column()));
      case Filter.Compare cmp -> {
        String op =
            switch (cmp.op()) {
              case EQ -> "equal";
              case LT -> "lessThan";
              case LE -> "lessThanOrEqual";
              case GT -> "greaterThan";
              case GE -> "greaterThanOrEqual";
              case NE -> null;
            };
        if (op == null) {
          // The JSON format has no "not equal": write it as not(equal).
          return toJson(new Filter.Not(new Filter.Compare(Filter.Op.EQ, cmp.left(), cmp.right())));
        }
        node.put("op", op);
        node.withArray("children").add(operand(cmp.left())).add(operand(cmp.right()));
      }
    }
    return node;
  }

  private static JsonNode operand(Operand operand) {
    var node = JSON.createObjectNode();
    switch (operand) {
      case Operand.Column c -> {
        node.put("op", "column").put("name", c.name());
        if (c.declaredType() != null) node.put("valueType", typeName(c.declaredType()));
        else node.put("valueType", "string");
      }
      case Operand.Literal l -> {
        node.put("op", "literal").put("value", l.value());
        node.put("valueType", typeName(l.declaredType() == null ? Filter.ValueType.STRING : l.declaredType()));
      }
    }
    return node;
  }

  private static String typeName(Filter.ValueType type) {
    return switch (type) {
      case BOOL -> "bool";
      case INT -> "int";
      case LONG -> "long";
      case STRING, DECIMAL -> "string";
      case DATE -> "date";
      case FLOAT -> "float";
      case DOUBLE -> "double";
      case TIMESTAMP -> "timestamp";
    };
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || !v.isTextual()) throw new IllegalArgumentException("missing " + field);
    return v.asText();
  }
}
