package io.goldgate.lake.predicate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import io.goldgate.lake.predicate.Filter.Operand;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses the protocol's {@code jsonPredicateHints} tree. Hints are best effort: a tree that is not
 * a valid predicate gives an empty result, and the caller then returns every file.
 *
 * <p>A tree beyond one of the documented limits (text length, depth, children of one node, nodes in
 * all, length of a name or literal) is refused with an INVALID_ARGUMENT naming the limit instead:
 * ignoring it would turn a hostile request into a full scan and hide from the client that its
 * filter was never looked at. Jackson's own nesting limit is set just above ours, so neither the
 * parser nor the walk below (recursive, but only to {@link #MAX_DEPTH}) can exhaust the stack.
 */
public final class JsonPredicates {

  /** The longest predicate text accepted, in characters (code points, as JSON Schema's maxLength counts). */
  public static final int MAX_LENGTH = 1_048_576;
  /** The deepest a tree may be: a comparison under 64 and/or/not nodes is accepted, 65 are not. */
  public static final int MAX_DEPTH = 64;
  /** The most children one and/or node may have. */
  public static final int MAX_CHILDREN = 1_000;
  /** The most nodes (operators, columns and literals) a tree may have in all. */
  public static final int MAX_NODES = 10_000;
  /** The longest column name or literal value, in characters (code points). */
  public static final int MAX_VALUE_LENGTH = 16_384;

  /** A filter level is an object in a children array: two JSON levels each, plus the operands'. */
  private static final int MAX_JSON_NESTING = 2 * MAX_DEPTH + 4;

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_NESTING).maxDocumentLength(2L * MAX_LENGTH).build())
              .build());

  private JsonPredicates() {}

  /**
   * The filter of a {@code jsonPredicateHints} text, or empty when it is not a valid predicate; a
   * text beyond a limit is refused with an INVALID_ARGUMENT naming it.
   */
  public static Optional<Filter> parse(String json) {
    if (json == null || json.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(read(json, "jsonPredicateHints"));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses a predicate text strictly: a limit exceeded throws an INVALID_ARGUMENT {@link
   * GoldgateException} naming {@code field}, anything else invalid an {@link
   * IllegalArgumentException}.
   */
  public static Filter read(String json, String field) {
    if (json.length() > MAX_LENGTH && json.codePointCount(0, json.length()) > MAX_LENGTH) {
      throw GoldgateException.invalid(field + " is " + json.codePointCount(0, json.length()) + " characters long; the limit is " + MAX_LENGTH);
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(json);
    } catch (StreamConstraintsException e) {
      // Our own checks come first except for nesting, so this is the depth limit or, for a number
      // literal of over 1,000 digits, Jackson's number length limit.
      String message = e.getOriginalMessage();
      throw message != null && message.toLowerCase(Locale.ROOT).contains("nesting depth")
          ? tooDeep(field)
          : GoldgateException.invalid(field + " exceeds a parser limit: " + message);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    return parse(tree, field);
  }

  /** Parses an already-read tree; throws {@link IllegalArgumentException} when it is invalid. */
  public static Filter parse(JsonNode node) {
    return parse(node, "The predicate");
  }

  private static Filter parse(JsonNode node, String field) {
    if (node == null || node.isMissingNode()) throw new IllegalArgumentException("no predicate");
    return new Walk(field).filter(node, 0);
  }

  private static GoldgateException tooDeep(String field) {
    return GoldgateException.invalid(field + " is nested more than " + MAX_DEPTH + " levels deep; the limit is " + MAX_DEPTH);
  }

  /** One pass over a tree, counting its nodes against {@link #MAX_NODES}. */
  private static final class Walk {
    private final String field;
    private int nodes;

    Walk(String field) {
      this.field = field;
    }

    private void count() {
      if (++nodes > MAX_NODES) {
        throw GoldgateException.invalid(field + " has more than " + MAX_NODES + " nodes; the limit is " + MAX_NODES);
      }
    }

    Filter filter(JsonNode node, int depth) {
      if (depth > MAX_DEPTH) {
        throw tooDeep(field);
      }
      count();
      String op = text(node, "op");
      JsonNode childNodes = node.path("children");
      if (childNodes.size() > MAX_CHILDREN) {
        throw GoldgateException.invalid(
            field + ": an '" + op + "' node has " + childNodes.size() + " children; the limit is " + MAX_CHILDREN);
      }
      List<JsonNode> children = new ArrayList<>();
      childNodes.forEach(children::add);
      return switch (op) {
        case "and", "or" -> {
          if (children.size() < 2) throw new IllegalArgumentException(op + " needs at least two children");
          List<Filter> parsed = new ArrayList<>(children.size());
          for (JsonNode child : children) parsed.add(filter(child, depth + 1));
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
        default -> throw new IllegalArgumentException("unknown op " + abbreviate(op));
      };
    }

    private Filter compare(Filter.Op op, List<JsonNode> children) {
      if (children.size() != 2) throw new IllegalArgumentException("comparisons take two children");
      return new Filter.Compare(op, operand(children.get(0)), operand(children.get(1)));
    }

    private Operand operand(JsonNode node) {
      count();
      String op = text(node, "op");
      Filter.ValueType type = valueType(text(node, "valueType"));
      return switch (op) {
        case "column" -> new Operand.Column(bounded(text(node, "name"), "column name"), type);
        case "literal" -> {
          JsonNode value = node.get("value");
          if (value == null || !value.isValueNode()) throw new IllegalArgumentException("literal needs a value");
          yield new Operand.Literal(value.isNull() ? null : bounded(value.asText(), "literal"), type);
        }
        default -> throw new IllegalArgumentException("expected a column or literal, got " + abbreviate(op));
      };
    }

    private String bounded(String value, String what) {
      if (value.length() > MAX_VALUE_LENGTH && value.codePointCount(0, value.length()) > MAX_VALUE_LENGTH) {
        throw GoldgateException.invalid(
            field + " has a " + what + " of " + value.codePointCount(0, value.length()) + " characters; the limit is " + MAX_VALUE_LENGTH);
      }
      return value;
    }
  }

  private static JsonNode single(List<JsonNode> children, String op) {
    if (children.size() != 1) throw new IllegalArgumentException(op + " takes exactly one child");
    return children.get(0);
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
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
      default -> throw new IllegalArgumentException("unknown valueType " + abbreviate(name));
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
