package io.goldgate.audit;

import io.goldgate.audit.model.TableEntry;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.Share;
import io.goldgate.catalog.SharedTable;
import io.goldgate.catalog.TableReaders;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.TableRef;
import io.goldgate.storage.TableLocation;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lineage of the gateway's tables: each Delta table (one location, however many names it is
 * shared under) with its shared names, Flight exposure, the feature views reading it, its latest
 * version and its last access.
 */
@ApplicationScoped
public class TableInventory {

  private final CatalogHolder catalog;
  private final TableReaders readers;
  private final DeltaLake lake;
  private final AuditLog audit;
  private final boolean flightEnabled;

  public TableInventory(CatalogHolder catalog, TableReaders readers, DeltaLake lake, AuditLog audit, GoldgateConfig config) {
    this.catalog = catalog;
    this.readers = readers;
    this.lake = lake;
    this.audit = audit;
    this.flightEnabled = config.flight().enabled();
  }

  private static final class Builder {
    final TableLocation location;
    String displayName;
    final List<String> shares = new ArrayList<>();
    final List<String> views = new ArrayList<>();
    final Map<String, List<String>> readers = new TreeMap<>();

    Builder(TableLocation location, String displayName) {
      this.location = location;
      this.displayName = displayName;
    }
  }

  /** Every table, ordered by location. */
  public List<TableEntry> tables() {
    Map<String, Builder> byLocation = new TreeMap<>();
    for (Share share : catalog.catalog().shares()) {
      for (SharedTable table : share.allTables()) {
        byLocation.computeIfAbsent(table.location().uri(), k -> new Builder(table.location(), table.qualifiedName())).shares.add(table.qualifiedName());
      }
    }
    // Views may read tables that no share publishes (a plain location): those are listed too.
    for (TableReaders.Reader reader : readers.readers()) {
      TableRef source = reader.table();
      Builder b = byLocation.computeIfAbsent(source.location().uri(), k -> new Builder(source.location(), source.displayName()));
      b.views.add(reader.name());
      b.readers.put(reader.name(), reader.recipients());
    }
    Map<String, Instant> lastAccess = audit.lastAccess();
    List<TableEntry> entries = new ArrayList<>();
    for (Builder b : byLocation.values()) {
      Long version = null;
      String error = null;
      try {
        version = lake.latestVersion(new TableRef(b.location, b.displayName));
      } catch (RuntimeException e) {
        error = e.getMessage();
      }
      Instant last = null;
      for (String name : b.shares) {
        Instant t = lastAccess.get(name);
        if (t != null && (last == null || t.isAfter(last))) last = t;
      }
      List<String> shares = b.shares.stream().sorted().toList();
      entries.add(
          new TableEntry(b.location.uri(), shares, flightEnabled && !shares.isEmpty(), b.views.stream().sorted().toList(),
              b.readers.isEmpty() ? null : b.readers, version, error, last));
    }
    return entries;
  }
}
