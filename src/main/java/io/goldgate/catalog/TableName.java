package io.goldgate.catalog;

/** The name a shared table is published under: {@code share.schema.table}. */
public record TableName(String share, String schema, String table) {

  public static TableName of(SharedTable table) {
    return new TableName(table.share(), table.schema(), table.name());
  }

  @Override
  public String toString() {
    return share + "." + schema + "." + table;
  }
}
