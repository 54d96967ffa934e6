package io.goldgate.flight.sql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a query touches, read from DuckDB's own parse of it ({@code json_serialize_sql}): the tables
 * it names, the column names it mentions, whether it needs every column, and whether a table may be
 * scanned more than once. The engine registers only those tables and, unless a construct could use
 * columns it does not name, only the columns named anywhere in the query: a column kept is kept in
 * every table that has it, so DuckDB binds names exactly as it would over the whole table.
 *
 * <p>The parse tree is walked with an explicit stack (its depth is the query's, which DuckDB bounds).
 */
public record QueryShape(
    List<TableName> tables, Set<String> columns, boolean allColumns, boolean scansTwice, int parameters, List<Conjunct> where) {

  /**
   * One condition of a single-table query's WHERE that every row of the answer meets: {@code column
   * op literal} ({@code op} as in {@link io.goldgate.lake.predicate.Filter.Op}: EQ, LT, LE, GT, GE,
   * or IS_NULL / IS_NOT_NULL with no literal), the literal as DuckDB parsed it ({@code kind}
   * INTEGER, STRING, DATE...). The engine may push it to the table's scan.
   */
  public record Conjunct(String column, String op, String kind, String literal) {}

  /** DuckDB bounds expression depth itself; the JSON of its tree nests a few levels per expression. */
  private static final ObjectMapper JSON =
      new ObjectMapper(JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(20_000).build()).build());

  /** Expression and table classes that may use columns they do not name. */
  private static final Set<String> IMPLICIT_COLUMNS = Set.of("STAR", "POSITIONAL_REFERENCE", "PIVOT", "SHOW_REF", "COLUMNS");

  /**
   * @param json the answer of {@code json_serialize_sql}
   * @throws GoldgateException UNSUPPORTED for a statement that is not a query, INVALID_ARGUMENT for
   *     a syntax error or several statements
   */
  public static QueryShape of(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw GoldgateException.invalid("The query is nested too deeply to be analysed");
    }
    if (root.path("error").asBoolean(false)) {
      String type = root.path("error_type").asText("");
      String message = root.path("error_message").asText("");
      if (type.equals("not implemented") && message.contains("Only SELECT")) {
        throw readOnly();
      }
      throw GoldgateException.invalid("SQL " + type + " error: " + message);
    }
    JsonNode statements = root.path("statements");
    if (statements.size() != 1) {
      throw GoldgateException.invalid("Send one query per statement, got " + statements.size());
    }
    return walk(statements.get(0));
  }

  static GoldgateException readOnly() {
    return new GoldgateException(GoldgateException.Kind.UNSUPPORTED, "Goldgate is read-only: only SELECT queries are served");
  }

  private static QueryShape walk(JsonNode statement) {
    List<TableName> tables = new ArrayList<>();
    List<Long> locations = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> ctes = new HashSet<>();
    Set<String> relations = new HashSet<>();
    boolean all = false;
    boolean twice = false;
    Set<String> parameters = new HashSet<>();
    Deque<JsonNode> stack = new ArrayDeque<>();
    stack.push(statement);
    while (!stack.isEmpty()) {
      JsonNode node = stack.pop();
      if (node.isArray()) {
        node.forEach(stack::push);
        continue;
      }
      if (!node.isObject()) {
        continue;
      }
      String kind = node.path("type").asText("");
      String klass = node.path("class").asText("");
      if (IMPLICIT_COLUMNS.contains(kind) || IMPLICIT_COLUMNS.contains(klass)) {
        all = true;
      }
      switch (kind) {
        case "BASE_TABLE" -> {
          if (!node.path("at_clause").isNull() && !node.path("at_clause").isMissingNode()) {
            throw GoldgateException.invalid("AT clauses (time travel) are not supported in Flight SQL queries; a query reads each table's latest version");
          }
          TableName table = tableName(node);
          tables.add(table);
          locations.add(node.path("query_location").asLong(Long.MAX_VALUE));
          String alias = node.path("alias").asText("");
          relations.add(alias.isEmpty() ? table.lastLower() : alias.toLowerCase(Locale.ROOT));
        }
        case "COLUMN_REF" -> node.path("column_names").forEach(n -> names.add(n.asText().toLowerCase(Locale.ROOT)));
        case "VALUE_PARAMETER" -> parameters.add(node.path("identifier").asText());
        // DuckDB's serialization drops the star of f(*) (struct_pack(*) reads every column), so a
        // call without arguments other than count(*) may expand to columns it does not name.
        case "FUNCTION" -> {
          if (node.path("arguments").isEmpty() && !node.path("function_name").asText().equals("count_star")) all = true;
        }
        case "JOIN" -> {
          if (node.path("ref_type").asText("").equals("NATURAL")) all = true;
          node.path("using_columns").forEach(n -> names.add(n.asText().toLowerCase(Locale.ROOT)));
        }
        default -> {}
      }
      JsonNode cteMap = node.path("cte_map").path("map");
      if (cteMap.isArray() && !cteMap.isEmpty()) {
        // A CTE may be inlined once per reference: its tables are copied so any scan can repeat.
        twice = true;
        cteMap.forEach(entry -> ctes.add(entry.path("key").asText().toLowerCase(Locale.ROOT)));
      }
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        JsonNode child = fields.next().getValue();
        if (child.isContainerNode()) stack.push(child);
      }
    }
    // The walk meets tables in no particular order: put them in the query's.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < tables.size(); i++) order.add(i);
    order.sort(java.util.Comparator.comparing(locations::get));
    List<TableName> shared = new ArrayList<>();
    Set<String> distinct = new LinkedHashSet<>();
    for (int i : order) {
      TableName table = tables.get(i);
      if (!table.qualified() && table.parts().size() == 1 && ctes.contains(table.lastLower())) {
        continue;
      }
      if (!table.qualified()) {
        throw GoldgateException.notFound("Table '" + table + "' does not exist: name shared tables as share.schema.table");
      }
      shared.add(table);
      if (!distinct.add(table.toString().toLowerCase(Locale.ROOT))) twice = true;
    }
    // A table's name or alias used as a value is its whole row.
    for (String relation : relations) {
      if (names.contains(relation)) all = true;
    }
    return new QueryShape(List.copyOf(shared), Set.copyOf(names), all, twice, parameters.size(), where(statement.path("node"), shared));
  }

  /**
   * The conjuncts of the WHERE of a query that is one SELECT over one table (joins, set operations
   * and CTEs push nothing): every row the query sees meets each of them, whatever else it does.
   */
  private static List<Conjunct> where(JsonNode node, List<TableName> tables) {
    if (tables.size() != 1 || !node.path("type").asText().equals("SELECT_NODE") || !node.path("cte_map").path("map").isEmpty()) {
      return List.of();
    }
    JsonNode from = node.path("from_table");
    if (!from.path("type").asText().equals("BASE_TABLE")) {
      return List.of();
    }
    Set<String> qualifiers = new HashSet<>(Set.of(tables.get(0).lastLower()));
    String alias = from.path("alias").asText("");
    if (!alias.isEmpty()) qualifiers = Set.of(alias.toLowerCase(Locale.ROOT));
    List<Conjunct> conjuncts = new ArrayList<>();
    Deque<JsonNode> pending = new ArrayDeque<>();
    pending.push(node.path("where_clause"));
    while (!pending.isEmpty()) {
      JsonNode e = pending.pop();
      String type = e.path("type").asText("");
      if (type.equals("CONJUNCTION_AND")) {
        e.path("children").forEach(pending::push);
        continue;
      }
      Conjunct c = conjunct(e, type, qualifiers);
      if (c != null) conjuncts.add(c);
    }
    return List.copyOf(conjuncts);
  }

  private static Conjunct conjunct(JsonNode e, String type, Set<String> qualifiers) {
    if (type.equals("OPERATOR_IS_NULL") || type.equals("OPERATOR_IS_NOT_NULL")) {
      String column = column(e.path("children").path(0), qualifiers);
      return column == null ? null : new Conjunct(column, type.equals("OPERATOR_IS_NULL") ? "IS_NULL" : "IS_NOT_NULL", null, null);
    }
    String op =
        switch (type) {
          case "COMPARE_EQUAL" -> "EQ";
          case "COMPARE_LESSTHAN" -> "LT";
          case "COMPARE_LESSTHANOREQUALTO" -> "LE";
          case "COMPARE_GREATERTHAN" -> "GT";
          case "COMPARE_GREATERTHANOREQUALTO" -> "GE";
          default -> null;
        };
    if (op == null) return null;
    String column = column(e.path("left"), qualifiers);
    JsonNode literal = e.path("right");
    if (column == null) {
      column = column(e.path("right"), qualifiers);
      literal = e.path("left");
      op = switch (op) {
        case "LT" -> "GT";
        case "LE" -> "GE";
        case "GT" -> "LT";
        case "GE" -> "LE";
        default -> op;
      };
    }
    if (column == null) return null;
    if (literal.path("type").asText().equals("OPERATOR_CAST") && literal.path("child").path("type").asText().equals("VALUE_CONSTANT")
        && literal.path("type_expr").path("type_name").asText().equalsIgnoreCase("DATE")) {
      return new Conjunct(column, op, "DATE", literal.path("child").path("literal").path("text").asText());
    }
    if (!literal.path("type").asText().equals("VALUE_CONSTANT")) return null;
    JsonNode value = literal.path("literal");
    return new Conjunct(column, op, value.path("kind").asText(), value.path("text").asText());
  }

  private static String column(JsonNode e, Set<String> qualifiers) {
    if (!e.path("type").asText().equals("COLUMN_REF")) return null;
    JsonNode names = e.path("column_names");
    if (names.size() == 1) return names.get(0).asText();
    if (names.size() == 2 && qualifiers.contains(names.get(0).asText().toLowerCase(Locale.ROOT))) return names.get(1).asText();
    return null;
  }

  private static TableName tableName(JsonNode node) {
    JsonNode path = node.path("qualified_name").path("path");
    List<String> parts = new ArrayList<>();
    if (path.isArray() && !path.isEmpty()) {
      path.forEach(p -> parts.add(p.asText()));
    } else {
      for (String field : List.of("catalog_name", "schema_name", "table_name")) {
        String part = node.path(field).asText("");
        if (!part.isEmpty()) parts.add(part);
      }
    }
    if (parts.isEmpty() || parts.size() > 3) {
      throw GoldgateException.notFound("Table '" + String.join(".", parts) + "' does not exist: name shared tables as share.schema.table");
    }
    return new TableName(parts);
  }

  /** Whether the query may use {@code column} of a table (case-insensitive, as DuckDB binds). */
  public boolean uses(String column) {
    return allColumns || columns.contains(column.toLowerCase(Locale.ROOT));
  }
}
