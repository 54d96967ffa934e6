package io.goldgate.lake.predicate;

import java.util.List;

/**
 * A row filter in protocol-neutral form. Delta Sharing's {@code jsonPredicateHints} and {@code
 * predicateHints}, and Flight commands, are all parsed into this tree; the lake uses it to skip
 * files that cannot hold a matching row.
 */
public sealed interface Filter {

  record And(List<Filter> children) implements Filter {
    public And {
      children = List.copyOf(children);
    }
  }

  record Or(List<Filter> children) implements Filter {
    public Or {
      children = List.copyOf(children);
    }
  }

  record Not(Filter child) implements Filter {}

  record IsNull(Operand.Column column) implements Filter {}

  record Compare(Op op, Operand left, Operand right) implements Filter {

    /** This comparison as {@code column op literal}, flipped if written the other way round. */
    public java.util.Optional<ColumnVsLiteral> columnVsLiteral() {
      if (left instanceof Operand.Column c && right instanceof Operand.Literal l) {
        return java.util.Optional.of(new ColumnVsLiteral(c, op, l));
      }
      if (left instanceof Operand.Literal l && right instanceof Operand.Column c) {
        return java.util.Optional.of(new ColumnVsLiteral(c, op.flipped(), l));
      }
      return java.util.Optional.empty();
    }
  }

  /** A comparison between a column and a literal, column first. */
  record ColumnVsLiteral(Operand.Column column, Op op, Operand.Literal literal) {}

  enum Op {
    EQ,
    LT,
    LE,
    GT,
    GE,
    NE;

    /** The same comparison with its operands swapped: {@code a < b} is {@code b > a}. */
    public Op flipped() {
      return switch (this) {
        case LT -> GT;
        case LE -> GE;
        case GT -> LT;
        case GE -> LE;
        default -> this;
      };
    }
  }

  sealed interface Operand {
    /** A column, with the type the client says it has (null when it did not say). */
    record Column(String name, ValueType declaredType) implements Operand {}

    /** A literal in its textual form, typed by the client (null when it did not say). */
    record Literal(String value, ValueType declaredType) implements Operand {}
  }

  /** The value types of the Delta Sharing JSON predicate format, plus decimal for table columns. */
  enum ValueType {
    BOOL,
    INT,
    LONG,
    STRING,
    DATE,
    FLOAT,
    DOUBLE,
    TIMESTAMP,
    DECIMAL
  }
}
