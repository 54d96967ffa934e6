package io.goldgate.sharing;

import io.goldgate.GoldgateException;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.Filter.Operand;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses the legacy {@code predicateHints}: simple comparisons between a column and a constant, as
 * the protocol's SQL subset defines them. Hints that do not parse are skipped (best effort); the
 * ones that do are AND-ed.
 *
 * <p>Hints beyond {@link #MAX_HINTS} or {@link #MAX_HINT_LENGTH} are refused with a 400 naming the
 * limit rather than skipped: skipping would silently turn a hostile request into a full table scan
 * and hide from an honest client that its filter was never looked at. The scanner reads each hint
 * once, left to right, without backtracking or recursion.
 */
public final class SqlPredicates {

  /** The most hints one request may carry. */
  public static final int MAX_HINTS = 100;
  /** The longest one hint may be, in characters (code points, as JSON Schema's maxLength counts). */
  public static final int MAX_HINT_LENGTH = 16_384;

  private SqlPredicates() {}

  public static Optional<Filter> parse(List<String> hints) {
    if (hints == null || hints.isEmpty()) {
      return Optional.empty();
    }
    checkLimits(hints);
    List<Filter> parsed = new ArrayList<>();
    for (String hint : hints) {
      parseOne(hint).ifPresent(parsed::add);
    }
    if (parsed.isEmpty()) return Optional.empty();
    return Optional.of(parsed.size() == 1 ? parsed.get(0) : new Filter.And(parsed));
  }

  /** Refuses hints beyond the documented limits with an INVALID_ARGUMENT naming the limit. */
  public static void checkLimits(List<String> hints) {
    if (hints == null) return;
    if (hints.size() > MAX_HINTS) {
      throw GoldgateException.invalid("predicateHints has " + hints.size() + " hints; the limit is " + MAX_HINTS);
    }
    for (int i = 0; i < hints.size(); i++) {
      String hint = hints.get(i);
      if (hint != null && hint.length() > MAX_HINT_LENGTH && hint.codePointCount(0, hint.length()) > MAX_HINT_LENGTH) {
        throw GoldgateException.invalid(
            "predicateHints[" + i + "] is " + hint.codePointCount(0, hint.length()) + " characters long; the limit is " + MAX_HINT_LENGTH
                + " per hint");
      }
    }
  }

  static Optional<Filter> parseOne(String hint) {
    if (hint == null) return Optional.empty();
    return new Scanner(hint).hint();
  }

  /** The tokens a hint is made of, read once from left to right. */
  private static final class Scanner {
    private final String s;
    private int pos;

    Scanner(String s) {
      this.s = s;
    }

    /** {@code operand op operand} or {@code column IS [NOT] NULL}, or empty when it is neither. */
    Optional<Filter> hint() {
      skipSpaces();
      Operand left = operand();
      if (left == null) return Optional.empty();
      int afterLeft = pos;
      skipSpaces();
      if (left instanceof Operand.Column column && pos > afterLeft && keyword("IS")) {
        int afterIs = pos;
        skipSpaces();
        if (pos == afterIs) return Optional.empty();
        boolean negated = false;
        if (keyword("NOT")) {
          int afterNot = pos;
          skipSpaces();
          if (pos == afterNot) return Optional.empty();
          negated = true;
        }
        if (!keyword("NULL")) return Optional.empty();
        skipSpaces();
        if (pos != s.length()) return Optional.empty();
        Filter isNull = new Filter.IsNull(column);
        return Optional.of(negated ? new Filter.Not(isNull) : isNull);
      }
      Filter.Op op = operator();
      if (op == null) return Optional.empty();
      skipSpaces();
      Operand right = operand();
      if (right == null) return Optional.empty();
      skipSpaces();
      if (pos != s.length() || left instanceof Operand.Column == right instanceof Operand.Column) {
        return Optional.empty();
      }
      return Optional.of(new Filter.Compare(op, left, right));
    }

    /** A quoted or bare column, a string, a number or a boolean; null when none starts here. */
    private Operand operand() {
      if (pos >= s.length()) return null;
      char c = s.charAt(pos);
      if (c == '`') {
        int end = s.indexOf('`', pos + 1);
        if (end <= pos + 1) return null;
        String name = s.substring(pos + 1, end);
        pos = end + 1;
        return new Operand.Column(name, null);
      }
      if (c == '\'') return string();
      if (c == '-' || isDigit(c)) return number();
      if (isIdentStart(c)) {
        int start = pos;
        while (pos < s.length() && isIdentPart(s.charAt(pos))) pos++;
        String word = s.substring(start, pos);
        if (word.equalsIgnoreCase("true") || word.equalsIgnoreCase("false")) {
          return new Operand.Literal(word.toLowerCase(Locale.ROOT), Filter.ValueType.BOOL);
        }
        return new Operand.Column(word, null);
      }
      return null;
    }

    private Operand string() {
      StringBuilder value = new StringBuilder();
      int i = pos + 1;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '\'') {
          if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
            value.append('\'');
            i += 2;
            continue;
          }
          pos = i + 1;
          return new Operand.Literal(value.toString(), Filter.ValueType.STRING);
        }
        value.append(c);
        i++;
      }
      return null;
    }

    /** {@code -?digits(.digits)?([eE][-+]?digits)?}: whole numbers are longs, the rest doubles. */
    private Operand number() {
      int start = pos;
      int i = pos;
      if (s.charAt(i) == '-') i++;
      int digits = digits(i);
      if (digits == i) return null;
      i = digits;
      boolean whole = true;
      if (i + 1 < s.length() && s.charAt(i) == '.' && isDigit(s.charAt(i + 1))) {
        i = digits(i + 1);
        whole = false;
      }
      if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
        int j = i + 1;
        if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) j++;
        int exponent = digits(j);
        if (exponent > j) {
          i = exponent;
          whole = false;
        }
      }
      pos = i;
      return new Operand.Literal(s.substring(start, i), whole ? Filter.ValueType.LONG : Filter.ValueType.DOUBLE);
    }

    private int digits(int from) {
      int i = from;
      while (i < s.length() && isDigit(s.charAt(i))) i++;
      return i;
    }

    private Filter.Op operator() {
      if (pos >= s.length()) return null;
      char c = s.charAt(pos);
      char d = pos + 1 < s.length() ? s.charAt(pos + 1) : 0;
      Filter.Op op;
      int length = 2;
      if (c == '<' && d == '>' || c == '!' && d == '=') {
        op = Filter.Op.NE;
      } else if (c == '<' && d == '=') {
        op = Filter.Op.LE;
      } else if (c == '>' && d == '=') {
        op = Filter.Op.GE;
      } else {
        length = 1;
        op = switch (c) {
          case '=' -> Filter.Op.EQ;
          case '<' -> Filter.Op.LT;
          case '>' -> Filter.Op.GT;
          default -> null;
        };
      }
      if (op != null) pos += length;
      return op;
    }

    /** A case-insensitive keyword that is a whole word here. */
    private boolean keyword(String word) {
      int end = pos + word.length();
      if (end > s.length() || !s.regionMatches(true, pos, word, 0, word.length())) return false;
      if (end < s.length() && isIdentPart(s.charAt(end))) return false;
      pos = end;
      return true;
    }

    private void skipSpaces() {
      while (pos < s.length() && isSpace(s.charAt(pos))) pos++;
    }

    /** The characters {@code \s} stands for in the protocol's reference implementation. */
    private static boolean isSpace(char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private static boolean isIdentStart(char c) {
      return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_';
    }

    private static boolean isIdentPart(char c) {
      return isIdentStart(c) || isDigit(c);
    }
  }
}
