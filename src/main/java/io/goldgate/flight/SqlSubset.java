package io.goldgate.flight;

import io.goldgate.GoldgateException;
import io.goldgate.lake.predicate.Filter.Operand;
import io.goldgate.lake.predicate.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL that Flight SQL clients may send: {@code SELECT <columns|*> FROM share.schema.table
 * [WHERE <comparisons joined by AND/OR/NOT, IS [NOT] NULL>] [LIMIT n]}. Anything else is refused
 * with a message naming the part that is not supported.
 */
final class SqlSubset {

  /** A parsed query: the table, the columns (null for *), the filter (or null), the limit (or null). */
  record Query(String table, List<String> columns, Filter filter, Long limit) {}

  private static final Set<String> UNSUPPORTED =
      Set.of("JOIN", "GROUP", "ORDER", "HAVING", "UNION", "DISTINCT", "OFFSET", "WITH", "INSERT", "UPDATE", "DELETE", "AS", "IN", "LIKE", "BETWEEN", "CASE");

  private final List<String> tokens;
  private int pos;

  private SqlSubset(List<String> tokens) {
    this.tokens = tokens;
  }

  static Query parse(String sql) {
    SqlSubset p = new SqlSubset(tokenize(sql));
    return p.query();
  }

  private Query query() {
    expectKeyword("SELECT");
    List<String> columns = new ArrayList<>();
    if (peek("*")) {
      next();
      columns = null;
    } else {
      do {
        String column = identifier("a column name");
        if (peek("(")) {
          throw unsupported("the function " + column + "()");
        }
        columns.add(column);
      } while (accept(","));
    }
    expectKeyword("FROM");
    String share = identifier("share.schema.table");
    expect(".");
    String schema = identifier("share.schema.table");
    expect(".");
    String table = identifier("share.schema.table");
    Filter filter = null;
    Long limit = null;
    if (acceptKeyword("WHERE")) {
      filter = or();
    }
    if (acceptKeyword("LIMIT")) {
      String n = next();
      try {
        limit = Long.parseLong(n);
      } catch (NumberFormatException e) {
        throw unsupported("LIMIT takes a whole number, got " + n);
      }
    }
    accept(";");
    if (pos < tokens.size()) {
      throw unsupported("'" + tokens.get(pos) + "' after the query");
    }
    return new Query(share + "." + schema + "." + table, columns, filter, limit);
  }

  private Filter or() {
    List<Filter> parts = new ArrayList<>(List.of(and()));
    while (acceptKeyword("OR")) parts.add(and());
    return parts.size() == 1 ? parts.get(0) : new Filter.Or(parts);
  }

  private Filter and() {
    List<Filter> parts = new ArrayList<>(List.of(unary()));
    while (acceptKeyword("AND")) parts.add(unary());
    return parts.size() == 1 ? parts.get(0) : new Filter.And(parts);
  }

  private Filter unary() {
    if (acceptKeyword("NOT")) return new Filter.Not(unary());
    if (accept("(")) {
      Filter inner = or();
      expect(")");
      return inner;
    }
    Operand left = operand();
    if (acceptKeyword("IS")) {
      boolean negated = acceptKeyword("NOT");
      expectKeyword("NULL");
      if (!(left instanceof Operand.Column column)) throw unsupported("IS NULL on a literal");
      Filter isNull = new Filter.IsNull(column);
      return negated ? new Filter.Not(isNull) : isNull;
    }
    String op = next();
    Filter.Op comparison =
        switch (op) {
          case "=" -> Filter.Op.EQ;
          case "<>", "!=" -> Filter.Op.NE;
          case "<" -> Filter.Op.LT;
          case "<=" -> Filter.Op.LE;
          case ">" -> Filter.Op.GT;
          case ">=" -> Filter.Op.GE;
          default -> throw unsupported("the operator '" + op + "' (supported: = <> != < <= > >= IS [NOT] NULL)");
        };
    Operand right = operand();
    if (left instanceof Operand.Column == right instanceof Operand.Column) {
      throw unsupported("comparisons must be between a column and a literal");
    }
    return new Filter.Compare(comparison, left, right);
  }

  private Operand operand() {
    String t = next();
    if (t.startsWith("'")) return new Operand.Literal(unquote(t), Filter.ValueType.STRING);
    String upper = t.toUpperCase(Locale.ROOT);
    if ((upper.equals("DATE") || upper.equals("TIMESTAMP")) && pos < tokens.size() && tokens.get(pos).startsWith("'")) {
      return new Operand.Literal(unquote(next()), upper.equals("DATE") ? Filter.ValueType.DATE : Filter.ValueType.TIMESTAMP);
    }
    if (upper.equals("TRUE") || upper.equals("FALSE")) return new Operand.Literal(upper.toLowerCase(Locale.ROOT), Filter.ValueType.BOOL);
    if (upper.equals("NULL")) return new Operand.Literal(null, null);
    if (t.matches("-?\\d+")) return new Operand.Literal(t, Filter.ValueType.LONG);
    if (t.matches("-?\\d*\\.\\d+([eE][-+]?\\d+)?|-?\\d+[eE][-+]?\\d+")) return new Operand.Literal(t, Filter.ValueType.DOUBLE);
    pos--;
    if (pos + 1 < tokens.size() && tokens.get(pos + 1).equals("(")) throw unsupported("the function " + t + "()");
    return new Operand.Column(identifier("a column or a literal"), null);
  }

  private String identifier(String what) {
    String t = next();
    if (t.startsWith("\"") || t.startsWith("`")) return t.substring(1, t.length() - 1);
    if (!t.matches("[A-Za-z_][A-Za-z0-9_]*")) throw unsupported("'" + t + "' where " + what + " belongs");
    if (UNSUPPORTED.contains(t.toUpperCase(Locale.ROOT))) throw unsupported(t.toUpperCase(Locale.ROOT));
    return t;
  }

  private String next() {
    if (pos >= tokens.size()) throw unsupported("the query ends too early");
    String t = tokens.get(pos++);
    if (UNSUPPORTED.contains(t.toUpperCase(Locale.ROOT))) throw unsupported(t.toUpperCase(Locale.ROOT));
    return t;
  }

  private boolean peek(String t) {
    return pos < tokens.size() && tokens.get(pos).equals(t);
  }

  private boolean accept(String t) {
    if (peek(t)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(String t) {
    if (!accept(t)) throw unsupported("expected '" + t + "'" + (pos < tokens.size() ? " but found '" + tokens.get(pos) + "'" : ""));
  }

  private boolean acceptKeyword(String keyword) {
    if (pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(keyword)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expectKeyword(String keyword) {
    if (!acceptKeyword(keyword)) {
      throw unsupported("expected " + keyword + (pos < tokens.size() ? " but found '" + tokens.get(pos) + "'" : ""));
    }
  }

  private static String unquote(String literal) {
    return literal.substring(1, literal.length() - 1).replace("''", "'");
  }

  private static GoldgateException unsupported(String what) {
    return GoldgateException.invalid(
        "Unsupported SQL: " + what + ". Goldgate answers SELECT <columns|*> FROM share.schema.table [WHERE <column op literal> AND/OR ...] [LIMIT n]");
  }

  private static final Pattern NUMBER = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

  /** A digit, or a sign or point before one where no identifier precedes (a.b.c stays a path). */
  private static boolean startsNumber(String sql, int i, List<String> tokens) {
    char c = sql.charAt(i);
    if (Character.isDigit(c)) {
      return tokens.isEmpty() || !tokens.get(tokens.size() - 1).equals(".");
    }
    boolean digitNext = i + 1 < sql.length() && (Character.isDigit(sql.charAt(i + 1)) || (c == '-' && sql.charAt(i + 1) == '.'));
    boolean afterValue = !tokens.isEmpty() && tokens.get(tokens.size() - 1).matches("[A-Za-z0-9_\"`)'].*");
    return (c == '-' || c == '.') && digitNext && !afterValue;
  }

  static List<String> tokenize(String sql) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'') {
        int j = i + 1;
        while (true) {
          if (j >= sql.length()) throw unsupported("an unterminated string literal");
          if (sql.charAt(j) == '\'') {
            if (j + 1 < sql.length() && sql.charAt(j + 1) == '\'') {
              j += 2;
              continue;
            }
            break;
          }
          j++;
        }
        tokens.add(sql.substring(i, j + 1));
        i = j + 1;
      } else if (c == '"' || c == '`') {
        int j = sql.indexOf(c, i + 1);
        if (j < 0) throw unsupported("an unterminated quoted identifier");
        tokens.add(sql.substring(i, j + 1));
        i = j + 1;
      } else if (startsNumber(sql, i, tokens)) {
        Matcher m = NUMBER.matcher(sql).region(i, sql.length());
        m.lookingAt();
        tokens.add(m.group());
        i = m.end();
      } else if (Character.isLetterOrDigit(c) || c == '_') {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
          j++;
        }
        tokens.add(sql.substring(i, j));
        i = j;
      } else if ((c == '<' || c == '>' || c == '!') && i + 1 < sql.length() && (sql.charAt(i + 1) == '=' || (c == '<' && sql.charAt(i + 1) == '>'))) {
        tokens.add(sql.substring(i, i + 2));
        i += 2;
      } else {
        tokens.add(String.valueOf(c));
        i++;
      }
    }
    return tokens;
  }
}
