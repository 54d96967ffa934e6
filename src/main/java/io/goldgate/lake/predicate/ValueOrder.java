package io.goldgate.lake.predicate;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * The one ordering of values that every comparison in the gateway uses: stats and partition
 * pruning, the exact row filter of Arrow Flight and Flight SQL, and anything else that orders
 * values of a table. It is the order of Delta, Parquet and Spark SQL:
 *
 * <ul>
 *   <li>strings by code point, which is the order of their UTF-8 bytes (Java's {@link
 *       String#compareTo} orders by UTF-16 code unit, which puts U+10000 and above below
 *       U+E000..U+FFFF);
 *   <li>binary by unsigned bytes;
 *   <li>numbers by value whatever their Java type or decimal scale ({@code 1 = 1.0 = 1.000});
 *   <li>floating point as SQL does it: {@code -0.0 = 0.0}, {@code NaN = NaN}, and NaN above every
 *       other value, infinities included;
 *   <li>booleans {@code false < true}; dates and instants by time.
 * </ul>
 *
 * Nulls are not ordered here: every caller treats a comparison with null as unknown.
 */
public final class ValueOrder {

  private ValueOrder() {}

  /**
   * @throws IllegalArgumentException when the two values are of kinds that do not compare (a string
   *     and a number, say); pruning keeps the file then, the row filter refuses the predicate
   */
  public static int compare(Object a, Object b) {
    if (a instanceof String x && b instanceof String y) {
      return compareStrings(x, y);
    }
    if (a instanceof Number x && b instanceof Number y) {
      return compareNumbers(x, y);
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.compareUnsigned(x, y);
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return x.compareTo(y);
    }
    if (a instanceof LocalDate x && b instanceof LocalDate y) {
      return x.compareTo(y);
    }
    if (a instanceof Instant x && b instanceof Instant y) {
      return x.compareTo(y);
    }
    throw new IllegalArgumentException("Values of type " + kind(a) + " and " + kind(b) + " cannot be compared");
  }

  /** Code point order, equal to the order of the strings' UTF-8 bytes. */
  public static int compareStrings(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        return rank(x) - rank(y);
      }
    }
    return a.length() - b.length();
  }

  /**
   * The first differing UTF-16 unit decides, once surrogates (which only encode code points above
   * U+FFFF) are moved above U+E000..U+FFFF; below U+D800 the unit is the code point.
   */
  private static int rank(char c) {
    if (c >= 0xE000) {
      return c - 0x800;
    }
    if (c >= 0xD800) {
      return c + 0x2000;
    }
    return c;
  }

  private static int compareNumbers(Number a, Number b) {
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compare(x, y);
    }
    if (a instanceof Double x && b instanceof Double y) {
      return compareDoubles(x, y);
    }
    if (a instanceof Double x && !Double.isFinite(x)) {
      return compareDoubles(x, 0.0);
    }
    if (b instanceof Double y && !Double.isFinite(y)) {
      return compareDoubles(0.0, y);
    }
    return decimal(a).compareTo(decimal(b));
  }

  private static int compareDoubles(double x, double y) {
    if (x < y) {
      return -1;
    }
    if (x > y) {
      return 1;
    }
    if (x == y) {
      return 0; // -0.0 == 0.0 as well
    }
    return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
  }

  private static BigDecimal decimal(Number n) {
    return switch (n) {
      case BigDecimal d -> d;
      case Double d -> new BigDecimal(d);
      case Float f -> new BigDecimal(f.doubleValue());
      default -> BigDecimal.valueOf(n.longValue());
    };
  }

  private static String kind(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }
}
