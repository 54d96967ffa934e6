package io.goldgate.lake;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.lake.predicate.ColumnRange;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.TypedValues;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * One data file of a table snapshot, as the Delta log describes it.
 *
 * @param path the {@code add.path} of the log: a URL-encoded path relative to the table root, or
 *     an absolute URI
 * @param stats the raw JSON statistics string, or null
 */
public final class DataFile {

  /**
   * Stats bounds of decimal columns can have more digits than a double holds: read every number
   * exactly.
   */
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final String path;
  private final long size;
  private final long modificationTime;
  private final Map<String, String> partitionValues;
  private final String stats;
  private final boolean dataChange;
  private final DeletionVector deletionVector;
  /** Parsed on first use and kept: the same cached snapshot serves many pruned queries. */
  private volatile FileStats parsedStats;

  public DataFile(
      String path,
      long size,
      long modificationTime,
      Map<String, String> partitionValues,
      String stats,
      boolean dataChange,
      DeletionVector deletionVector) {
    this.path = path;
    this.size = size;
    this.modificationTime = modificationTime;
    this.partitionValues = partitionValues;
    this.stats = stats;
    this.dataChange = dataChange;
    this.deletionVector = deletionVector;
  }

  public String path() {
    return path;
  }

  /**
   * The file's path under the table root as storage names it: the log's URI-encoded path decoded,
   * a '+' kept as it is (the log escapes spaces as %20, never as '+').
   */
  public String relativePath() {
    return decodeLogPath(path);
  }

  /**
   * A path as the log writes it (URI-encoded) as storage names it; a '+' is kept as it is (the log
   * escapes spaces as %20, never as '+'). Most paths have nothing to decode and are returned as
   * they are: this runs for every file of every query.
   */
  public static String decodeLogPath(String logPath) {
    return logPath.indexOf('%') < 0 ? logPath : URLDecoder.decode(logPath.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  public long size() {
    return size;
  }

  public long modificationTime() {
    return modificationTime;
  }

  public Map<String, String> partitionValues() {
    return partitionValues;
  }

  public String stats() {
    return stats;
  }

  public boolean dataChange() {
    return dataChange;
  }

  /** The rows of this file the log marks deleted, or null. */
  public DeletionVector deletionVector() {
    return deletionVector;
  }

  public boolean hasDeletionVector() {
    return deletionVector != null;
  }

  /**
   * A rough estimate of the heap this entry holds, for caches bounded in bytes: its strings, and
   * about as much again as its stats for their parsed form. Partition values are not counted: the
   * files of one partition share one map ({@link PartitionMaps}).
   */
  public long heapBytes() {
    return 256 + 2L * path.length() + (stats == null ? 0 : 4L * stats.length());
  }

  /** Parsed {@code stats}; a missing or unreadable stats string gives empty stats. */
  public FileStats parsedStats() {
    FileStats parsed = parsedStats;
    if (parsed == null) {
      parsed = FileStats.NONE;
      if (stats != null && !stats.isEmpty()) {
        try {
          parsed = FileStats.parse(JSON.readTree(stats));
        } catch (Exception e) {
          parsed = FileStats.NONE;
        }
      }
      parsedStats = parsed;
    }
    return parsed;
  }

  /** Row count from the stats, or -1 when the log does not say. */
  public long numRecords() {
    return parsedStats().numRecords();
  }

  /** What this file tells about one column, for pruning. */
  public ColumnRange range(TableColumns.Column column, FileStats fileStats) {
    if (column.partition()) {
      if (!partitionValues.containsKey(column.physicalName())) {
        return ColumnRange.UNKNOWN;
      }
      Filter.ValueType type = column.valueType();
      return type == null
          ? ColumnRange.UNKNOWN
          : ColumnRange.exactly(TypedValues.parsePartitionValue(partitionValues.get(column.physicalName()), type));
    }
    return fileStats.range(column);
  }

  /**
   * Min/max/null counts of the top-level columns, keyed by physical column name, kept compact: a
   * snapshot of 100,000 files holds one of these per file for as long as it is cached. The bounds'
   * texts sit in one string (six strings per file of three columns took about 290 bytes, this
   * about 110), and equal sets of column names share one array.
   */
  public static final class FileStats {
    static final FileStats NONE = new FileStats(-1, new String[0], "", new int[0], new long[0]);

    /**
     * Spark truncates string stats to 32 characters and appends a tie-breaker to the maximum that
     * it compares in UTF-16 order, which is below every character above U+FFFF in code-point
     * order: such a maximum bounds nothing. (delta-rs truncates to 64 bytes and rounds the
     * maximum up in code-point order, which stays a bound.)
     */
    private static final int STRING_STATS_PREFIX = 32;

    /** Distinct column-name sets kept for sharing; past this, files keep arrays of their own. */
    private static final int SHARED_COLUMN_SETS = 4096;

    private static final java.util.concurrent.ConcurrentHashMap<java.util.List<String>, String[]> COLUMN_SETS =
        new java.util.concurrent.ConcurrentHashMap<>();

    /** Rows in the file, or -1 when the stats do not say. */
    private final long numRecords;
    /** The columns with stats, sorted. */
    private final String[] columns;
    /** Every column's minimum text, then every column's maximum text, one after another. */
    private final String bounds;
    /**
     * Where each text of {@link #bounds} ends (minimums, then maximums); {@code -(end + 1)} marks a
     * bound the log does not record (or a nested one), which takes no characters.
     */
    private final int[] ends;
    /** Each column's null count, or -1 when unknown. */
    private final long[] nullCounts;

    private FileStats(long numRecords, String[] columns, String bounds, int[] ends, long[] nullCounts) {
      this.numRecords = numRecords;
      this.columns = columns;
      this.bounds = bounds;
      this.ends = ends;
      this.nullCounts = nullCounts;
    }

    /** Rows in the file, or -1 when the stats do not say. */
    public long numRecords() {
      return numRecords;
    }

    static FileStats parse(JsonNode node) {
      JsonNode n = node.get("numRecords");
      JsonNode minValues = node.get("minValues");
      JsonNode maxValues = node.get("maxValues");
      JsonNode nullCount = node.get("nullCount");
      java.util.TreeSet<String> names = new java.util.TreeSet<>();
      for (JsonNode part : new JsonNode[] {minValues, maxValues, nullCount}) {
        if (part != null && part.isObject()) {
          part.fieldNames().forEachRemaining(names::add);
        }
      }
      String[] columns = shared(names.toArray(new String[0]));
      StringBuilder bounds = new StringBuilder();
      int[] ends = new int[2 * columns.length];
      long[] nulls = new long[columns.length];
      for (int k = 0; k < ends.length; k++) {
        String text = valueText(k < columns.length ? minValues : maxValues, columns[k % columns.length]);
        if (text == null) {
          ends[k] = -(bounds.length() + 1);
        } else {
          bounds.append(text);
          ends[k] = bounds.length();
        }
      }
      for (int i = 0; i < columns.length; i++) {
        JsonNode count = nullCount == null ? null : nullCount.get(columns[i]);
        nulls[i] = count != null && count.canConvertToLong() ? count.asLong() : -1;
      }
      return new FileStats(n == null || !n.canConvertToLong() ? -1 : n.asLong(), columns, bounds.toString(), ends, nulls);
    }

    private static String[] shared(String[] columns) {
      String[] known = COLUMN_SETS.get(java.util.Arrays.asList(columns));
      if (known != null) {
        return known;
      }
      if (COLUMN_SETS.size() < SHARED_COLUMN_SETS) {
        known = COLUMN_SETS.putIfAbsent(java.util.Arrays.asList(columns), columns);
      }
      return known != null ? known : columns;
    }

    private static String valueText(JsonNode values, String column) {
      JsonNode value = values == null ? null : values.get(column);
      return value == null || !value.isValueNode() || value.isNull() ? null : value.asText();
    }

    /** The k-th text of {@link #bounds}, or null when that bound is not recorded. */
    private String bound(int k) {
      if (ends[k] < 0) {
        return null;
      }
      int start = k == 0 ? 0 : (ends[k - 1] < 0 ? -ends[k - 1] - 1 : ends[k - 1]);
      return bounds.substring(start, ends[k]);
    }

    ColumnRange range(TableColumns.Column column) {
      if (numRecords < 0 || column.valueType() == null) {
        return ColumnRange.UNKNOWN;
      }
      int i = java.util.Arrays.binarySearch(columns, column.physicalName());
      long nulls = i < 0 ? -1 : nullCounts[i];
      boolean nullsKnown = nulls >= 0;
      boolean mayHaveNulls = !nullsKnown || nulls > 0;
      boolean mayHaveValues = !nullsKnown || nulls < numRecords;
      String min = i < 0 ? null : bound(i);
      String max = i < 0 ? null : bound(columns.length + i);
      if (min == null || max == null) {
        return new ColumnRange(null, null, mayHaveNulls, mayHaveValues);
      }
      try {
        Object lo = TypedValues.parseStored(min, column.valueType());
        Object hi = TypedValues.parseStored(max, column.valueType());
        switch (column.valueType()) {
          case STRING -> {
            if (max.length() >= STRING_STATS_PREFIX) {
              hi = null;
            }
          }
          // Timestamp stats are truncated to milliseconds, towards zero by some writers: the true
          // bounds may lie up to 1 ms beyond the recorded ones on either side.
          case TIMESTAMP -> {
            lo = ((Instant) lo).minusMillis(1);
            hi = ((Instant) hi).plusMillis(1);
          }
          // Parquet writers (delta-rs among them) leave NaN out of min/max, and NaN orders above
          // every number: the maximum bounds nothing a NaN could satisfy.
          case FLOAT, DOUBLE -> hi = Double.NaN;
          // Some writers (delta-rs) record decimal bounds as doubles, rounded either way: widen
          // each bound by the rounding a double of its size may carry.
          case DECIMAL -> {
            lo = ((BigDecimal) lo).subtract(doubleRounding((BigDecimal) lo));
            hi = ((BigDecimal) hi).add(doubleRounding((BigDecimal) hi));
          }
          default -> {}
        }
        return new ColumnRange(lo, hi, mayHaveNulls, mayHaveValues);
      } catch (RuntimeException e) {
        return new ColumnRange(null, null, mayHaveNulls, mayHaveValues);
      }
    }

    private static BigDecimal doubleRounding(BigDecimal bound) {
      return new BigDecimal(Math.ulp(bound.doubleValue()));
    }
  }
}
