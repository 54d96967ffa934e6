package io.goldgate.lake;

import io.goldgate.lake.predicate.ColumnRange;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.FilePruner;
import io.delta.kernel.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A table at one version: metadata, protocol and (loaded on first use, then kept) its file list.
 * Immutable, so one instance serves every concurrent request for that version.
 */
public final class TableSnapshot {

  /** The Delta metadata action of this version. */
  public record Metadata(
      String id,
      String name,
      String description,
      String schemaString,
      List<String> partitionColumns,
      Map<String, String> configuration,
      Long createdTime) {}

  /** The Delta protocol action of this version. */
  public record Protocol(int minReaderVersion, int minWriterVersion, Set<String> readerFeatures, Set<String> writerFeatures) {}

  private final long version;
  private final long timestamp;
  private final Metadata metadata;
  private final Protocol protocol;
  private final TableColumns columns;
  private final Snapshot kernelSnapshot;
  private final Supplier<List<DataFile>> fileLoader;
  private volatile List<DataFile> files;
  private volatile long filesHeapBytes;
  private volatile Runnable whenFilesLoaded;
  private volatile long sizeInBytes = -1;

  TableSnapshot(
      long version,
      long timestamp,
      Metadata metadata,
      Protocol protocol,
      Snapshot kernelSnapshot,
      Supplier<List<DataFile>> fileLoader) {
    this.version = version;
    this.timestamp = timestamp;
    this.metadata = metadata;
    this.protocol = protocol;
    this.columns = new TableColumns(metadata.schemaString(), metadata.partitionColumns());
    this.kernelSnapshot = kernelSnapshot;
    this.fileLoader = fileLoader;
  }

  public long version() {
    return version;
  }

  /** Commit time of this version in epoch milliseconds. */
  public long timestamp() {
    return timestamp;
  }

  public Metadata metadata() {
    return metadata;
  }

  public Protocol protocol() {
    return protocol;
  }

  public TableColumns columns() {
    return columns;
  }

  public Snapshot kernelSnapshot() {
    return kernelSnapshot;
  }

  /** Every active file of this version, in log replay order. */
  public List<DataFile> files() {
    List<DataFile> loaded = files;
    if (loaded == null) {
      synchronized (this) {
        loaded = files;
        if (loaded == null) {
          loaded = List.copyOf(fileLoader.get());
          filesHeapBytes = loaded.stream().mapToLong(DataFile::heapBytes).sum();
          files = loaded;
          Runnable hook = whenFilesLoaded;
          if (hook != null) hook.run();
        }
      }
    }
    return loaded;
  }

  /** Runs once the file list is loaded, so that a cache bounded in bytes can weigh it again. */
  void whenFilesLoaded(Runnable hook) {
    this.whenFilesLoaded = hook;
  }

  /** A rough estimate of the heap this snapshot holds: its metadata and, once loaded, its file list. */
  public long heapBytes() {
    return 4096 + 2L * metadata.schemaString().length() + filesHeapBytes;
  }

  /**
   * The files that may hold rows matching {@code filter} (null: all files), cut after enough
   * files to cover {@code limitHint} rows when stats say so (null: no limit).
   */
  public List<DataFile> files(Filter filter, Long limitHint) {
    return files(null, filter, limitHint);
  }

  /**
   * As {@link #files(Filter, Long)}, among the files {@code visible} admits only (null: all): files
   * a reader may not see must not count towards the limit.
   */
  public List<DataFile> files(Predicate<DataFile> visible, Filter filter, Long limitHint) {
    List<DataFile> all = files();
    if (visible == null && filter == null && limitHint == null) {
      return all;
    }
    List<DataFile> kept = new ArrayList<>();
    long rows = 0;
    for (DataFile file : all) {
      if (limitHint != null && rows >= limitHint) {
        break;
      }
      if (visible != null && !visible.test(file)) {
        continue;
      }
      if (filter != null && !mayMatch(file, filter)) {
        continue;
      }
      kept.add(file);
      if (limitHint == null) {
        continue;
      }
      long n = file.numRecords();
      if (n < 0 || file.hasDeletionVector()) {
        // Without an exact row count this file cannot count towards the limit.
        continue;
      }
      rows += n;
    }
    return kept;
  }

  /** Whether the file may hold a row matching the filter, judged by this version's schema. */
  public boolean mayMatch(DataFile file, Filter filter) {
    DataFile.FileStats stats = file.parsedStats();
    return FilePruner.mayMatch(
        filter,
        name -> {
          TableColumns.Column column = columns.find(name);
          return column == null ? ColumnRange.UNKNOWN : file.range(column, stats);
        },
        name -> {
          TableColumns.Column column = columns.find(name);
          return column == null ? null : column.valueType();
        });
  }

  /** Total bytes of the active files; summed once, since every page of a query reports it. */
  public long sizeInBytes() {
    long size = sizeInBytes;
    if (size < 0) {
      size = files().stream().mapToLong(DataFile::size).sum();
      sizeInBytes = size;
    }
    return size;
  }
}
