package io.goldgate.flight.sql;

import io.goldgate.GoldgateException;
import io.goldgate.arrow.ArrowSchemas;
import io.goldgate.catalog.SharedTable;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.flight.ReadPlanner;
import io.goldgate.lake.DeltaLake;
import java.sql.ParameterMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBResultSet;

/**
 * One query in its private DuckDB, its tables in place as governed scans (or, to describe it,
 * empty tables of the same schemas). Not thread-safe except {@link #cancel()}.
 */
public final class SqlQuery implements AutoCloseable {

  private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SqlQuery.class);

  /** A table of the query: what it is, its plan, and the columns the query may use. */
  record Source(SharedTable table, ReadPlanner.Plan plan, List<ArrowSchemas.Column> columns) {}

  /** Arrow memory a description (schemas only, no rows) may take. */
  private static final long DESCRIBE_MEMORY = 64L * 1024 * 1024;

  private final SqlSession session;
  private final Semaphore permits;
  private final String sql;
  private final byte[] parameters;
  private final QueryShape shape;
  private final List<Source> sources;
  private final DeltaLake lake;
  private final GoldgateConfig.Flight flight;
  private final ExecutorService workers;
  private final BufferAllocator allocator;
  private final boolean ownAllocator;
  private final GoldgateConfig.Flight.Sql config;
  private final int batchRows;
  private final List<ArrowReader> scans = new ArrayList<>();
  private final List<ArrowArrayStream> streams = new ArrayList<>();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicBoolean timedOut = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean permitReleased = new AtomicBoolean();
  /** Run once the query is closed: the engine starts the next instance then. */
  private volatile Runnable afterClose = () -> {};
  private volatile DuckDBPreparedStatement statement;
  /** The same query run again to learn why it failed (see {@link #rerun(SQLException)}), while it runs. */
  private volatile SqlQuery rerun;
  private ResultSet resultSet;
  private ArrowReader results;

  SqlQuery(
      SqlSession session, Semaphore permits, String sql, byte[] parameters, QueryShape shape, List<Source> sources, BufferAllocator allocator,
      DeltaLake lake, GoldgateConfig.Flight flight, ExecutorService workers, GoldgateConfig.Flight.Sql config) {
    this.session = session;
    this.permits = permits;
    this.sql = sql;
    this.parameters = parameters;
    this.shape = shape;
    this.sources = sources;
    this.lake = lake;
    this.flight = flight;
    this.workers = workers;
    this.ownAllocator = allocator == null;
    this.allocator = allocator == null ? new RootAllocator(DESCRIBE_MEMORY) : allocator;
    this.config = config;
    this.batchRows = flight.batchRows();
    try {
      Set<String> attached = new HashSet<>();
      Set<String> schemas = new HashSet<>();
      List<String> allowed = new ArrayList<>();
      for (int k = 0; k < sources.size(); k++) {
        Source source = sources.get(k);
        SharedTable table = source.table();
        String share = SqlSession.quote(table.share());
        if (attached.add(table.share())) {
          session.execute("ATTACH ':memory:' AS " + share);
        }
        String schema = share + "." + SqlSession.quote(table.schema());
        if (schemas.add(table.share() + "\u0000" + table.schema())) {
          // IF NOT EXISTS: an attached catalog already has a schema "main", a common schema name.
          session.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
        String name = schema + "." + SqlSession.quote(table.name());
        List<String> direct = ownAllocator ? null : DirectParquet.files(source);
        if (direct != null) {
          LOG.debugf("Query reads %s: %d Parquet files directly", table.qualifiedName(), direct.size());
          allowed.addAll(direct);
          session.execute("CREATE VIEW " + name + " AS " + DirectParquet.select(source, direct));
          continue;
        }
        ArrowReader reader =
            ownAllocator
                ? new EmptyReader(this.allocator, ArrowSchemas.schema(source.columns()))
                : new GovernedScan(
                    this.allocator, source.plan(), source.columns(), lake, flight.batchRows(), flight.scratchLimit().asLongValue(), workers, config.threads());
        if (!ownAllocator) LOG.debugf("Query reads %s: governed scan of %d columns", table.qualifiedName(), source.columns().size());
        scans.add(reader);
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(this.allocator);
        streams.add(stream);
        Data.exportArrayStream(this.allocator, reader, stream);
        String scan = "goldgate_scan_" + k;
        session.connection().registerArrowStream(scan, stream);
        // A stream can be read once: a table the query may scan twice is copied first.
        String kind = shape.scansTwice() ? "TABLE" : "VIEW";
        session.execute("CREATE " + kind + " " + name + " AS SELECT * FROM temp.main." + scan);
      }
      if (!allowed.isEmpty()) {
        // The only files the query's SQL can reach: those the plans admit, read through the views.
        session.execute("SET allowed_paths = " + DirectParquet.list(allowed));
      }
      session.lock();
    } catch (SQLException e) {
      // Translated before closing: a closed query reads as cancelled.
      RuntimeException failure = SqlErrors.translate(e, this);
      close();
      throw failure;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The tables the query reads, pinned. */
  public List<SqlEngine.Pinned> pinned() {
    return sources.stream().map(s -> new SqlEngine.Pinned(s.table().id(), s.plan().snapshot().version(), s.plan().restriction().fingerprint())).toList();
  }

  /** The tables the query reads, for the audit. */
  public List<SharedTable> tables() {
    return sources.stream().map(Source::table).toList();
  }

  /** Files the query reads, for the audit. */
  public long files() {
    return sources.stream().mapToLong(s -> s.plan().splits().stream().mapToLong(List::size).sum()).sum();
  }

  private DuckDBPreparedStatement statement() throws SQLException {
    if (statement == null) {
      statement = (DuckDBPreparedStatement) session.connection().prepareStatement(sql);
    }
    return statement;
  }

  /**
   * The result and parameter schemas, without running the query: its types from the query under a
   * {@code LIMIT 0} (which DuckDB answers without executing it, however heavy), its column names
   * from the prepared statement (the wrapper would rename duplicates). The bound parameters are
   * used when there are some (the result's types may depend on them), else every parameter is null.
   */
  SqlEngine.Prepared describe() {
    try {
      DuckDBPreparedStatement prepared = statement();
      ParameterMetaData meta = prepared.getParameterMetaData();
      List<Field> parameterFields = new ArrayList<>();
      for (int i = 1; i <= meta.getParameterCount(); i++) {
        parameterFields.add(SqlParameters.field("parameter_" + i, meta.getParameterTypeName(i)));
      }
      java.sql.ResultSetMetaData columns = prepared.getMetaData();
      Schema typed;
      try (DuckDBPreparedStatement empty = (DuckDBPreparedStatement) session.connection().prepareStatement("SELECT * FROM (\n" + withoutTrailingSemicolons(sql) + "\n) LIMIT 0")) {
        for (int i = 1; i <= meta.getParameterCount(); i++) {
          empty.setObject(i, null);
        }
        bind(empty);
        try (ResultSet rs = empty.executeQuery();
            ArrowReader reader = (ArrowReader) ((DuckDBResultSet) rs).arrowExportStream(allocator, batchRows)) {
          typed = reader.getVectorSchemaRoot().getSchema();
        }
      }
      List<Field> fields = new ArrayList<>();
      for (int i = 0; i < typed.getFields().size(); i++) {
        Field field = typed.getFields().get(i);
        String name = columns != null && i < columns.getColumnCount() ? columns.getColumnLabel(i + 1) : field.getName();
        fields.add(new Field(name, field.getFieldType(), field.getChildren()));
      }
      return new SqlEngine.Prepared(new Schema(fields), new Schema(parameterFields), pinned(), tables());
    } catch (SQLException e) {
      throw SqlErrors.translate(e, this);
    } catch (java.io.IOException e) {
      throw new GoldgateException(GoldgateException.Kind.DATA_ERROR, "The query's schema cannot be read: " + e.getMessage());
    }
  }

  private static String withoutTrailingSemicolons(String sql) {
    int end = sql.length();
    while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) end--;
    return sql.substring(0, end);
  }

  /** Runs the query; its result batches are read from the returned reader (closed with this). */
  public ArrowReader results() {
    try {
      DuckDBPreparedStatement prepared = statement();
      bind(prepared);
      resultSet = prepared.executeQuery();
      results = (ArrowReader) ((DuckDBResultSet) resultSet).arrowExportStream(allocator, batchRows);
      return results;
    } catch (SQLException e) {
      if (session.streamsResults() && !stopped() && SqlErrors.lostReason(e)) {
        throw rerun(e);
      }
      throw SqlErrors.translate(e, this);
    }
  }

  /**
   * Why the query failed, when DuckDB's JDBC driver did not say. A streamed result that fails before
   * its first batch (a memory limit hit while aggregating, joining or sorting; a cast failing on a
   * value) reaches the driver as "Invalid result set", its reason dropped. The query then runs
   * again, at the same pinned versions and under the same permit, with its result materialized,
   * which reports the error itself. It fails the same way before producing anything, so running
   * it again costs no more than the failure did.
   */
  private RuntimeException rerun(SQLException lost) {
    SqlQuery again;
    try {
      again = new SqlQuery(
          new SqlSession(config.memoryLimit().asLongValue(), config.threads(), false), new Semaphore(0), sql, parameters, shape, sources, allocator, lake,
          flight, workers, config);
    } catch (RuntimeException e) {
      return e;
    }
    rerun = again;
    try {
      if (stopped()) return SqlErrors.stopped(this);
      again.results();
      // It ran through this time: nothing better to say than the driver did.
      return SqlErrors.translate(lost, this);
    } catch (RuntimeException e) {
      return stopped() ? SqlErrors.stopped(this) : e;
    } finally {
      rerun = null;
      again.close();
    }
  }

  private void bind(DuckDBPreparedStatement prepared) throws SQLException {
    if (parameters == null) return;
    List<Object> values = SqlParameters.decode(parameters, allocator);
    int expected = prepared.getParameterMetaData().getParameterCount();
    if (values.size() != expected) {
      throw GoldgateException.invalid("The query has " + expected + " parameters, " + values.size() + " were bound");
    }
    for (int i = 0; i < values.size(); i++) {
      prepared.setObject(i + 1, values.get(i));
    }
  }

  /** Stops the query from any thread; a read of its results then fails as cancelled. */
  public void cancel() {
    cancelled.set(true);
    SqlQuery again = rerun;
    if (again != null) again.cancel();
    DuckDBPreparedStatement running = statement;
    if (running != null) {
      try {
        running.cancel();
      } catch (SQLException | RuntimeException e) {
        // Already finished or closed.
      }
    }
  }

  /** Stops the query as over {@code goldgate.flight.sql.timeout}. */
  public void timeOut() {
    timedOut.set(true);
    cancel();
  }

  /** Whether the query was cancelled or timed out: it produces no more results. */
  public boolean stopped() {
    return cancelled.get() || timedOut.get();
  }

  /** The status a stopped query's client gets: TIMED_OUT or CANCELLED. */
  public RuntimeException stoppedFailure() {
    return SqlErrors.stopped(this);
  }

  boolean wasCancelled() {
    return cancelled.get();
  }

  boolean hasTimedOut() {
    return timedOut.get();
  }

  GoldgateConfig.Flight.Sql config() {
    return config;
  }

  /** The first failure of a governed scan, which explains a failed query better than DuckDB's wrap of it. */
  Throwable scanFailure() {
    for (ArrowReader reader : scans) {
      if (reader instanceof GovernedScan scan && scan.failure() != null) return scan.failure();
    }
    return null;
  }

  /** Translates a failure while reading results. */
  public RuntimeException failure(Exception e) {
    if (e instanceof SQLException sql) return SqlErrors.translate(sql, this);
    if (e.getCause() instanceof SQLException sql) return SqlErrors.translate(sql, this);
    return SqlErrors.translate(new SQLException(e.getMessage(), e), this);
  }

  void afterClose(Runnable action) {
    afterClose = action;
  }

  /**
   * Gives the query's permit back, once: early when only tearing the instance down is left, so a
   * client's next query does not find it still taken.
   */
  public void releasePermit() {
    if (permitReleased.compareAndSet(false, true)) permits.release();
  }

  /** Releases everything, the query's permit included; only the first call does anything. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    cancelled.set(true);
    closeQuietly(results);
    closeQuietly(resultSet);
    closeQuietly(statement);
    session.close();
    for (ArrowReader reader : scans) closeQuietly(reader);
    for (ArrowArrayStream stream : streams) closeQuietly(stream);
    if (ownAllocator) closeQuietly(allocator);
    releasePermit();
    afterClose.run();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) return;
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing releases memory; a second close or an already-freed stream is fine.
    }
  }
}
