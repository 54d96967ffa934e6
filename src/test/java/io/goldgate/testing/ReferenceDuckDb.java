package io.goldgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * An in-memory DuckDB that reads Delta tables' Parquet files directly, bypassing Goldgate: the
 * independent computation that Goldgate's SQL answers are compared with. Each table becomes a view
 * named {@code share.schema.table} (an attached in-memory catalog per share), so one SQL text runs
 * unchanged on both sides.
 *
 * <p>Only plain tables qualify: their live files are the log's adds minus its removes, read with
 * the partition values from the Hive-style paths. A table with deletion vectors or column mapping
 * would need the Delta protocol this class does not implement, so {@link #view} refuses one
 * instead of answering wrongly.
 */
public final class ReferenceDuckDb implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Connection duckdb;
  private final List<String> catalogs = new ArrayList<>();

  public ReferenceDuckDb() throws SQLException {
    // The driver itself rather than DriverManager, which may not see drivers of a test class loader.
    duckdb = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new Properties());
  }

  public Connection connection() {
    return duckdb;
  }

  /**
   * Defines view {@code share.schema.table} over the live files of the Delta table at
   * {@code location}, with the table's columns in schema order, optionally filtered by
   * {@code where} (a SQL condition, for a recipient's row restriction).
   */
  public ReferenceDuckDb view(String share, String schema, String table, Path location, String where) throws IOException, SQLException {
    Log log = Log.replay(location);
    try (Statement statement = duckdb.createStatement()) {
      if (!catalogs.contains(share)) {
        statement.execute("ATTACH ':memory:' AS " + quote(share));
        catalogs.add(share);
      }
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + quote(share) + "." + quote(schema));
      String files = String.join(", ", log.files.stream().map(f -> "'" + f.toString().replace("'", "''") + "'").toList());
      String hiveTypes = String.join(", ", log.partitionTypes.stream().map(p -> "'" + p[0] + "': " + p[1]).toList());
      String columns = String.join(", ", log.columns.stream().map(ReferenceDuckDb::quote).toList());
      statement.execute("CREATE VIEW " + quote(share) + "." + quote(schema) + "." + quote(table) + " AS SELECT " + columns
          + " FROM read_parquet([" + files + "], hive_partitioning = " + !log.partitionTypes.isEmpty()
          + (hiveTypes.isEmpty() ? "" : ", hive_types = {" + hiveTypes + "}")
          // Parquet's float statistics leave NaN out; DuckDB prunes NaN rows by them unless told.
          + ", can_have_nan = true)"
          + (where == null ? "" : " WHERE " + where));
    }
    return this;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  @Override
  public void close() throws SQLException {
    duckdb.close();
  }

  /** What the JSON commits of a plain table say: its live files, columns and partition columns. */
  private record Log(List<Path> files, List<String> columns, List<String[]> partitionTypes) {

    static Log replay(Path table) throws IOException {
      List<Path> commits;
      try (Stream<Path> entries = Files.list(table.resolve("_delta_log"))) {
        commits = entries.filter(p -> p.getFileName().toString().matches("\\d{20}\\.json")).sorted().toList();
      }
      if (commits.isEmpty() || !commits.get(0).getFileName().toString().equals("%020d.json".formatted(0))) {
        throw new IllegalStateException(table + ": the log does not start at version 0 (replaying JSON commits needs all of them)");
      }
      LinkedHashSet<String> live = new LinkedHashSet<>();
      JsonNode metadata = null;
      for (Path commit : commits) {
        for (String line : Files.readAllLines(commit, StandardCharsets.UTF_8)) {
          if (line.isBlank()) continue;
          JsonNode action = JSON.readTree(line);
          if (action.has("protocol") && action.get("protocol").path("minReaderVersion").asInt() > 1) {
            throw new IllegalStateException(table + " needs reader features (" + action.get("protocol") + "): not a plain table");
          }
          if (action.has("metaData")) metadata = action.get("metaData");
          if (action.has("add")) {
            if (action.get("add").hasNonNull("deletionVector")) throw new IllegalStateException(table + " has deletion vectors");
            live.add(decode(action.get("add").get("path").asText()));
          }
          if (action.has("remove")) live.remove(decode(action.get("remove").get("path").asText()));
        }
      }
      if (metadata == null) throw new IllegalStateException(table + ": no metaData action");
      if (metadata.path("configuration").has("delta.columnMapping.mode")
          && !metadata.path("configuration").get("delta.columnMapping.mode").asText().equals("none")) {
        throw new IllegalStateException(table + " uses column mapping");
      }
      JsonNode schema = JSON.readTree(metadata.get("schemaString").asText());
      List<String> columns = new ArrayList<>();
      List<String> partitions = new ArrayList<>();
      metadata.get("partitionColumns").forEach(c -> partitions.add(c.asText()));
      List<String[]> partitionTypes = new ArrayList<>();
      for (JsonNode field : schema.get("fields")) {
        String name = field.get("name").asText();
        columns.add(name);
        if (partitions.contains(name)) partitionTypes.add(new String[] {name, duckdbType(field.get("type").asText())});
      }
      return new Log(live.stream().map(table::resolve).toList(), columns, partitionTypes);
    }

    private static String decode(String path) {
      return URLDecoder.decode(path, StandardCharsets.UTF_8);
    }

    /** DuckDB's type for a primitive Delta type, for the values of a partition column. */
    private static String duckdbType(String delta) {
      return switch (delta) {
        case "string" -> "VARCHAR";
        case "date" -> "DATE";
        case "integer" -> "INTEGER";
        case "long" -> "BIGINT";
        case "boolean" -> "BOOLEAN";
        default -> throw new IllegalStateException("partition column of type " + delta + " is not supported here");
      };
    }
  }
}
