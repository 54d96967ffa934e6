package io.goldgate.flight;

import io.goldgate.GoldgateException;
import io.goldgate.lake.predicate.Filter.Operand;
import io.goldgate.lake.predicate.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The SQL that Flight SQL clients may send: {@code SELECT <columns|*> FROM share.schema.table
 * [WHERE <comparisons joined by AND/OR/NOT, IS [NOT] NULL>] [LIMIT n]}. Anything else is refused
 * with a message naming the part that is not supported.
 *
 * <p>The parser recurses once per parenthesis or NOT, so both are limited together to {@link
 * #MAX_NESTING} levels, and statements to {@link #MAX_LENGTH} characters: beyond either the answer
 * is an INVALID_ARGUMENT naming the limit, never a stack overflow. Thirty levels keep the filter
 * tree (at most two levels per parenthesis) within the JSON predicate's depth limit of 64.
 */
final class SqlSubset {

  /** The longest statement accepted, in characters (code points). */
  static final int MAX_LENGTH = 65_536;
  /** The deepest the WHERE clause may nest parentheses and NOT, counted together. */
  static final int MAX_NESTING = 30;

  /** A parsed query: the table, the columns (null for *), the filter (or null), the limit (or null). */
  record Query(String table, List<String> columns, Filter filter, Long limit) {}

  private static final Set<String> UNSUPPORTED =
      Set.of("JOIN", "GROUP", "ORDER", "HAVING", "UNION", "DISTINCT", "OFFSET", "WITH", "INSERT", "UPDATE", "DELETE", "AS", "IN", "LIKE", "BETWEEN", "CASE");

  private final List<String> tokens;
  private int pos;
  private int nesting;

  private SqlSubset(List<String> tokens) {
    this.tokens = tokens;
  }

  static Query parse(String sql) {
    if (sql.length() > MAX_LENGTH && sql.codePointCount(0, sql.length()) > MAX_LENGTH) {
      throw GoldgateException.invalid("The statement is " + sql.codePointCount(0, sql.length()) + " characters long; the limit is " + MAX_LENGTH);
    }
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
    if (acceptKeyword("NOT")) {
      enter();
      Filter negated = new Filter.Not(unary());
      nesting--;
      return negated;
    }
    if (accept("(")) {
      enter();
      Filter inner = or();
      expect(")");
      nesting--;
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

  private void enter() {
    if (++nesting > MAX_NESTING) {
      throw GoldgateException.invalid("The WHERE clause nests parentheses and NOT more than " + MAX_NESTING + " levels deep; the limit is " + MAX_NESTING);
    }
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
    if (startsNumber(t, 0, List.of()) && numberEnd(t, 0) == t.length()) {
      return new Operand.Literal(t, isWholeNumber(t) ? Filter.ValueType.LONG : Filter.ValueType.DOUBLE);
    }
    pos--;
    if (pos + 1 < tokens.size() && tokens.get(pos + 1).equals("(")) throw unsupported("the function " + t + "()");
    return new Operand.Column(identifier("a column or a literal"), null);
  }

  private String identifier(String what) {
    String t = next();
    if (t.startsWith("\"") || t.startsWith("`")) return t.substring(1, t.length() - 1);
    if (!isPlainIdentifier(t)) throw unsupported("'" + t + "' where " + what + " belongs");
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

  private static boolean isPlainIdentifier(String t) {
    if (t.isEmpty() || !(isAsciiLetter(t.charAt(0)) || t.charAt(0) == '_')) return false;
    for (int i = 1; i < t.length(); i++) {
      char c = t.charAt(i);
      if (!(isAsciiLetter(c) || isAsciiDigit(c) || c == '_')) return false;
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWholeNumber(String t) {
    for (int i = t.charAt(0) == '-' ? 1 : 0; i < t.length(); i++) {
      if (!isAsciiDigit(t.charAt(i))) return false;
    }
    return true;
  }

  /**
   * Where the number starting at {@code i} ends: {@code -?(digits[.digits?] | .digits)} and an
   * optional exponent, read once without backtracking.
   */
  private static int numberEnd(String s, int i) {
    int j = i;
    if (j < s.length() && s.charAt(j) == '-') j++;
    int digits = asciiDigits(s, j);
    if (digits > j) {
      j = digits;
      if (j < s.length() && s.charAt(j) == '.') j = asciiDigits(s, j + 1);
    } else if (j + 1 < s.length() && s.charAt(j) == '.' && isAsciiDigit(s.charAt(j + 1))) {
      j = asciiDigits(s, j + 1);
    } else {
      return i;
    }
    if (j < s.length() && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
      int k = j + 1;
      if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) k++;
      int exponent = asciiDigits(s, k);
      if (exponent > k) j = exponent;
    }
    return j;
  }

  private static int asciiDigits(String s, int from) {
    int i = from;
    while (i < s.length() && isAsciiDigit(s.charAt(i))) i++;
    return i;
  }

  /** A digit, or a sign or point before one where no identifier precedes (a.b.c stays a path). */
  private static boolean startsNumber(String sql, int i, List<String> tokens) {
    char c = sql.charAt(i);
    if (isAsciiDigit(c)) {
      return tokens.isEmpty() || !tokens.get(tokens.size() - 1).equals(".");
    }
    boolean digitNext = i + 1 < sql.length() && (isAsciiDigit(sql.charAt(i + 1)) || (c == '-' && sql.charAt(i + 1) == '.'));
    boolean afterValue = !tokens.isEmpty() && endsValue(tokens.get(tokens.size() - 1));
    return (c == '-' || c == '.') && digitNext && !afterValue;
  }

  /** Whether a token ends an operand, so that a following '-' or '.' is not a number's sign. */
  private static boolean endsValue(String token) {
    char c = token.charAt(0);
    return Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '"' || c == '`' || c == ')' || c == '\'';
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
      } else if (startsNumber(sql, i, tokens) && numberEnd(sql, i) > i) {
        int end = numberEnd(sql, i);
        tokens.add(sql.substring(i, end));
        i = end;
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
