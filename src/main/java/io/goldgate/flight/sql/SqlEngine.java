package io.goldgate.flight.sql;

import io.goldgate.BoundedCache;
import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.arrow.ArrowSchemas;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.Share;
import io.goldgate.catalog.SharedTable;
import io.goldgate.catalog.SharedTables;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.flight.ReadPlanner;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.VersionSpec;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Read-only SQL over shared tables. DuckDB parses the query; the tables it names are resolved for
 * the recipient like any other read (ungranted and missing alike: not found), planned at a pinned
 * version with the recipient's row restriction, and handed to a private DuckDB instance as governed
 * Arrow scans ({@link GovernedScan}) of only the columns the query can use. DuckDB never sees a
 * file, a path or a table the recipient may not read.
 */
@ApplicationScoped
public class SqlEngine {

  /** Statements kept in each of the engine's caches at most. */
  static final int CACHE_ENTRIES = 512;
  /** Bytes each of the engine's caches holds at most (statement texts and schemas). */
  static final long CACHE_BYTES = 8L * 1024 * 1024;

  /** Result and parameter schemas of a described statement, as JSON. */
  private record Described(String dataset, String parameters) {
    long bytes() {
      return 2L * (dataset.length() + parameters.length());
    }
  }

  /** A table of a query, pinned: its id, version and the row scope it was planned under. */
  public record Pinned(String tableId, long version, String rowScope) {}

  /**
   * What planning a query tells a client before it runs: result and parameter schemas (null when
   * only pinned), the pins, and the tables pinned, in the order the query names them.
   */
  public record Prepared(Schema dataset, Schema parameters, List<Pinned> tables, List<SharedTable> sources) {}

  private final CatalogHolder catalog;
  private final SharedTables tables;
  private final ReadPlanner planner;
  private final DeltaLake lake;
  private final GoldgateConfig.Flight flight;
  private final GoldgateConfig.Flight.Sql config;
  private final Semaphore permits;
  private final ExecutorService scans;
  private final SessionPool sessions;
  /**
   * What a statement reads, by its text: the same for every recipient (names are resolved per
   * call). Bounded by {@link #CACHE_ENTRIES} and {@link #CACHE_BYTES}.
   */
  private final BoundedCache<String, QueryShape> shapes = BoundedCache.weighed(CACHE_ENTRIES, CACHE_BYTES, (sql, shape) -> 2L * sql.length() + 512);
  /**
   * A statement's result and parameter schemas, by its text and the versions of the tables it
   * read: what a BI tool preparing the same query again would otherwise describe again.
   */
  private final BoundedCache<String, Described> descriptions =
      BoundedCache.weighed(CACHE_ENTRIES, CACHE_BYTES, (key, described) -> 2L * key.length() + described.bytes());
  private final ExecutorService closer =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "goldgate-sql-closer");
        t.setDaemon(true);
        return t;
      });

  public SqlEngine(CatalogHolder catalog, SharedTables tables, ReadPlanner planner, DeltaLake lake, GoldgateConfig config) {
    this.catalog = catalog;
    this.tables = tables;
    this.planner = planner;
    this.lake = lake;
    this.flight = config.flight();
    this.config = config.flight().sql();
    this.permits = new Semaphore(this.config.maxConcurrentQueries());
    this.sessions = new SessionPool(this.config.memoryLimit().asLongValue(), this.config.threads(), 2);
    AtomicInteger n = new AtomicInteger();
    this.scans = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "goldgate-sql-scan-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @PreDestroy
  void stop() {
    scans.shutdownNow();
    closer.shutdown();
    sessions.close();
  }

  public GoldgateConfig.Flight.Sql config() {
    return config;
  }

  /**
   * Parses and binds {@code sql} over empty tables of the right schemas: the result schema, the
   * parameter schema, and the versions a later execution reads.
   *
   * @param parameters bound values (Arrow IPC, see {@link SqlParameters}), or null before binding
   */
  public Prepared prepare(Recipient recipient, String sql, byte[] parameters) {
    SqlLimits.checkText(sql);
    QueryShape known = parameters == null ? shapes.get(sql) : null;
    if (known != null) {
      // Described before at these versions: no engine needed, only the recipient's own names.
      List<SharedTable> read = new ArrayList<>(resolveAll(recipient, known).values());
      Prepared pins = pin(recipient, read.stream().map(SharedTable::id).toList());
      Described described = descriptions.get(descriptionKey(sql, pins.tables()));
      if (described != null) {
        try {
          return new Prepared(Schema.fromJSON(described.dataset()), Schema.fromJSON(described.parameters()), pins.tables(), read);
        } catch (java.io.IOException e) {
          // Not expected of our own JSON; describe it again.
        }
      }
    }
    SqlQuery query = open(recipient, sql, parameters, null, null);
    try {
      Prepared prepared = query.describe();
      if (parameters == null) {
        descriptions.put(descriptionKey(sql, prepared.tables()), new Described(prepared.dataset().toJson(), prepared.parameters().toJson()));
      }
      return prepared;
    } finally {
      // Tearing an instance down takes a few ms (its threads): not while the client waits, nor
      // while its permit is held.
      query.releasePermit();
      try {
        closer.execute(query::close);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        query.close();
      }
    }
  }

  /** The statement and the version of each table it reads: what its description depends on. */
  private static String descriptionKey(String sql, List<Pinned> tables) {
    StringBuilder key = new StringBuilder();
    for (Pinned pin : tables) key.append(pin.tableId()).append('@').append(pin.version()).append('\u0000');
    return key.append(sql).toString();
  }

  /**
   * Opens a query for execution at the versions of {@code pinned} (null: the latest), its tables
   * streamed from the governed read path under {@code allocator}. Closing it releases everything.
   */
  public SqlQuery execute(Recipient recipient, String sql, byte[] parameters, List<Pinned> pinned, BufferAllocator allocator) {
    return open(recipient, sql, parameters, pinned, allocator);
  }

  /**
   * Pins tables a statement was prepared over, without parsing it again: each must still be
   * readable by the recipient. Their latest versions and the recipient's row scopes.
   */
  public Prepared pin(Recipient recipient, List<String> tableIds) {
    List<Pinned> pinned = new ArrayList<>();
    List<SharedTable> sources = new ArrayList<>();
    for (String id : tableIds) {
      SharedTable table =
          catalog.catalog().tableById(id).filter(t -> recipient.mayRead(t.share()))
              .orElseThrow(() -> GoldgateException.notFound("A table of this statement does not exist or is not shared with you; prepare it again"));
      long version = tables.pinnedVersion(table, VersionSpec.of(null, null));
      pinned.add(new Pinned(table.id(), version, table.restrictionFor(recipient).fingerprint()));
      sources.add(table);
    }
    return new Prepared(null, null, pinned, sources);
  }

  private SqlQuery open(Recipient recipient, String sql, byte[] parameters, List<Pinned> pinned, BufferAllocator allocator) {
    SqlLimits.checkText(sql);
    if (!permits.tryAcquire()) {
      throw CallStatus.RESOURCE_EXHAUSTED
          .withDescription("The gateway already runs " + config.maxConcurrentQueries() + " SQL queries (goldgate.flight.sql.max-concurrent-queries); retry shortly")
          .toRuntimeException();
    }
    SqlSession session = null;
    try {
      session = sessions.take();
      QueryShape shape = shapes.get(sql);
      if (shape == null) {
        shape = QueryShape.of(serialize(session, sql));
        shapes.put(sql, shape);
      }
      Map<String, SharedTable> resolved = resolveAll(recipient, shape);
      List<SqlQuery.Source> sources = new ArrayList<>();
      for (SharedTable table : resolved.values()) {
        sources.add(source(recipient, table, shape, pinned));
      }
      // From here the query owns the session and the permit, and releases both even if it fails.
      SqlSession owned = session;
      session = null;
      SqlQuery query = new SqlQuery(owned, permits, sql, parameters, shape, sources, allocator, lake, flight, scans, config);
      query.afterClose(sessions::refill);
      return query;
    } finally {
      if (session != null) {
        session.close();
        permits.release();
      }
    }
  }

  /** The tables a query names, as this recipient may read them, each once, in the query's order. */
  private Map<String, SharedTable> resolveAll(Recipient recipient, QueryShape shape) {
    Map<String, SharedTable> resolved = new LinkedHashMap<>();
    for (TableName name : shape.tables()) {
      SharedTable table = resolve(recipient, name);
      resolved.putIfAbsent(table.id(), table);
    }
    return resolved;
  }

  private static String serialize(SqlSession session, String sql) {
    try (PreparedStatement statement = session.connection().prepareStatement("SELECT json_serialize_sql(?)")) {
      statement.setString(1, sql);
      try (var result = statement.executeQuery()) {
        result.next();
        return result.getString(1);
      }
    } catch (SQLException e) {
      throw GoldgateException.invalid("The query cannot be parsed: " + SqlErrors.firstLines(e.getMessage()));
    }
  }

  private SqlQuery.Source source(Recipient recipient, SharedTable table, QueryShape shape, List<Pinned> pinned) {
    Pinned pin = null;
    if (pinned != null) {
      pin = pinned.stream().filter(p -> p.tableId().equals(table.id())).findFirst()
          .orElseThrow(() -> GoldgateException.invalid("This ticket no longer matches the query's tables; call GetFlightInfo again"));
    }
    long version = pin != null ? pin.version() : tables.pinnedVersion(table, VersionSpec.of(null, null));
    // Only conjuncts of a query over this one table say anything about its rows; the columns'
    // types say which of them the scan can take, so the read is planned once, with them.
    String predicate = shape.where().isEmpty() ? null : Pushdown.predicate(shape.where(), planner.columns(table, version));
    ReadPlanner.Plan plan = planner.plan(table, recipient, version, null, predicate, null);
    if (pin != null && !plan.restriction().fingerprint().equals(pin.rowScope())) {
      throw new GoldgateException(
          GoldgateException.Kind.PERMISSION_DENIED, "The rows you may read of " + table.qualifiedName() + " changed since this query was planned; call GetFlightInfo again");
    }
    List<ArrowSchemas.Column> used = plan.allColumns().stream().filter(c -> shape.uses(c.field().getName())).toList();
    if (used.isEmpty()) {
      // count(*) and the like need rows, not values: the cheapest column carries them.
      used = List.of(cheapest(plan.allColumns()));
    }
    return new SqlQuery.Source(table, plan, used);
  }

  private static ArrowSchemas.Column cheapest(List<ArrowSchemas.Column> columns) {
    for (ArrowSchemas.Column c : columns) {
      if (c.partition()) return c;
    }
    for (ArrowSchemas.Column c : columns) {
      if (c.field().getType().isComplex()) continue;
      var id = c.field().getType().getTypeID();
      if (id == org.apache.arrow.vector.types.pojo.ArrowType.ArrowTypeID.Bool
          || id == org.apache.arrow.vector.types.pojo.ArrowType.ArrowTypeID.Int
          || id == org.apache.arrow.vector.types.pojo.ArrowType.ArrowTypeID.Date) {
        return c;
      }
    }
    return columns.get(0);
  }

  /**
   * The shared table a three-part name means for this recipient: the exact spelling first, then a
   * unique case-insensitive match (DuckDB's identifiers are case-insensitive). Missing and ungranted
   * tables get the same answer.
   */
  SharedTable resolve(Recipient recipient, TableName name) {
    GoldgateException missing = GoldgateException.notFound("Table '" + name + "' does not exist or is not shared with you");
    Optional<SharedTable> exact = catalog.catalog().table(name.share(), name.schema(), name.table()).filter(t -> recipient.mayRead(t.share()));
    if (exact.isPresent()) {
      return exact.get();
    }
    List<SharedTable> matches = new ArrayList<>();
    for (Share share : catalog.catalog().shares()) {
      if (!share.name().equalsIgnoreCase(name.share()) || !recipient.mayRead(share.name())) continue;
      for (SharedTable table : share.allTables()) {
        if (table.schema().equalsIgnoreCase(name.schema()) && table.name().equalsIgnoreCase(name.table())) matches.add(table);
      }
    }
    if (matches.size() != 1) {
      throw missing;
    }
    return matches.get(0);
  }
}
