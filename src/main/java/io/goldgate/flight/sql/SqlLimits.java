package io.goldgate.flight.sql;

import io.goldgate.GoldgateException;

/**
 * Bounds on query text checked before DuckDB sees it. DuckDB's parser is a native one: a statement
 * nested deeper than {@link #MAX_NESTING} parentheses is refused here rather than trusted to its
 * own depth checks.
 */
public final class SqlLimits {

  /** The longest statement accepted, in characters. */
  public static final int MAX_LENGTH = 65_536;
  /** The deepest parenthesis nesting accepted (outside string literals and quoted names). */
  public static final int MAX_NESTING = 128;
  /** The most bytes of bound parameter values a prepared statement may carry. */
  public static final int MAX_PARAMETER_BYTES = 65_536;

  private SqlLimits() {}

  static void checkText(String sql) {
    if (sql.length() > MAX_LENGTH) {
      throw GoldgateException.invalid("The statement is " + sql.length() + " characters long; the limit is " + MAX_LENGTH);
    }
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        if (++depth > MAX_NESTING) {
          throw GoldgateException.invalid("The statement nests brackets deeper than " + MAX_NESTING + " levels");
        }
      } else if (c == ')' || c == ']' || c == '}') {
        depth = Math.max(0, depth - 1);
      }
    }
  }
}
