package io.goldgate.catalog;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.access.RowRestriction;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A table's {@code recipientPartitionFilter} as declared in a share file: for each listed partition
 * column, the one value a recipient may see, either a literal or {@code ${recipient.<property>}}
 * (that recipient's property). {@link #forRecipient} turns it into the {@link RowRestriction} of
 * one recipient.
 *
 * @param columns partition column name -> where its allowed value comes from, in declaration order
 * @param declaredAt {@code <file>: <YAML path>} of the declaration, for operator-facing errors
 */
public record RecipientPartitionFilter(Map<String, Value> columns, String declaredAt) {

  /** The catalog key of the declaration in a table definition. */
  public static final String FIELD = "recipientPartitionFilter";

  /** No filter: every recipient of the share sees every row. */
  public static final RecipientPartitionFilter NONE = new RecipientPartitionFilter(Map.of(), null);

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{recipient\\.([^{}\\s]+)}");

  /** Where the allowed value of one partition column comes from. */
  public sealed interface Value {
    /** The same value for every recipient. */
    record Literal(String value) implements Value {}

    /** The value of the recipient's property {@code name}. */
    record RecipientProperty(String name) implements Value {}
  }

  public RecipientPartitionFilter {
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }

  public boolean isNone() {
    return columns.isEmpty();
  }

  /**
   * Parses a declaration; null (not declared) is {@link #NONE}.
   *
   * @param where {@code <file>: <YAML path>} of the field, the prefix of every error message
   */
  static RecipientPartitionFilter parse(String where, Map<String, String> declared) {
    if (declared == null) {
      return NONE;
    }
    if (declared.isEmpty()) {
      throw new CatalogException(where + ": must map at least one partition column to a value; remove the field to share every row");
    }
    Map<String, Value> columns = new LinkedHashMap<>();
    Map<String, String> seen = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : declared.entrySet()) {
      String column = entry.getKey();
      String at = where + "." + column;
      if (column == null || column.isBlank()) {
        throw new CatalogException(where + ": a partition column name must not be blank");
      }
      String earlier = seen.putIfAbsent(column.toLowerCase(Locale.ROOT), column);
      if (earlier != null) {
        throw new CatalogException(at + ": column '" + column + "' is listed twice (also as '" + earlier + "'); column names are case-insensitive");
      }
      columns.put(column, value(at, entry.getValue()));
    }
    return new RecipientPartitionFilter(columns, where);
  }

  private static Value value(String at, String raw) {
    if (raw == null || raw.isEmpty()) {
      throw new CatalogException(at + ": needs a value: a literal partition value or '${recipient.<property>}'");
    }
    Matcher reference = REFERENCE.matcher(raw);
    if (reference.matches()) {
      return new Value.RecipientProperty(reference.group(1));
    }
    if (raw.contains("${")) {
      throw new CatalogException(
          at + ": '" + raw + "' is not a valid reference; write exactly '${recipient.<property>}' (the whole value, property name without"
              + " spaces or braces), or a literal partition value without '${'");
    }
    return new Value.Literal(raw);
  }

  /**
   * The rows {@code recipient} may read of {@code table}: the partition values it is bound to.
   *
   * @throws GoldgateException PERMISSION_DENIED when the filter needs a property the recipient
   *     does not have (or has empty): such a recipient gets no data at all
   */
  public RowRestriction forRecipient(Recipient recipient, String table) {
    if (isNone()) {
      return RowRestriction.NONE;
    }
    Map<String, String> allowed = new LinkedHashMap<>();
    for (Map.Entry<String, Value> column : columns.entrySet()) {
      String value =
          switch (column.getValue()) {
            case Value.Literal literal -> literal.value();
            case Value.RecipientProperty property -> {
              String v = recipient.properties().get(property.name());
              if (v == null || v.isEmpty()) {
                throw new GoldgateException(
                    GoldgateException.Kind.PERMISSION_DENIED,
                    "Table " + table + " shares only the rows matching each recipient's '" + property.name() + "' property, and recipient '"
                        + recipient.name() + "' has none; ask the data provider to set it");
              }
              yield v;
            }
          };
      allowed.put(column.getKey(), value);
    }
    return new RowRestriction(table, declaredAt, allowed);
  }
}
