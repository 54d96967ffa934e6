package io.goldgate.access;

import io.goldgate.GoldgateException;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.TableColumns;
import io.goldgate.lake.TableSnapshot;
import io.goldgate.lake.predicate.TypedValues;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The rows one recipient may read of one table: for some partition columns, the single partition
 * value it is bound to. Partition values are constant within a data file, so the restriction is
 * exact per file: a file is visible when each of its listed partition values equals the allowed
 * value, compared as the string the Delta log stores (a date is {@code yyyy-MM-dd}), case-sensitive.
 * A file whose value is null, empty (which the Delta protocol reads as null) or absent is never
 * visible. {@link #NONE} leaves every file visible.
 */
public final class RowRestriction {

  private static final Logger LOG = Logger.getLogger(RowRestriction.class);

  public static final RowRestriction NONE = new RowRestriction(null, null, Map.of());

  /** The bytes and number of files a restricted reader may see of a snapshot. */
  public record Totals(long files, long bytes) {}

  private final String table;
  private final String declaredAt;
  private final Map<String, String> allowed;

  /**
   * @param table the table's qualified name, for errors
   * @param declaredAt where the restriction is declared ({@code <file>: <YAML path>}), for the log
   * @param allowed partition column (logical name) -> the one value visible
   */
  public RowRestriction(String table, String declaredAt, Map<String, String> allowed) {
    this.table = table;
    this.declaredAt = declaredAt;
    this.allowed = Collections.unmodifiableMap(new LinkedHashMap<>(allowed));
  }

  /** Whether any row is hidden at all. */
  public boolean restricts() {
    return !allowed.isEmpty();
  }

  /** Partition column -> the one value visible. */
  public Map<String, String> allowedValues() {
    return allowed;
  }

  /**
   * A short digest of the allowed values ({@code ""} without restriction), so a Flight ticket can
   * be bound to the restriction it was planned under without carrying the values.
   */
  public String fingerprint() {
    if (!restricts()) {
      return "";
    }
    StringBuilder canonical = new StringBuilder();
    new TreeMap<>(allowed).forEach((column, value) -> canonical.append(column.length()).append(':').append(column).append(value.length()).append(':').append(value));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Which files of {@code snapshot} are visible. Also checks, against this version's metadata, that
   * every restricted column is a partition column: if not, the share definition is wrong and the
   * table is refused (never served unrestricted).
   *
   * @throws GoldgateException DATA_ERROR when a restricted column is not a partition column
   */
  public Predicate<DataFile> admits(TableSnapshot snapshot) {
    if (!restricts()) {
      return file -> true;
    }
    Map<String, String> byPhysicalName = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : allowed.entrySet()) {
      TableColumns.Column column = snapshot.columns().find(entry.getKey());
      if (column == null || !column.partition()) {
        LOG.errorf(
            "%s: column '%s' is not a partition column of table %s at version %d (its partition columns: %s); the table is refused"
                + " to every restricted recipient until the share definition is fixed",
            declaredAt, entry.getKey(), table, snapshot.version(), snapshot.metadata().partitionColumns());
        throw new GoldgateException(
            GoldgateException.Kind.DATA_ERROR,
            "Table " + table + " cannot be served: its share definition restricts rows on '" + entry.getKey()
                + "', which is not a partition column of the table; the data provider must fix the share definition");
      }
      byPhysicalName.put(column.physicalName(), entry.getValue());
    }
    return file -> {
      Map<String, String> values = file.partitionValues();
      if (values == null) {
        return false;
      }
      for (Map.Entry<String, String> required : byPhysicalName.entrySet()) {
        String value = values.get(required.getKey());
        if (TypedValues.isNullPartitionValue(value) || !required.getValue().equals(value)) {
          return false;
        }
      }
      return true;
    };
  }

  /** Files and bytes of the visible part of a snapshot, for the metadata a query reports. */
  public Totals totals(TableSnapshot snapshot, Predicate<DataFile> visible) {
    if (!restricts()) {
      return new Totals(snapshot.files().size(), snapshot.sizeInBytes());
    }
    long files = 0;
    long bytes = 0;
    for (DataFile file : snapshot.files()) {
      if (visible.test(file)) {
        files++;
        bytes += file.size();
      }
    }
    return new Totals(files, bytes);
  }

  @Override
  public String toString() {
    return restricts() ? "RowRestriction" + allowed + " on " + table : "RowRestriction.NONE";
  }
}
