package io.goldgate.lake.predicate;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;

/** Parses the textual values of predicates, partition values and stats into comparable values. */
public final class TypedValues {

  /** Delta partition values for timestamps: {@code 2024-01-05 10:00:00[.ffffff]}. */
  private static final DateTimeFormatter PARTITION_TIMESTAMP =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  private TypedValues() {}

  /** The comparison type of a Delta schema type name, or null when pruning cannot use it. */
  public static Filter.ValueType ofDeltaType(String deltaType) {
    if (deltaType == null) return null;
    String t = deltaType.toLowerCase(Locale.ROOT);
    if (t.startsWith("decimal")) return Filter.ValueType.DECIMAL;
    return switch (t) {
      case "byte", "short", "integer", "long" -> Filter.ValueType.LONG;
      case "float" -> Filter.ValueType.FLOAT;
      case "double" -> Filter.ValueType.DOUBLE;
      case "string" -> Filter.ValueType.STRING;
      case "date" -> Filter.ValueType.DATE;
      case "timestamp", "timestamp_ntz" -> Filter.ValueType.TIMESTAMP;
      case "boolean" -> Filter.ValueType.BOOL;
      default -> null;
    };
  }

  /**
   * A literal from a predicate, compared by {@link ValueOrder}: integers are Longs (or BigDecimals
   * when the literal has a fraction, so {@code id > 1.5} compares by value), floating point is a
   * Double as written (a float column's values are widened to double to meet it, as SQL does).
   */
  public static Object parseLiteral(String text, Filter.ValueType type) {
    return switch (type) {
      case BOOL -> parseBoolean(text);
      case INT, LONG -> parseInteger(text.strip());
      case FLOAT, DOUBLE -> Double.parseDouble(text.strip());
      case DECIMAL -> new BigDecimal(text.strip());
      case STRING -> text;
      case DATE -> LocalDate.parse(text.strip());
      case TIMESTAMP -> parseTimestamp(text.strip());
    };
  }

  /**
   * A value the table stores, written as text in the Delta log (a partition value or a stats
   * bound): as {@link #parseLiteral}, except that a float column's text is read as the float the
   * column holds, then widened ({@code "0.1"} is 0.10000000149011612 in a float column).
   */
  public static Object parseStored(String text, Filter.ValueType type) {
    if (type == Filter.ValueType.FLOAT) {
      return (double) Float.parseFloat(text.strip());
    }
    return parseLiteral(text, type);
  }

  /**
   * A partition value as stored in the Delta log. The protocol's "Partition Value Serialization":
   * an empty string for any type, strings included, is a null partition value.
   */
  public static Object parsePartitionValue(String text, Filter.ValueType type) {
    if (isNullPartitionValue(text)) {
      return null;
    }
    return parseStored(text, type);
  }

  /** Whether a partition value of the Delta log stands for null: absent, JSON null or empty. */
  public static boolean isNullPartitionValue(String text) {
    return text == null || text.isEmpty();
  }

  private static Object parseInteger(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException notALong) {
      try {
        return new BigDecimal(text);
      } catch (NumberFormatException notADecimal) {
        return Double.parseDouble(text); // NaN and the infinities compare with integers too
      }
    }
  }

  private static Boolean parseBoolean(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("true")) return Boolean.TRUE;
    if (t.equals("false")) return Boolean.FALSE;
    throw new IllegalArgumentException("not a boolean: " + text);
  }

  /** Accepts ISO-8601 instants and offsets, Delta partition timestamps, and bare dates. */
  static Instant parseTimestamp(String text) {
    if (text.endsWith("Z") || endsWithOffset(text)) {
      return OffsetDateTime.parse(text.replace(' ', 'T')).toInstant();
    }
    if (text.length() == 10) {
      return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
    }
    if (text.indexOf('T') > 0) {
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    }
    return LocalDateTime.parse(text, PARTITION_TIMESTAMP).toInstant(ZoneOffset.UTC);
  }

  /** Whether the text ends in {@code +HH:MM}, {@code -HH:MM}, {@code +HHMM} or {@code -HHMM}. */
  private static boolean endsWithOffset(String text) {
    int n = text.length();
    if (n < 5 || !isDigit(text, n - 1) || !isDigit(text, n - 2)) {
      return false;
    }
    int hours = text.charAt(n - 3) == ':' ? n - 5 : n - 4;
    return hours >= 1 && isDigit(text, hours) && isDigit(text, hours + 1) && (text.charAt(hours - 1) == '+' || text.charAt(hours - 1) == '-');
  }

  private static boolean isDigit(String text, int at) {
    char c = text.charAt(at);
    return c >= '0' && c <= '9';
  }
}
