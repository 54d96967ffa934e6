package io.goldgate.lake.predicate;

import io.goldgate.lake.predicate.Filter.Operand;
import java.util.function.Function;

/**
 * Decides whether a file may hold a row matching a {@link Filter}, from what is known of each
 * column in that file (partition value or min/max/null-count stats).
 *
 * <p>Evaluation is three-valued (SQL semantics: a comparison with null is neither true nor false)
 * and every flag over-approximates, so a file is only skipped when it provably has no matching
 * row. Anything unparseable or unknown keeps the file: filtering is best effort by protocol. Values
 * are ordered by {@link ValueOrder}, the same rule as the exact row filter, so a file is never
 * skipped that the row filter would find a match in.
 */
public final class FilePruner {

  /** What the filter may evaluate to over the rows of one file. */
  record Outcome(boolean mayTrue, boolean mayFalse, boolean mayNull) {
    static final Outcome ANY = new Outcome(true, true, true);
  }

  private FilePruner() {}

  /**
   * @param columns per column name: its typed range in this file, or {@link ColumnRange#UNKNOWN}
   * @param types per column name: the column's type in the table, or null when unknown
   */
  public static boolean mayMatch(
      Filter filter, Function<String, ColumnRange> columns, Function<String, Filter.ValueType> types) {
    try {
      return evaluate(filter, columns, types).mayTrue();
    } catch (RuntimeException e) {
      return true;
    }
  }

  static Outcome evaluate(
      Filter filter, Function<String, ColumnRange> columns, Function<String, Filter.ValueType> types) {
    return switch (filter) {
      case Filter.And and -> {
        boolean t = true, f = false, n = false;
        for (Filter child : and.children()) {
          Outcome o = evaluate(child, columns, types);
          t &= o.mayTrue();
          f |= o.mayFalse();
          n |= o.mayNull();
        }
        yield new Outcome(t, f, n);
      }
      case Filter.Or or -> {
        boolean t = false, f = true, n = false;
        for (Filter child : or.children()) {
          Outcome o = evaluate(child, columns, types);
          t |= o.mayTrue();
          f &= o.mayFalse();
          n |= o.mayNull();
        }
        yield new Outcome(t, f, n);
      }
      case Filter.Not not -> {
        Outcome o = evaluate(not.child(), columns, types);
        yield new Outcome(o.mayFalse(), o.mayTrue(), o.mayNull());
      }
      case Filter.IsNull isNull -> {
        ColumnRange range = columns.apply(isNull.column().name());
        yield new Outcome(range.mayHaveNulls(), range.mayHaveValues(), false);
      }
      case Filter.Compare compare -> compare(compare, columns, types);
    };
  }

  private static Outcome compare(
      Filter.Compare compare, Function<String, ColumnRange> columns, Function<String, Filter.ValueType> types) {
    var normalized = compare.columnVsLiteral();
    if (normalized.isEmpty()) {
      return Outcome.ANY;
    }
    Operand.Column column = normalized.get().column();
    Operand.Literal literal = normalized.get().literal();
    Filter.Op op = normalized.get().op();
    Filter.ValueType type = types.apply(column.name());
    if (type == null) {
      type = literal.declaredType() != null ? literal.declaredType() : column.declaredType();
    }
    if (type == null) {
      return Outcome.ANY;
    }
    ColumnRange range = columns.apply(column.name());
    if (literal.value() == null) {
      return new Outcome(false, false, true);
    }
    Object value = TypedValues.parseLiteral(literal.value(), type);
    boolean mayNull = range.mayHaveNulls();
    if (!range.mayHaveValues()) {
      return new Outcome(false, false, mayNull);
    }
    // A missing bound (unknown, or a truncated maximum) only stops that side from deciding.
    boolean lowUnknown = range.min() == null;
    boolean highUnknown = range.max() == null;
    int minCmp = lowUnknown ? -1 : ValueOrder.compare(range.min(), value);
    int maxCmp = highUnknown ? 1 : ValueOrder.compare(range.max(), value);
    boolean onlyThatValue = !lowUnknown && !highUnknown && minCmp == 0 && maxCmp == 0;
    boolean mayEqual = minCmp <= 0 && maxCmp >= 0;
    return switch (op) {
      case EQ -> new Outcome(mayEqual, !onlyThatValue, mayNull);
      case NE -> new Outcome(!onlyThatValue, mayEqual, mayNull);
      case LT -> new Outcome(minCmp < 0, maxCmp >= 0, mayNull);
      case LE -> new Outcome(minCmp <= 0, maxCmp > 0, mayNull);
      case GT -> new Outcome(maxCmp > 0, minCmp <= 0, mayNull);
      case GE -> new Outcome(maxCmp >= 0, minCmp < 0, mayNull);
    };
  }
}
