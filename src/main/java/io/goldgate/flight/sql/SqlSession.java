package io.goldgate.flight.sql;

import io.goldgate.GoldgateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * One query's private DuckDB: an in-memory instance that can reach no file, load no extension and
 * change none of its limits once the tables are in place. A new instance per query costs ~10 ms and
 * means no query ever sees another's tables, settings or memory.
 */
final class SqlSession implements AutoCloseable {

  /** Used directly: DriverManager's class loader checks would depend on who calls first. */
  private static final DuckDBDriver DRIVER = new DuckDBDriver();

  private final DuckDBConnection connection;
  private final boolean streamResults;

  SqlSession(long memoryLimitBytes, int threads) {
    this(memoryLimitBytes, threads, true);
  }

  /**
   * @param streamResults whether results stream (as queries run) rather than being materialized
   *     first; only a re-run that learns why a query failed materializes (see SqlQuery#results)
   */
  SqlSession(long memoryLimitBytes, int threads, boolean streamResults) {
    this.streamResults = streamResults;
    Properties settings = new Properties();
    settings.setProperty("memory_limit", Math.max(1, memoryLimitBytes / (1024 * 1024)) + "MiB");
    settings.setProperty("threads", Integer.toString(threads));
    // No spilling: the memory limit is the query's bound, and the gateway's disk is not scratch space.
    settings.setProperty("max_temp_directory_size", "0B");
    settings.setProperty("autoinstall_known_extensions", "false");
    settings.setProperty("autoload_known_extensions", "false");
    settings.setProperty("jdbc_stream_results", Boolean.toString(streamResults));
    try {
      connection = (DuckDBConnection) DRIVER.connect("jdbc:duckdb:", settings);
      // Delta's timestamps are UTC instants; casts and output must not follow the host's zone.
      execute("SET TimeZone = 'UTC'");
    } catch (SQLException e) {
      throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "The SQL engine cannot start: " + e.getMessage());
    }
  }

  boolean streamsResults() {
    return streamResults;
  }

  DuckDBConnection connection() {
    return connection;
  }

  void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** After this, the query's SQL can reach nothing but the tables already registered. */
  void lock() throws SQLException {
    execute("SET enable_external_access = false");
    execute("SET allow_community_extensions = false");
    execute("SET lock_configuration = true");
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing an in-memory instance frees memory only.
    }
  }

}
