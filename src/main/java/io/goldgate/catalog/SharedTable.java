package io.goldgate.catalog;

import io.goldgate.storage.TableLocation;

/**
 * A Delta table as published in one share and schema.
 *
 * @param location where the table lives (the parent of {@code _delta_log})
 */
public record SharedTable(
    String share,
    String shareId,
    String schema,
    String name,
    String id,
    TableLocation location,
    boolean historyShared,
    String comment) {

  /** {@code share.schema.table}, the name a person reads in logs and errors. */
  public String qualifiedName() {
    return share + "." + schema + "." + name;
  }
}
