package io.goldgate.catalog;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.access.RowRestriction;
import io.goldgate.lake.TableRef;
import io.goldgate.storage.TableLocation;

/**
 * A Delta table as published in one share and schema.
 *
 * @param location where the table lives (the parent of {@code _delta_log})
 * @param partitionFilter which rows each recipient may read ({@link RecipientPartitionFilter#NONE}:
 *     all)
 */
public record SharedTable(
    String share,
    String shareId,
    String schema,
    String name,
    String id,
    TableLocation location,
    boolean historyShared,
    String comment,
    RecipientPartitionFilter partitionFilter) {

  public SharedTable {
    partitionFilter = partitionFilter == null ? RecipientPartitionFilter.NONE : partitionFilter;
  }

  /** A table every recipient of its share reads whole. */
  public SharedTable(
      String share, String shareId, String schema, String name, String id, TableLocation location, boolean historyShared, String comment) {
    this(share, shareId, schema, name, id, location, historyShared, comment, RecipientPartitionFilter.NONE);
  }

  /**
   * The rows {@code recipient} may read of this table; resolve it on every data request, so a
   * change of the recipient's properties applies at once.
   *
   * @throws io.goldgate.GoldgateException PERMISSION_DENIED when the recipient lacks a property
   *     the table's filter needs
   */
  public RowRestriction restrictionFor(Recipient recipient) {
    return partitionFilter.forRecipient(recipient, qualifiedName());
  }

  /** The table for the lake, named as it is published. */
  public TableRef ref() {
    return new TableRef(location, qualifiedName());
  }

  /**
   * @throws GoldgateException INVALID_ARGUMENT when the table is shared without its history, so
   *     {@code parameter} (a version, a time) cannot be used
   */
  public void requireHistory(String parameter) {
    if (!historyShared) {
      throw GoldgateException.invalid(
          "Table " + qualifiedName() + " is shared without history, so '" + parameter + "' cannot be used: only the latest version can be read");
    }
  }

  /** {@code share.schema.table}, the name a person reads in logs and errors. */
  public String qualifiedName() {
    return share + "." + schema + "." + name;
  }
}
