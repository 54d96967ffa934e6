package io.goldgate.sharing;

import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.Filter.Operand;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the legacy {@code predicateHints}: simple comparisons between a column and a constant, as
 * the protocol's SQL subset defines them. Hints that do not parse are skipped (best effort); the
 * ones that do are AND-ed.
 */
public final class SqlPredicates {

  private static final String IDENT = "`[^`]+`|[A-Za-z_][A-Za-z0-9_]*";
  private static final String LITERAL = "'(?:[^']|'')*'|-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?|true|false|TRUE|FALSE";
  private static final Pattern COMPARISON =
      Pattern.compile("^\\s*(" + IDENT + "|" + LITERAL + ")\\s*(=|<>|!=|<=|>=|<|>)\\s*(" + IDENT + "|" + LITERAL + ")\\s*$");
  private static final Pattern NULL_CHECK = Pattern.compile("^\\s*(" + IDENT + ")\\s+IS\\s+(NOT\\s+)?NULL\\s*$", Pattern.CASE_INSENSITIVE);

  private SqlPredicates() {}

  public static Optional<Filter> parse(List<String> hints) {
    if (hints == null || hints.isEmpty()) {
      return Optional.empty();
    }
    List<Filter> parsed = new ArrayList<>();
    for (String hint : hints) {
      parseOne(hint).ifPresent(parsed::add);
    }
    if (parsed.isEmpty()) return Optional.empty();
    return Optional.of(parsed.size() == 1 ? parsed.get(0) : new Filter.And(parsed));
  }

  static Optional<Filter> parseOne(String hint) {
    if (hint == null) return Optional.empty();
    Matcher nullCheck = NULL_CHECK.matcher(hint);
    if (nullCheck.matches()) {
      Filter isNull = new Filter.IsNull(new Operand.Column(unquote(nullCheck.group(1)), null));
      return Optional.of(nullCheck.group(2) != null ? new Filter.Not(isNull) : isNull);
    }
    Matcher m = COMPARISON.matcher(hint);
    if (!m.matches()) return Optional.empty();
    Operand left = operand(m.group(1));
    Operand right = operand(m.group(3));
    if (left instanceof Operand.Column == right instanceof Operand.Column) {
      return Optional.empty();
    }
    Filter.Op op =
        switch (m.group(2)) {
          case "=" -> Filter.Op.EQ;
          case "<>", "!=" -> Filter.Op.NE;
          case "<" -> Filter.Op.LT;
          case "<=" -> Filter.Op.LE;
          case ">" -> Filter.Op.GT;
          default -> Filter.Op.GE;
        };
    return Optional.of(new Filter.Compare(op, left, right));
  }

  private static Operand operand(String token) {
    if (token.startsWith("'")) {
      return new Operand.Literal(token.substring(1, token.length() - 1).replace("''", "'"), Filter.ValueType.STRING);
    }
    if (Character.isDigit(token.charAt(0)) || token.charAt(0) == '-') {
      return new Operand.Literal(token, token.matches("-?\\d+") ? Filter.ValueType.LONG : Filter.ValueType.DOUBLE);
    }
    if (token.equalsIgnoreCase("true") || token.equalsIgnoreCase("false")) {
      return new Operand.Literal(token.toLowerCase(), Filter.ValueType.BOOL);
    }
    return new Operand.Column(unquote(token), null);
  }

  private static String unquote(String ident) {
    return ident.startsWith("`") ? ident.substring(1, ident.length() - 1) : ident;
  }
}
