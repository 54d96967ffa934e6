package io.goldgate.catalog;

import java.nio.file.Path;

/**
 * A Delta table as published in one share and schema.
 *
 * @param root absolute, normalized directory of the table (the parent of {@code _delta_log})
 */
public record SharedTable(
    String share,
    String shareId,
    String schema,
    String name,
    String id,
    Path root,
    boolean historyShared,
    String comment) {

  /** {@code share.schema.table}, the name a person reads in logs and errors. */
  public String qualifiedName() {
    return share + "." + schema + "." + name;
  }
}
