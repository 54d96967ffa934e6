package io.goldgate.flight.sql;

import io.goldgate.arrow.ArrowSchemas;
import io.goldgate.lake.DataFile;
import io.goldgate.storage.TableLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The fast path of a table scan: DuckDB's own Parquet reader over exactly the files the plan admits,
 * when that reads the same rows and values as the governed Arrow scan. That holds when the files
 * are on local disk and all present, none has a deletion vector, columns are not mapped to other
 * physical names, the query uses no partition column (their values live in the log, not the
 * files) and every column used has a primitive type. The row restriction is by file, so the file
 * list already applies it. Each column is cast to the type the governed scan would give it, so a
 * query's result types never depend on the path, and the reader is told that floating-point
 * columns may hold NaN, which their statistics never show. Anything else takes the governed scan.
 */
final class DirectParquet {

  /** Beyond this many files the statement listing them gets long; the governed scan takes over. */
  static final int MAX_FILES = 10_000;

  private DirectParquet() {}

  /** The absolute paths of the source's files, or null when the direct path does not apply. */
  static List<String> files(SqlQuery.Source source) {
    TableLocation location = source.table().location();
    if (!location.isLocal()) return null;
    if (source.columns().stream().anyMatch(c -> c.partition() || !c.physicalName().equals(c.field().getName()) || duckType(c) == null)) {
      return null;
    }
    List<String> paths = new ArrayList<>();
    for (List<DataFile> split : source.plan().splits()) {
      for (DataFile file : split) {
        if (file.hasDeletionVector() || paths.size() >= MAX_FILES) return null;
        String relative = file.relativePath();
        // DuckDB reads a path with glob characters as a pattern: such a file takes the governed scan.
        if (relative.contains(":") || relative.chars().anyMatch(ch -> "*?[]{}".indexOf(ch) >= 0)) return null;
        Path path = location.localRoot().resolve(relative).normalize();
        if (!path.startsWith(location.localRoot().normalize()) || !Files.isRegularFile(path)) return null;
        paths.add(path.toString());
      }
    }
    return paths.isEmpty() ? null : paths;
  }

  /** {@code SELECT CAST(..) AS .., .. FROM read_parquet([..])} over {@code paths}. */
  static String select(SqlQuery.Source source, List<String> paths) {
    String columns =
        source.columns().stream()
            .map(c -> "CAST(" + SqlSession.quote(c.physicalName()) + " AS " + duckType(c) + ") AS " + SqlSession.quote(c.field().getName()))
            .collect(Collectors.joining(", "));
    // Parquet's float statistics leave NaN out (the format says so); unless told the files can hold
    // NaN, DuckDB prunes by them and loses NaN rows (x > 10, isnan(x), x = 'NaN' answered empty).
    return "SELECT " + columns + " FROM read_parquet(" + list(paths) + ", union_by_name = true, can_have_nan = true)";
  }

  static String list(List<String> paths) {
    return paths.stream().map(p -> "'" + p.replace("'", "''") + "'").collect(Collectors.joining(", ", "[", "]"));
  }

  /** DuckDB's name of the type the governed scan gives {@code column}, or null for types not read directly. */
  static String duckType(ArrowSchemas.Column column) {
    ArrowType type = column.field().getType();
    return switch (type) {
      case ArrowType.Bool b -> "BOOLEAN";
      case ArrowType.Int i when i.getIsSigned() ->
          switch (i.getBitWidth()) {
            case 8 -> "TINYINT";
            case 16 -> "SMALLINT";
            case 32 -> "INTEGER";
            case 64 -> "BIGINT";
            default -> null;
          };
      case ArrowType.FloatingPoint f -> f.getPrecision() == FloatingPointPrecision.SINGLE ? "FLOAT" : f.getPrecision() == FloatingPointPrecision.DOUBLE ? "DOUBLE" : null;
      case ArrowType.Decimal d when d.getPrecision() <= 38 -> "DECIMAL(" + d.getPrecision() + ", " + d.getScale() + ")";
      case ArrowType.Utf8 u -> "VARCHAR";
      case ArrowType.Binary b -> "BLOB";
      case ArrowType.Date d -> "DATE";
      case ArrowType.Timestamp t -> t.getTimezone() == null ? "TIMESTAMP" : "TIMESTAMPTZ";
      default -> null;
    };
  }
}
