package io.goldgate.catalog;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.VersionSpec;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one rule of which shared tables a recipient may read, and which version a read of one pins,
 * for every face. A share or table the recipient is not granted answers exactly like one that does
 * not exist.
 */
@ApplicationScoped
public class SharedTables {

  private final CatalogHolder catalog;
  private final DeltaLake lake;

  public SharedTables(CatalogHolder catalog, DeltaLake lake) {
    this.catalog = catalog;
    this.lake = lake;
  }

  /** @throws GoldgateException NOT_FOUND when the share does not exist or is not granted */
  public Share readableShare(Recipient recipient, String name) {
    return catalog.catalog()
        .share(name)
        .filter(s -> recipient.mayRead(s.name()))
        .orElseThrow(() -> GoldgateException.notFound("Share '" + name + "' does not exist or is not shared with you"));
  }

  /** @throws GoldgateException NOT_FOUND when the table does not exist or its share is not granted */
  public SharedTable readable(Recipient recipient, String share, String schema, String table) {
    Share s = readableShare(recipient, share);
    return catalog.catalog()
        .table(s.name(), schema, table)
        .orElseThrow(() -> GoldgateException.notFound("Table '" + share + "." + schema + "." + table + "' does not exist or is not shared with you"));
  }

  /**
   * The version a read of {@code table} pins. An exact version or a time needs the table to be
   * shared with its history.
   */
  public long pinnedVersion(SharedTable table, VersionSpec spec) {
    return switch (spec) {
      case VersionSpec.Latest latest -> lake.latestVersion(table.ref());
      case VersionSpec.At at -> {
        table.requireHistory("version");
        yield at.version();
      }
      case VersionSpec.AsOf asOf -> {
        table.requireHistory("timestamp");
        yield lake.versionAsOf(table.ref(), asOf.timestamp());
      }
      case VersionSpec.Range range -> throw new IllegalArgumentException("A range pins no single version: " + range);
    };
  }
}
