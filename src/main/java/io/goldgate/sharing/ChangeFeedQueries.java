package io.goldgate.sharing;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.access.RowRestriction;
import io.goldgate.catalog.SharedTable;
import io.goldgate.lake.DataChanges;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.LogChange;
import io.goldgate.lake.TableRef;
import io.goldgate.lake.TableSnapshot;
import io.goldgate.lake.VersionSpec;
import io.goldgate.sharing.model.Actions;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import java.util.function.Predicate;

/**
 * The change data feed of a table ({@code GET .../changes}): for each version in the range, the
 * {@code _change_data} files the writer recorded, or else the files it added and removed, which
 * clients read as inserts and deletes, exactly as Delta's own change data feed does.
 */
@ApplicationScoped
public class ChangeFeedQueries {

  static final String CDF_ENABLED = "delta.enableChangeDataFeed";

  private final ShareDirectory directory;
  private final DeltaLake lake;
  private final TableQueries tables;

  public ChangeFeedQueries(ShareDirectory directory, DeltaLake lake, TableQueries tables) {
    this.directory = directory;
    this.lake = lake;
    this.tables = tables;
  }

  /** The parameters of the changes call, as strings straight from the query string. */
  public record Range(String startingVersion, String startingTimestamp, String endingVersion, String endingTimestamp, boolean includeHistoricalMetadata) {}

  public TableResponse changes(
      Recipient recipient, String share, String schema, String table, Range range, Capabilities capabilities, String fileIdHash, URI requestBase) {
    SharedTable t = directory.table(recipient, share, schema, table);
    RowRestriction restriction = t.restrictionFor(recipient);
    if (!t.historyShared()) {
      throw GoldgateException.invalid("Table " + t.qualifiedName() + " is shared without history, so its change data feed cannot be read");
    }
    TableRef ref = t.ref();
    long[] bounds = lake.resolve(ref, new VersionSpec.Range(startOf(range), endOf(range)));
    long start = bounds[0];
    long end = bounds[1];
    TableSnapshot first = lake.at(ref, start);
    requireChangeFeed(t, first.metadata(), start);
    Predicate<DataFile> visible = restriction.admits(first);
    ResponseFormat format = tables.chooseFormat(t, lake.at(ref, end), capabilities);
    String idScheme = FileUrls.fileIdScheme(fileIdHash, format);
    List<LogChange> changes = DataChanges.rowChanges(lake.changes(ref, start, end));
    for (LogChange change : changes) {
      if (change instanceof LogChange.MetadataChanged m) {
        requireChangeFeed(t, m.metadata(), m.version());
      }
    }
    boolean endStream = capabilities.includeEndStreamAction();
    ActionLines lines = tables.lines(format, idScheme, t, requestBase, recipient);
    return new TableResponse(
        start,
        format,
        endStream,
        fileIdHash == null ? null : idScheme,
        sink -> {
          // The starting version's protocol and metadata, with that version: clients rebuild a log
          // from it, then apply each later metadata line (includeHistoricalMetadata).
          sink.line(lines.protocol(first.protocol()));
          sink.line(lines.metadata(first.metadata(), start, null, null));
          for (LogChange change : changes) {
            switch (change) {
              case LogChange.ChangeDataAdded c when visible.test(c.file()) -> sink.line(lines.cdf(c.file(), c.version(), c.timestamp()));
              case LogChange.Added a when visible.test(a.file()) -> sink.line(lines.add(a.file(), a.version(), a.timestamp()));
              case LogChange.Removed r when visible.test(r.file()) -> sink.line(lines.remove(r.file(), r.version(), r.timestamp()));
              case LogChange.MetadataChanged m when range.includeHistoricalMetadata() && m.version() > start ->
                  sink.line(lines.metadata(m.metadata(), m.version(), null, null));
              default -> {}
            }
          }
          if (endStream) {
            sink.line(new Actions.EndStreamLine(new Actions.EndStreamAction(null, null, changes.isEmpty() ? null : lines.expiresAt(), null)));
          }
        });
  }

  private static VersionSpec startOf(Range range) {
    if (range.startingVersion() != null && range.startingTimestamp() != null) {
      throw GoldgateException.invalid("Only one of startingVersion and startingTimestamp may be set");
    }
    if (range.startingVersion() != null) {
      long v = TableQueries.parseVersion("startingVersion", range.startingVersion());
      if (v < 0) throw GoldgateException.invalid("startingVersion must be >= 0, got " + v);
      return new VersionSpec.At(v);
    }
    if (range.startingTimestamp() != null) {
      return new VersionSpec.AsOf(VersionSpec.parseTimestamp("startingTimestamp", range.startingTimestamp()));
    }
    throw GoldgateException.invalid("The change data feed needs startingVersion or startingTimestamp");
  }

  private static VersionSpec endOf(Range range) {
    if (range.endingVersion() != null && range.endingTimestamp() != null) {
      throw GoldgateException.invalid("Only one of endingVersion and endingTimestamp may be set");
    }
    if (range.endingVersion() != null) {
      long v = TableQueries.parseVersion("endingVersion", range.endingVersion());
      if (v < 0) throw GoldgateException.invalid("endingVersion must be >= 0, got " + v);
      return new VersionSpec.At(v);
    }
    if (range.endingTimestamp() != null) {
      return new VersionSpec.AsOf(VersionSpec.parseTimestamp("endingTimestamp", range.endingTimestamp()));
    }
    return VersionSpec.LATEST;
  }

  private static void requireChangeFeed(SharedTable t, TableSnapshot.Metadata metadata, long version) {
    if (!"true".equalsIgnoreCase(metadata.configuration().get(CDF_ENABLED))) {
      throw GoldgateException.invalid(
          "Table " + t.qualifiedName() + " does not record its change data feed at version " + version + " (" + CDF_ENABLED + " is not true)");
    }
  }
}
