package io.goldgate.lake.predicate;

/**
 * What one file tells about one column: the bounds of its non-null values and whether nulls or
 * non-nulls may occur. Null bounds mean "unknown". Bounds are already typed (Long, Double,
 * BigDecimal, String, LocalDate, Instant, Boolean), inclusive, and ordered by {@link ValueOrder}.
 */
public record ColumnRange(Object min, Object max, boolean mayHaveNulls, boolean mayHaveValues) {

  public static final ColumnRange UNKNOWN = new ColumnRange(null, null, true, true);

  public static ColumnRange exactly(Object value) {
    if (value == null) {
      return new ColumnRange(null, null, true, false);
    }
    return new ColumnRange(value, value, false, true);
  }
}
