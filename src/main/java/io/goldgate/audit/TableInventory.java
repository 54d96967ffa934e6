package io.goldgate.audit;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.access.RecipientStore;
import io.goldgate.access.StoredRecipient;
import io.goldgate.audit.model.TableDetail;
import io.goldgate.audit.model.TableEntry;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.Share;
import io.goldgate.catalog.SharedTable;
import io.goldgate.catalog.TableReaders;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.TableRef;
import io.goldgate.lake.TableSnapshot;
import io.goldgate.storage.TableLocation;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Lineage of the gateway's tables: each Delta table (one location, however many names it is
 * shared under) with its shared names, the recipients they reach, Flight exposure, the feature
 * views reading it, its latest version and size, and its last access; and one shared table in
 * detail, with its schema and recent history.
 */
@ApplicationScoped
public class TableInventory {

  private final CatalogHolder catalog;
  private final TableReaders readers;
  private final DeltaLake lake;
  private final AuditLog audit;
  private final RecipientStore store;
  private final boolean flightEnabled;

  public TableInventory(CatalogHolder catalog, TableReaders readers, DeltaLake lake, AuditLog audit, RecipientStore store, GoldgateConfig config) {
    this.catalog = catalog;
    this.readers = readers;
    this.lake = lake;
    this.audit = audit;
    this.store = store;
    this.flightEnabled = config.flight().enabled();
  }

  private static final class Builder {
    final TableLocation location;
    String displayName;
    final List<SharedTable> shared = new ArrayList<>();
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
        byLocation.computeIfAbsent(table.location().uri(), k -> new Builder(table.location(), table.qualifiedName())).shared.add(table);
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
    List<Recipient> recipients = recipients();
    List<TableEntry> entries = new ArrayList<>();
    for (Builder b : byLocation.values()) {
      TableRef ref = new TableRef(b.location, b.displayName);
      Long version = null;
      String error = null;
      try {
        version = lake.latestVersion(ref);
      } catch (RuntimeException e) {
        error = e.getMessage();
      }
      Long size = null;
      if (version != null) {
        try {
          size = lake.at(ref, version).sizeInBytes();
        } catch (RuntimeException e) {
          // The version is known; the size stays absent (a damaged log shows in the table's queries).
        }
      }
      Instant last = null;
      for (SharedTable t : b.shared) {
        Instant time = lastAccess.get(t.qualifiedName());
        if (time != null && (last == null || time.isAfter(last))) last = time;
      }
      List<String> shares = b.shared.stream().map(SharedTable::qualifiedName).sorted().toList();
      entries.add(
          new TableEntry(b.location.uri(), shares, flightEnabled && !shares.isEmpty(), b.views.stream().sorted().toList(),
              b.readers.isEmpty() ? null : b.readers, reaching(recipients, b.shared), version, size, error, last));
    }
    return entries;
  }

  /**
   * One shared table in detail.
   *
   * @throws GoldgateException NOT_FOUND when no share publishes that name
   */
  public TableDetail table(String shareName, String schemaName, String tableName) {
    SharedTable table = catalog.catalog().table(shareName, schemaName, tableName)
        .orElseThrow(() -> GoldgateException.notFound("No table " + shareName + "." + schemaName + "." + tableName + " in the share catalog"));
    TableRef ref = table.ref();
    List<String> views = new ArrayList<>();
    for (TableReaders.Reader reader : readers.readers()) {
      if (reader.table().location().uri().equals(table.location().uri())) views.add(reader.name());
    }
    Long version = null;
    Long size = null;
    Long files = null;
    List<TableDetail.Column> columns = null;
    List<String> partitionColumns = null;
    List<TableDetail.Commit> history = null;
    String error = null;
    try {
      TableSnapshot snapshot = lake.latest(ref);
      version = snapshot.version();
      columns = snapshot.columns().fields().stream().map(f -> new TableDetail.Column(f.name(), f.type(), f.nullable())).toList();
      partitionColumns = snapshot.metadata().partitionColumns();
      files = (long) snapshot.files().size();
      size = snapshot.sizeInBytes();
      history = lake.history(ref, TableDetail.MAX_HISTORY).stream()
          .map(c -> new TableDetail.Commit(c.version(), Instant.ofEpochMilli(c.timestamp()), c.operation())).toList();
    } catch (GoldgateException e) {
      error = e.getMessage();
    } catch (RuntimeException e) {
      error = "Table " + table.qualifiedName() + " cannot be read";
    }
    return new TableDetail(table.share(), table.schema(), table.name(), table.location().uri(), version, size, files,
        audit.lastAccess().get(table.qualifiedName()), columns, partitionColumns, history, reaching(recipients(), List.of(table)),
        views.stream().sorted().toList(), error);
  }

  /** The recipients in effect: declared ones, and those created through the API that none shadows. */
  private List<Recipient> recipients() {
    List<Recipient> all = new ArrayList<>(catalog.declared());
    store.list().stream().filter(r -> !catalog.shadows(r.name())).map(StoredRecipient::toRecipient).forEach(all::add);
    return all;
  }

  /** The names of the recipients granted the share of one of {@code tables}, sorted. */
  private static List<String> reaching(List<Recipient> recipients, List<SharedTable> tables) {
    TreeSet<String> names = new TreeSet<>();
    for (Recipient r : recipients) {
      if (tables.stream().anyMatch(t -> r.mayRead(t.share()))) names.add(r.name());
    }
    return List.copyOf(names);
  }
}
