package io.goldgate.arrow;

import io.goldgate.GoldgateException;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.Filter.Operand;
import io.goldgate.lake.predicate.TypedValues;
import io.goldgate.lake.predicate.ValueOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Evaluates a {@link Filter} on each row of a batch, with SQL semantics: a comparison with null is
 * unknown, and only rows where the filter is true are kept. Values are ordered by {@link
 * ValueOrder}, as file pruning orders them. This is what makes Flight results
 * exact where file pruning can only be approximate.
 */
public final class RowFilter {

  private final Filter filter;
  private final List<String> names;

  private RowFilter(Filter filter, List<String> names) {
    this.filter = filter;
    this.names = names;
  }

  /** Checks every column the filter names exists among {@code columns}. */
  public static RowFilter compile(Filter filter, List<ArrowSchemas.Column> columns) {
    List<String> names = columns.stream().map(c -> c.field().getName()).toList();
    for (String column : columnsOf(filter)) {
      if (resolve(names, column) < 0) {
        throw GoldgateException.invalid("The predicate names an unknown column '" + column + "'");
      }
    }
    return new RowFilter(filter, names);
  }

  /** Every column name the filter refers to. */
  public static List<String> columnsOf(Filter filter) {
    return switch (filter) {
      case Filter.And and -> and.children().stream().flatMap(c -> columnsOf(c).stream()).toList();
      case Filter.Or or -> or.children().stream().flatMap(c -> columnsOf(c).stream()).toList();
      case Filter.Not not -> columnsOf(not.child());
      case Filter.IsNull isNull -> List.of(isNull.column().name());
      case Filter.Compare cmp ->
          java.util.stream.Stream.of(cmp.left(), cmp.right()).filter(o -> o instanceof Operand.Column).map(o -> ((Operand.Column) o).name()).toList();
    };
  }

  private static int resolve(List<String> names, String column) {
    int exact = names.indexOf(column);
    if (exact >= 0) return exact;
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).toLowerCase(Locale.ROOT).equals(column.toLowerCase(Locale.ROOT))) return i;
    }
    return -1;
  }

  /** Positions of the rows of {@code root} where the filter is true, up to {@code max}. */
  public int[] select(VectorSchemaRoot root, long max) {
    int n = root.getRowCount();
    int[] keep = new int[n];
    int k = 0;
    for (int row = 0; row < n && k < max; row++) {
      if (Boolean.TRUE.equals(eval(filter, root, row))) {
        keep[k++] = row;
      }
    }
    return Arrays.copyOf(keep, k);
  }

  private Boolean eval(Filter f, VectorSchemaRoot root, int row) {
    return switch (f) {
      case Filter.And and -> {
        boolean unknown = false;
        for (Filter c : and.children()) {
          Boolean v = eval(c, root, row);
          if (Boolean.FALSE.equals(v)) yield false;
          if (v == null) unknown = true;
        }
        yield unknown ? null : true;
      }
      case Filter.Or or -> {
        boolean unknown = false;
        for (Filter c : or.children()) {
          Boolean v = eval(c, root, row);
          if (Boolean.TRUE.equals(v)) yield true;
          if (v == null) unknown = true;
        }
        yield unknown ? null : false;
      }
      case Filter.Not not -> {
        Boolean v = eval(not.child(), root, row);
        yield v == null ? null : !v;
      }
      case Filter.IsNull isNull -> vector(root, isNull.column().name()).isNull(row);
      case Filter.Compare cmp -> compare(cmp, root, row);
    };
  }

  private Boolean compare(Filter.Compare cmp, VectorSchemaRoot root, int row) {
    Filter.ColumnVsLiteral normalized =
        cmp.columnVsLiteral().orElseThrow(() -> GoldgateException.invalid("Comparisons must be between a column and a literal"));
    Operand.Column column = normalized.column();
    Operand.Literal literal = normalized.literal();
    Filter.Op op = normalized.op();
    FieldVector vector = vector(root, column.name());
    if (vector.isNull(row) || literal.value() == null) {
      return null;
    }
    Filter.ValueType type = valueType(vector.getField().getType());
    Object left = value(vector, row);
    Object right;
    try {
      right = TypedValues.parseLiteral(literal.value(), type);
    } catch (RuntimeException e) {
      throw GoldgateException.invalid("'" + literal.value() + "' is not a " + type.name().toLowerCase(Locale.ROOT) + " value for column " + column.name());
    }
    int c = ValueOrder.compare(left, right);
    return switch (op) {
      case EQ -> c == 0;
      case NE -> c != 0;
      case LT -> c < 0;
      case LE -> c <= 0;
      case GT -> c > 0;
      case GE -> c >= 0;
    };
  }

  private FieldVector vector(VectorSchemaRoot root, String name) {
    return root.getVector(resolve(names, name));
  }

  private static Filter.ValueType valueType(ArrowType type) {
    return switch (type) {
      case ArrowType.Int i -> Filter.ValueType.LONG;
      case ArrowType.FloatingPoint f -> Filter.ValueType.DOUBLE;
      case ArrowType.Decimal d -> Filter.ValueType.DECIMAL;
      case ArrowType.Utf8 s -> Filter.ValueType.STRING;
      case ArrowType.Bool b -> Filter.ValueType.BOOL;
      case ArrowType.Date d -> Filter.ValueType.DATE;
      case ArrowType.Timestamp t -> Filter.ValueType.TIMESTAMP;
      default -> throw GoldgateException.invalid("Columns of type " + type + " cannot be compared");
    };
  }

  /** A cell as the comparable value {@link TypedValues#parseLiteral} produces for its type. */
  private static Object value(FieldVector v, int row) {
    return switch (v) {
      case BaseIntVector i -> i.getValueAsLong(row);
      case Float8Vector f -> f.get(row);
      case Float4Vector f -> (double) f.get(row);
      case DecimalVector d -> d.getObject(row);
      case VarCharVector s -> new String(s.get(row), StandardCharsets.UTF_8);
      case BitVector b -> b.get(row) == 1;
      case DateDayVector d -> LocalDate.ofEpochDay(d.get(row));
      case TimeStampVector t -> Instant.EPOCH.plus(t.get(row), ChronoUnit.MICROS);
      default -> throw GoldgateException.invalid("Columns of type " + v.getField().getType() + " cannot be compared");
    };
  }
}
