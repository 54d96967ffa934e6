package io.goldgate.lake;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.exceptions.UnsupportedProtocolVersionException;
import io.delta.kernel.exceptions.UnsupportedTableFeatureException;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.internal.TableImpl;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.goldgate.BoundedCache;
import io.goldgate.GoldgateException;
import io.goldgate.GoldgateException.Kind;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.storage.Storage;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Reads Delta tables through Delta Kernel and keeps recently used snapshots (with their file lists)
 * so that repeated queries of the same version never replay the log again.
 */
@ApplicationScoped
public class DeltaLake {

  private static final Logger LOG = Logger.getLogger(DeltaLake.class);

  private final Storage storage;
  private final Engine engine;
  private final Map<String, Long> lastKnownVersion = new ConcurrentHashMap<>();
  /**
   * Snapshots by table and version. Which versions is the requests' choice (time travel), so the
   * cache is bounded in bytes as well as in entries; a snapshot is weighed again once its file
   * list is loaded.
   */
  private final BoundedCache<SnapshotKey, TableSnapshot> cache;
  /** Parsed commits by table and version, for change queries; bounded in bytes too. */
  private final BoundedCache<SnapshotKey, List<LogChange>> changeCache;

  private record SnapshotKey(String location, long version) {}

  public DeltaLake(GoldgateConfig config, Storage storage) {
    this.storage = storage;
    this.engine = new LakeEngine(storage.fileIO());
    this.changeCache =
        BoundedCache.weighed(config.lake().changeCacheVersions(), config.lake().changeCacheMemory().asLongValue(), (key, changes) -> changesHeapBytes(changes));
    this.cache = BoundedCache.weighed(config.lake().snapshotCacheSize(), config.lake().snapshotCacheMemory().asLongValue(), (key, snapshot) -> snapshot.heapBytes());
  }

  /**
   * The newest committed version. Warm calls only check that the last version seen still exists
   * and whether the next ones appeared: two existence checks instead of a log listing.
   */
  public long latestVersion(TableRef table) {
    String log = table.location().resolve("_delta_log");
    String key = table.location().uri();
    try {
      Long known = lastKnownVersion.get(key);
      if (known != null && storage.exists(commitFile(log, known))) {
        long v = known;
        while (storage.exists(commitFile(log, v + 1))) {
          v++;
        }
        lastKnownVersion.put(key, v);
        return v;
      }
      long latest = listLatestVersion(table, log);
      lastKnownVersion.put(key, latest);
      return latest;
    } catch (IOException e) {
      throw new GoldgateException(Kind.DATA_ERROR, "Table " + table.displayName() + " is not available: its Delta log cannot be read", e);
    }
  }

  private long listLatestVersion(TableRef table, String log) throws IOException {
    long max = -1;
    try (CloseableIterator<FileStatus> files = storage.fileIO().listFrom(log + "/" + "0".repeat(20))) {
      while (files.hasNext()) {
        String path = files.next().getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.length() >= 25 && name.charAt(20) == '.' && isDigits(name, 20)
            && (name.endsWith(".json") && name.length() == 25 || name.contains(".checkpoint"))) {
          max = Math.max(max, Long.parseLong(name.substring(0, 20)));
        }
      }
    } catch (FileNotFoundException e) {
      throw new GoldgateException(Kind.DATA_ERROR, "Table " + table.displayName() + " is not available: no Delta log at its location");
    }
    if (max < 0) {
      throw new GoldgateException(Kind.DATA_ERROR, "Table " + table.displayName() + " is not available: its Delta log has no commits");
    }
    return max;
  }

  private static boolean isDigits(String s, int n) {
    for (int i = 0; i < n; i++) {
      if (!Character.isDigit(s.charAt(i))) return false;
    }
    return true;
  }

  static String commitFile(String log, long version) {
    return log + "/" + String.format("%020d.json", version);
  }

  public TableSnapshot latest(TableRef table) {
    return at(table, latestVersion(table));
  }

  /** The snapshot at an exact version, from the cache when possible. */
  public TableSnapshot at(TableRef table, long version) {
    if (version < 0) {
      throw GoldgateException.invalid("Version must be >= 0, got " + version);
    }
    SnapshotKey key = new SnapshotKey(table.location().uri(), version);
    TableSnapshot cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    long latest = latestVersion(table);
    if (version > latest) {
      throw GoldgateException.invalid("Version " + version + " of " + table.displayName() + " does not exist: the latest version is " + latest);
    }
    TableSnapshot loaded =
        kernelCall(table, "load version " + version, () -> toSnapshot(table, kernelTable(table).getSnapshotAsOfVersion(engine, version)));
    loaded.whenFilesLoaded(() -> cache.put(key, loaded));
    cache.put(key, loaded);
    return loaded;
  }

  /** What the cache counts for a snapshot, -1 when it is not cached (for tests). */
  long cachedBytes(TableRef table, long version) {
    return cache.bytesOf(new SnapshotKey(table.location().uri(), version));
  }

  private static long changesHeapBytes(List<LogChange> changes) {
    long bytes = 64;
    for (LogChange change : changes) {
      bytes += switch (change) {
        case LogChange.Added a -> 64 + a.file().heapBytes();
        case LogChange.Removed r -> 64 + r.file().heapBytes();
        case LogChange.ChangeDataAdded c -> 64 + c.file().heapBytes();
        case LogChange.MetadataChanged m -> 4096 + 2L * m.metadata().schemaString().length();
      };
    }
    return bytes;
  }

  /** The latest version committed at or before {@code timestamp}. */
  public TableSnapshot asOf(TableRef table, Instant timestamp) {
    return at(table, versionAsOf(table, timestamp));
  }

  /** The earliest version committed at or after {@code timestamp}. */
  public long versionAtOrAfter(TableRef table, Instant timestamp) {
    return kernelCall(table, "find the version at or after " + timestamp, () -> {
      TableImpl kernel = (TableImpl) kernelTable(table);
      return kernel.getVersionAtOrAfterTimestamp(engine, timestamp.toEpochMilli());
    });
  }

  /**
   * The add, remove and metadata actions of each commit from {@code start} to {@code end}
   * (inclusive), in commit order.
   */
  public List<LogChange> changes(TableRef table, long start, long end) {
    // Commits never change once written, so each version is parsed once and then served from the
    // cache; only the versions not seen yet are read, in contiguous runs.
    List<LogChange> all = new ArrayList<>();
    long v = start;
    while (v <= end) {
      List<LogChange> cached = changeCache.get(new SnapshotKey(table.location().uri(), v));
      if (cached != null) {
        all.addAll(cached);
        v++;
        continue;
      }
      long runEnd = v;
      while (runEnd < end && !changeCache.containsKey(new SnapshotKey(table.location().uri(), runEnd + 1))) {
        runEnd++;
      }
      long from = v;
      long to = runEnd;
      List<LogChange> read = kernelCall(table, "read versions " + from + " to " + to, () -> readChanges(table, from, to));
      Map<Long, List<LogChange>> byVersion = new HashMap<>();
      for (long x = from; x <= to; x++) {
        byVersion.put(x, new ArrayList<>());
      }
      read.forEach(c -> byVersion.get(c.version()).add(c));
      byVersion.forEach((version, changes) -> changeCache.put(new SnapshotKey(table.location().uri(), version), List.copyOf(changes)));
      all.addAll(read);
      v = to + 1;
    }
    return all;
  }

  private List<LogChange> readChanges(TableRef table, long start, long end) {
    TableImpl kernel = (TableImpl) kernelTable(table);
    var actions =
        java.util.Set.of(
            io.delta.kernel.internal.DeltaLogActionUtils.DeltaAction.ADD,
            io.delta.kernel.internal.DeltaLogActionUtils.DeltaAction.REMOVE,
            io.delta.kernel.internal.DeltaLogActionUtils.DeltaAction.METADATA,
            io.delta.kernel.internal.DeltaLogActionUtils.DeltaAction.CDC);
    List<LogChange> changes = new ArrayList<>();
    PartitionMaps partitions = new PartitionMaps();
    try (CloseableIterator<ColumnarBatch> batches = kernel.getChanges(engine, start, end, actions)) {
      while (batches.hasNext()) {
        ColumnarBatch batch = batches.next();
        StructType schema = batch.getSchema();
        ColumnVector versions = batch.getColumnVector(schema.indexOf("version"));
        ColumnVector timestamps = batch.getColumnVector(schema.indexOf("timestamp"));
        ColumnVector add = batch.getColumnVector(schema.indexOf("add"));
        ColumnVector remove = batch.getColumnVector(schema.indexOf("remove"));
        ColumnVector metadata = batch.getColumnVector(schema.indexOf("metaData"));
        ColumnVector cdc = batch.getColumnVector(schema.indexOf("cdc"));
        StructType cdcType = (StructType) schema.get("cdc").getDataType();
        StructType addType = (StructType) schema.get("add").getDataType();
        StructType removeType = (StructType) schema.get("remove").getDataType();
        for (int row = 0; row < batch.getSize(); row++) {
          long version = versions.getLong(row);
          long timestamp = timestamps.getLong(row);
          if (!add.isNullAt(row)) {
            DataFile file = fileOf(add, addType, row, partitions);
            changes.add(new LogChange.Added(version, timestamp, file, file.dataChange()));
          } else if (!remove.isNullAt(row)) {
            DataFile file = fileOf(remove, removeType, row, partitions);
            changes.add(new LogChange.Removed(version, timestamp, file, file.dataChange()));
          } else if (!cdc.isNullAt(row)) {
            changes.add(new LogChange.ChangeDataAdded(version, timestamp, fileOf(cdc, cdcType, row, partitions)));
          } else if (!metadata.isNullAt(row)) {
            var m = io.delta.kernel.internal.actions.Metadata.fromColumnVector(metadata, row);
            changes.add(
                new LogChange.MetadataChanged(
                    version,
                    timestamp,
                    new TableSnapshot.Metadata(
                        m.getId(),
                        m.getName().orElse(null),
                        m.getDescription().orElse(null),
                        m.getSchemaString(),
                        partitionColumns(m),
                        Map.copyOf(m.getConfiguration()),
                        m.getCreatedTime().orElse(null))));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return changes;
  }

  private static List<String> partitionColumns(io.delta.kernel.internal.actions.Metadata m) {
    var array = m.getPartitionColumns();
    List<String> names = new ArrayList<>(array.getSize());
    for (int i = 0; i < array.getSize(); i++) {
      names.add(array.getElements().getString(i));
    }
    return List.copyOf(names);
  }

  private static boolean bool(ColumnVector struct, StructType type, String field, int row) {
    ColumnVector v = optionalChild(struct, type, field);
    return v != null && !v.isNullAt(row) && v.getBoolean(row);
  }

  private static DataFile fileOf(ColumnVector struct, StructType type, int row, PartitionMaps partitions) {
    ColumnVector size = struct.getChild(type.indexOf("size"));
    int modOrdinal = type.indexOf("modificationTime");
    ColumnVector mod = modOrdinal < 0 ? null : struct.getChild(modOrdinal);
    ColumnVector pv = struct.getChild(type.indexOf("partitionValues"));
    ColumnVector stats = optionalChild(struct, type, "stats");
    ColumnVector dv = optionalChild(struct, type, "deletionVector");
    return new DataFile(
        struct.getChild(type.indexOf("path")).getString(row),
        size.isNullAt(row) ? 0 : size.getLong(row),
        mod == null || mod.isNullAt(row) ? 0 : mod.getLong(row),
        partitions.of(pv.isNullAt(row) ? null : pv.getMap(row)),
        stats == null || stats.isNullAt(row) ? null : stats.getString(row),
        bool(struct, type, "dataChange", row),
        dv == null || dv.isNullAt(row) ? null : deletionVector(dv, row));
  }

  private static DeletionVector deletionVector(ColumnVector dv, int row) {
    // Children in DeletionVectorDescriptor.READ_SCHEMA order.
    ColumnVector offset = dv.getChild(2);
    return new DeletionVector(
        dv.getChild(0).getString(row),
        dv.getChild(1).getString(row),
        offset.isNullAt(row) ? null : offset.getInt(row),
        dv.getChild(3).getInt(row),
        dv.getChild(4).getLong(row));
  }

  /** CDC actions have no stats or deletion vector; add and remove actions do. */
  private static ColumnVector optionalChild(ColumnVector struct, StructType type, String field) {
    int ordinal = type.indexOf(field);
    return ordinal < 0 ? null : struct.getChild(ordinal);
  }

  /** The latest version committed at or before {@code timestamp}, as a number. */
  public long versionAsOf(TableRef table, Instant timestamp) {
    return kernelCall(table, "find the version as of " + timestamp, () -> {
      TableImpl kernel = (TableImpl) kernelTable(table);
      return kernel.getVersionBeforeOrAtTimestamp(engine, timestamp.toEpochMilli());
    });
  }

  /**
   * One commit as a table's history shows it.
   *
   * @param timestamp commit time in epoch milliseconds, as time travel compares it (the in-commit
   *     timestamp where the table has them, else the commit file's modification time)
   * @param operation what its {@code commitInfo} names ({@code WRITE}, {@code DELETE}, {@code
   *     MERGE}, ...); null when the commit has no {@code commitInfo} or it names none
   */
  public record Commit(long version, long timestamp, String operation) {}

  /**
   * The newest commits, newest first, at most {@code max}. Only commit files still in the log
   * count (a log cleaned up after a checkpoint starts later), and of them only the {@code
   * commitInfo} action is kept, so the cost is reading at most {@code max} commit files.
   */
  public List<Commit> history(TableRef table, int max) {
    long latest = latestVersion(table);
    if (max <= 0) {
      return List.of();
    }
    long first = Math.max(0, latest - max + 1);
    long start = firstOfContiguousCommits(table, first, latest);
    if (start < 0) {
      return List.of();
    }
    return kernelCall(table, "read the history from version " + start, () -> readHistory(table, start, latest));
  }

  /** The lowest version v in [first, latest] whose commit files v..latest all exist; -1 when latest's is missing. */
  private long firstOfContiguousCommits(TableRef table, long first, long latest) {
    String log = table.location().resolve("_delta_log");
    java.util.Set<Long> present = new java.util.HashSet<>();
    try (CloseableIterator<FileStatus> files = storage.fileIO().listFrom(log + "/" + String.format("%020d", first))) {
      while (files.hasNext()) {
        String path = files.next().getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.length() == 25 && name.endsWith(".json") && isDigits(name, 20)) {
          long v = Long.parseLong(name.substring(0, 20));
          if (v >= first && v <= latest) present.add(v);
        }
      }
    } catch (FileNotFoundException e) {
      throw new GoldgateException(Kind.DATA_ERROR, "Table " + table.displayName() + " is not available: no Delta log at its location");
    } catch (IOException e) {
      throw new GoldgateException(Kind.DATA_ERROR, "Table " + table.displayName() + " is not available: its Delta log cannot be read", e);
    }
    long v = latest;
    while (v >= first && present.contains(v)) {
      v--;
    }
    return v == latest ? -1 : v + 1;
  }

  private List<Commit> readHistory(TableRef table, long start, long end) {
    TableImpl kernel = (TableImpl) kernelTable(table);
    Map<Long, Long> timestamps = new HashMap<>();
    Map<Long, String> operations = new HashMap<>();
    var actions = java.util.Set.of(io.delta.kernel.internal.DeltaLogActionUtils.DeltaAction.COMMITINFO);
    try (CloseableIterator<ColumnarBatch> batches = kernel.getChanges(engine, start, end, actions)) {
      while (batches.hasNext()) {
        ColumnarBatch batch = batches.next();
        StructType schema = batch.getSchema();
        ColumnVector versions = batch.getColumnVector(schema.indexOf("version"));
        ColumnVector times = batch.getColumnVector(schema.indexOf("timestamp"));
        ColumnVector commitInfo = batch.getColumnVector(schema.indexOf("commitInfo"));
        ColumnVector operation = optionalChild(commitInfo, (StructType) schema.get("commitInfo").getDataType(), "operation");
        for (int row = 0; row < batch.getSize(); row++) {
          long version = versions.getLong(row);
          timestamps.putIfAbsent(version, times.getLong(row));
          if (!commitInfo.isNullAt(row) && operation != null && !operation.isNullAt(row)) {
            operations.putIfAbsent(version, operation.getString(row));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Commit> commits = new ArrayList<>();
    for (long v = end; v >= start; v--) {
      Long timestamp = timestamps.get(v);
      if (timestamp != null) {
        commits.add(new Commit(v, timestamp, operations.get(v)));
      }
    }
    return commits;
  }

  /** Commit time of one version, in epoch milliseconds. */
  public long commitTimestamp(TableRef table, long version) {
    return at(table, version).timestamp();
  }

  /** Raw Kernel access for readers that need more than the file list (Flight, CDF). */
  /**
   * The first and last version of a change read, both included.
   *
   * @throws GoldgateException INVALID_ARGUMENT when the range starts after the latest version or
   *     ends before it starts
   */
  public long[] resolve(TableRef table, VersionSpec.Range range) {
    long latest = latestVersion(table);
    long start =
        switch (range.from()) {
          case VersionSpec.At at -> at.version();
          case VersionSpec.AsOf asOf -> versionAtOrAfter(table, asOf.timestamp());
          default -> throw new IllegalStateException("unreachable: " + range);
        };
    if (start > latest) {
      throw GoldgateException.invalid("The change data feed starts at version " + start + ", after the latest version " + latest + " of " + table.displayName());
    }
    long end =
        switch (range.to()) {
          case VersionSpec.At at -> Math.min(at.version(), latest);
          case VersionSpec.AsOf asOf -> versionAsOf(table, asOf.timestamp());
          default -> latest;
        };
    if (end < start) {
      throw GoldgateException.invalid("The change data feed range ends (version " + end + ") before it starts (version " + start + ")");
    }
    return new long[] {start, end};
  }

  /** Access to the files of tables, for readers that read data files themselves. */
  public Storage storage() {
    return storage;
  }

  public Engine engine() {
    return engine;
  }

  Table kernelTable(TableRef table) {
    return Table.forPath(engine, table.location().uri());
  }

  private TableSnapshot toSnapshot(TableRef table, Snapshot snapshot) {
    SnapshotImpl impl = (SnapshotImpl) snapshot;
    io.delta.kernel.internal.actions.Metadata m = impl.getMetadata();
    io.delta.kernel.internal.actions.Protocol p = impl.getProtocol();
    var metadata =
        new TableSnapshot.Metadata(
            m.getId(),
            m.getName().orElse(null),
            m.getDescription().orElse(null),
            m.getSchemaString(),
            List.copyOf(snapshot.getPartitionColumnNames()),
            Map.copyOf(m.getConfiguration()),
            m.getCreatedTime().orElse(null));
    var protocol =
        new TableSnapshot.Protocol(
            p.getMinReaderVersion(), p.getMinWriterVersion(), copyOf(p.getReaderFeatures()), copyOf(p.getWriterFeatures()));
    long timestamp = snapshot.getTimestamp(engine);
    Supplier<List<DataFile>> files = () -> kernelCall(table, "list the files of version " + snapshot.getVersion(), () -> listFiles(snapshot));
    return new TableSnapshot(snapshot.getVersion(), timestamp, metadata, protocol, snapshot, files);
  }

  private static java.util.Set<String> copyOf(java.util.Set<String> s) {
    return s == null ? java.util.Set.of() : java.util.Set.copyOf(s);
  }

  private List<DataFile> listFiles(Snapshot snapshot) {
    long started = System.nanoTime();
    Scan scan = snapshot.getScanBuilder().build();
    List<DataFile> files = new ArrayList<>();
    PartitionMaps partitions = new PartitionMaps();
    try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine, true)) {
      while (batches.hasNext()) {
        FilteredColumnarBatch filtered = batches.next();
        ColumnarBatch batch = filtered.getData();
        Optional<ColumnVector> selection = filtered.getSelectionVector();
        int addOrdinal = batch.getSchema().indexOf("add");
        StructType addType = (StructType) batch.getSchema().at(addOrdinal).getDataType();
        ColumnVector add = batch.getColumnVector(addOrdinal);
        for (int row = 0; row < batch.getSize(); row++) {
          if (selection.isPresent() && (selection.get().isNullAt(row) || !selection.get().getBoolean(row))) {
            continue;
          }
          if (!add.isNullAt(row)) {
            files.add(fileOf(add, addType, row, partitions));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LOG.debugf("Listed %d files of %s version %d in %d ms", files.size(), snapshot.getPath(), snapshot.getVersion(), (System.nanoTime() - started) / 1_000_000);
    return files;
  }


  /**
   * Runs a Kernel call and turns its failures into errors a caller can act on. Kernel messages
   * carry file paths, so they are logged here and replaced by a message without them.
   */
  <T> T kernelCall(TableRef table, String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (GoldgateException e) {
      throw e;
    } catch (RuntimeException e) {
      CommitValidation.DamagedCommit damaged = damagedCommit(e);
      if (damaged == null) {
        throw kernelFailure(table, what, e);
      }
      LOG.warnf("Table %s is damaged: %s", table.displayName(), damaged.getMessage());
      throw new GoldgateException(
          Kind.DATA_ERROR,
          "Table " + table.displayName() + " is damaged: its Delta log commit " + damaged.version + " has a line that is not a valid Delta log entry (line "
              + damaged.line + "); the table is not served until the commit is repaired");
    }
  }

  /** The damaged commit behind a Kernel failure (Kernel wraps what the engine throws), or null. */
  private static CommitValidation.DamagedCommit damagedCommit(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CommitValidation.DamagedCommit damaged) {
        return damaged;
      }
    }
    return null;
  }

  private static GoldgateException kernelFailure(TableRef table, String what, RuntimeException e) {
    if (e instanceof TableNotFoundException) {
      return new GoldgateException(Kind.DATA_ERROR, "Table " + table.displayName() + " is not available: no Delta table at its location", e);
    }
    if (e instanceof io.delta.kernel.exceptions.InvalidTableException) {
      LOG.warnf("Table %s is invalid: %s", table.displayName(), e.getMessage());
      return new GoldgateException(Kind.DATA_ERROR, "Cannot " + what + " of " + table.displayName() + ": its Delta log is invalid", e);
    }
    if (e instanceof UnsupportedTableFeatureException || e instanceof UnsupportedProtocolVersionException) {
      return new GoldgateException(Kind.UNSUPPORTED, "Table " + table.displayName() + " uses Delta features this gateway cannot read: " + redact(e.getMessage(), table), e);
    }
    if (e instanceof KernelException) {
      LOG.infof("Kernel refused to %s of %s: %s", what, table.displayName(), e.getMessage());
      return GoldgateException.invalid("Cannot " + what + " of " + table.displayName() + ": " + redact(e.getMessage(), table));
    }
    // Logged once, with its cause, where the error becomes a response.
    return new GoldgateException(Kind.DATA_ERROR, "Cannot " + what + " of " + table.displayName() + ": its Delta log or data files are damaged or unreadable", e);
  }

  /** Strips the table's location out of a Kernel message. */
  static String redact(String message, TableRef table) {
    if (message == null) {
      return "";
    }
    String uri = table.location().uri();
    String redacted = message.replace(uri, "<table>");
    if (table.location().isLocal()) {
      redacted = redacted.replace(table.location().localRoot().toString(), "<table>");
    }
    return redacted.replaceAll("(file|s3a?|abfss?|wasbs?|gs):/\\S*", "<file>");
  }
}
