package io.goldgate.flight;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.access.RowRestriction;
import io.goldgate.arrow.ArrowSchemas;
import io.goldgate.arrow.RowFilter;
import io.goldgate.catalog.SharedTable;
import io.goldgate.catalog.SharedTables;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.TableSnapshot;
import io.goldgate.lake.VersionSpec;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.JsonPredicates;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Turns a read command into a plan: the table and version, the columns, the files that may hold
 * matching rows, and those files dealt into size-balanced splits. Planning is deterministic, so a
 * DoGet can re-plan from its ticket alone.
 */
@ApplicationScoped
public class ReadPlanner {

  /**
   * A planned read. {@code splits} holds the files of each endpoint, only files the recipient's
   * {@code restriction} admits.
   */
  public record Plan(
      SharedTable table,
      RowRestriction restriction,
      TableSnapshot snapshot,
      List<ArrowSchemas.Column> columns,
      List<ArrowSchemas.Column> allColumns,
      Filter filter,
      String predicate,
      Long limit,
      List<List<DataFile>> splits) {}

  private final SharedTables tables;
  private final DeltaLake lake;
  private final int maxEndpoints;

  public ReadPlanner(SharedTables tables, DeltaLake lake, GoldgateConfig config) {
    this.tables = tables;
    this.lake = lake;
    this.maxEndpoints = config.flight().maxEndpoints();
  }

  public Plan plan(Recipient recipient, FlightCommand command) {
    SharedTable table = tables.readable(recipient, command.share(), command.schema(), command.tableName());
    long version = tables.pinnedVersion(table, VersionSpec.of(command.version(), command.timestamp()));
    String predicate = command.predicate() == null || command.predicate().isNull() ? null : command.predicate().toString();
    return plan(table, recipient, version, command.columns(), predicate, command.limit());
  }

  /**
   * Re-plans a read for a ticket: same inputs, same splits. The row restriction is resolved from
   * the recipient making this call, never taken from the ticket.
   */
  public Plan plan(SharedTable table, Recipient recipient, long version, List<String> columns, String predicate, Long limit) {
    RowRestriction restriction = table.restrictionFor(recipient);
    TableSnapshot snapshot = lake.at(table.ref(), version);
    List<ArrowSchemas.Column> all = columns(snapshot);
    List<ArrowSchemas.Column> selected = select(all, columns);
    Filter filter = predicate == null ? null : parsePredicate(predicate);
    if (filter != null) {
      RowFilter.compile(filter, all);
    }
    // With a row filter the stats-based limit cut is unsafe: filtered files may hold fewer rows.
    Predicate<DataFile> visible = restriction.admits(snapshot);
    List<DataFile> files = snapshot.files(visible, filter, filter == null ? limit : null);
    // One endpoint when a limit is set: the limit can then be applied exactly.
    int n = limit != null ? 1 : Math.max(1, Math.min(maxEndpoints, files.size()));
    return new Plan(table, restriction, snapshot, selected, all, filter, predicate, limit, balance(files, n));
  }

  /** The table's logical columns at {@code version}, partition columns included, without planning a read. */
  public List<ArrowSchemas.Column> columns(SharedTable table, long version) {
    return columns(lake.at(table.ref(), version));
  }

  private static List<ArrowSchemas.Column> columns(TableSnapshot snapshot) {
    return ArrowSchemas.columns(snapshot.metadata().schemaString(), snapshot.metadata().partitionColumns());
  }

  private static Filter parsePredicate(String predicate) {
    try {
      return JsonPredicates.read(predicate, "The predicate");
    } catch (IllegalArgumentException e) {
      throw GoldgateException.invalid("The predicate is not a valid Delta Sharing JSON predicate: " + e.getMessage());
    }
  }

  private static List<ArrowSchemas.Column> select(List<ArrowSchemas.Column> all, List<String> names) {
    if (names == null || names.isEmpty()) {
      return all;
    }
    List<ArrowSchemas.Column> selected = new ArrayList<>();
    for (String name : names) {
      ArrowSchemas.Column column =
          all.stream().filter(c -> c.field().getName().equals(name)).findFirst()
              .or(() -> all.stream().filter(c -> c.field().getName().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))).findFirst())
              .orElseThrow(() -> GoldgateException.invalid("Unknown column '" + name + "'; the table has " + all.stream().map(c -> c.field().getName()).toList()));
      selected.add(column);
    }
    return selected;
  }

  /** Largest files first, each to the lightest split; each split then in path order. */
  static List<List<DataFile>> balance(List<DataFile> files, int n) {
    List<List<DataFile>> splits = new ArrayList<>();
    long[] load = new long[n];
    for (int i = 0; i < n; i++) {
      splits.add(new ArrayList<>());
    }
    List<DataFile> bySize = new ArrayList<>(files);
    bySize.sort(Comparator.comparingLong(DataFile::size).reversed().thenComparing(DataFile::path));
    for (DataFile file : bySize) {
      int lightest = 0;
      for (int i = 1; i < n; i++) {
        if (load[i] < load[lightest]) lightest = i;
      }
      splits.get(lightest).add(file);
      load[lightest] += file.size();
    }
    splits.forEach(s -> s.sort(Comparator.comparing(DataFile::path)));
    return splits;
  }
}
