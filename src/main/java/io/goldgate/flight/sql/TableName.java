package io.goldgate.flight.sql;

import java.util.List;
import java.util.Locale;

/**
 * A table as a query names it: one to three parts. Only three-part names ({@code
 * share.schema.table}) can name a shared table; shorter ones may name a CTE.
 */
public record TableName(List<String> parts) {

  public TableName {
    parts = List.copyOf(parts);
  }

  public boolean qualified() {
    return parts.size() == 3;
  }

  public String share() {
    return parts.get(0);
  }

  public String schema() {
    return parts.get(1);
  }

  public String table() {
    return parts.get(2);
  }

  /** The last part, lower-cased: how DuckDB compares unquoted and quoted names alike. */
  String lastLower() {
    return parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return String.join(".", parts);
  }
}
