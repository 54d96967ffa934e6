package io.goldgate.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.audit.CallAudit;
import io.goldgate.catalog.SharedTable;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.flight.sql.SqlEngine;
import io.goldgate.flight.sql.SqlParameters;
import io.goldgate.flight.sql.SqlQuery;
import io.goldgate.observability.GatewayMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.jboss.logging.Logger;

/**
 * Flight SQL queries that go to the engine: planning them into a ticket, prepared statements and
 * their parameters, streaming results with backpressure, timeouts and cancellation.
 */
final class SqlStatements {

  private static final Logger LOG = Logger.getLogger(SqlStatements.class);
  private static final long CLIENT_WAIT_MS = 300_000;
  /**
   * How often a query waiting on a client that does not read checks whether it was stopped (timed
   * out, or cancelled by CancelFlightInfo): the wait otherwise ends only when the client reads or leaves.
   */
  private static final long WAIT_SLICE_MS = 250;
  /** Ids of queries cancelled before their DoGet arrived, remembered this many at most. */
  private static final int MAX_CANCELLED_IDS = 10_000;

  private final SqlEngine engine;
  private final StatementHandles handles;
  private final BufferAllocator root;
  private final ExecutorService streams;
  private final GoldgateConfig.Flight config;
  private final GatewayMetrics metrics;
  private final Map<String, SqlQuery> running = new ConcurrentHashMap<>();
  private final Set<String> cancelledEarly =
      Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_CANCELLED_IDS;
        }
      }));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "goldgate-sql-timeout");
        t.setDaemon(true);
        return t;
      });

  SqlStatements(SqlEngine engine, StatementHandles handles, BufferAllocator root, ExecutorService streams, GoldgateConfig.Flight config, GatewayMetrics metrics) {
    this.engine = engine;
    this.handles = handles;
    this.root = root;
    this.streams = streams;
    this.config = config;
    this.metrics = metrics;
  }

  /** How long a query may run ({@code goldgate.flight.sql.timeout}). */
  java.time.Duration timeout() {
    return engine.config().timeout();
  }

  StatementHandles handles() {
    return handles;
  }

  /** Plans a query: its result schema, and one endpoint whose ticket pins the tables' versions. */
  FlightInfo info(Recipient recipient, String sql, byte[] parameters, FlightDescriptor descriptor) {
    SqlEngine.Prepared prepared = engine.prepare(recipient, sql, parameters);
    return planned(recipient, sql, parameters, prepared.dataset(), prepared, descriptor);
  }

  /** The FlightInfo of a described query: one endpoint whose ticket pins the tables it reads. */
  private FlightInfo planned(Recipient recipient, String sql, byte[] parameters, Schema dataset, SqlEngine.Prepared pins, FlightDescriptor descriptor) {
    audit(FlightAudit.current(), pins.sources(), pins.tables());
    byte[] handle = handles.query(recipient.name(), sql, parameters, pins.tables());
    Ticket ticket = new Ticket(Any.pack(FlightSql.TicketStatementQuery.newBuilder().setStatementHandle(ByteString.copyFrom(handle)).build()).toByteArray());
    return new FlightInfo(dataset, descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
  }

  Schema schema(Recipient recipient, String sql, byte[] parameters) {
    return engine.prepare(recipient, sql, parameters).dataset();
  }

  /** A prepared statement's handle and schemas. */
  FlightSql.ActionCreatePreparedStatementResult prepare(Recipient recipient, String sql, Schema simpleSchema) {
    StatementHandles.Statement statement;
    Schema dataset;
    Schema parameters;
    if (simpleSchema != null) {
      dataset = simpleSchema;
      parameters = new Schema(List.of());
      statement = new StatementHandles.Statement(recipient.name(), sql, null);
    } else {
      SqlEngine.Prepared prepared = engine.prepare(recipient, sql, null);
      dataset = prepared.dataset();
      parameters = prepared.parameters();
      List<String> tables = prepared.tables().stream().map(SqlEngine.Pinned::tableId).toList();
      // With parameters the result's types may depend on the values bound: described again then.
      statement = new StatementHandles.Statement(recipient.name(), sql, null, tables, parameters.getFields().isEmpty() ? dataset.toJson() : null);
    }
    return FlightSql.ActionCreatePreparedStatementResult.newBuilder()
        .setPreparedStatementHandle(ByteString.copyFrom(handles.statement(statement)))
        .setDatasetSchema(ByteString.copyFrom(ipc(dataset)))
        .setParameterSchema(ByteString.copyFrom(ipc(parameters)))
        .build();
  }

  /** Plans a prepared statement: without a second description when preparing it gave the schema. */
  FlightInfo info(Recipient recipient, StatementHandles.Statement statement, FlightDescriptor descriptor) {
    if (statement.schema() == null || statement.tables() == null || statement.parameters() != null) {
      return info(recipient, statement.sql(), statement.parameters(), descriptor);
    }
    Schema dataset;
    try {
      dataset = Schema.fromJSON(statement.schema());
    } catch (IOException e) {
      return info(recipient, statement.sql(), statement.parameters(), descriptor);
    }
    return planned(recipient, statement.sql(), null, dataset, engine.pin(recipient, statement.tables()), descriptor);
  }

  private static byte[] ipc(Schema schema) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), schema);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** Binds one row of parameters: the answer carries a new handle holding them. */
  void bind(Recipient recipient, byte[] handle, FlightStream stream, org.apache.arrow.flight.FlightProducer.StreamListener<PutResult> ack) {
    try {
      StatementHandles.Statement statement = handles.statement(handle, recipient.name());
      byte[] parameters = null;
      int rows = 0;
      while (stream.next()) {
        VectorSchemaRoot batch = stream.getRoot();
        if (batch.getRowCount() == 0) continue;
        rows += batch.getRowCount();
        if (rows > 1) break;
        parameters = SqlParameters.encode(batch);
      }
      if (rows != 1) {
        throw GoldgateException.invalid("Bind exactly one row of parameters to a query, got " + (rows > 1 ? "more than one" : "none"));
      }
      byte[] bound = handles.statement(new StatementHandles.Statement(recipient.name(), statement.sql(), parameters));
      byte[] result = FlightSql.DoPutPreparedStatementResult.newBuilder().setPreparedStatementHandle(ByteString.copyFrom(bound)).build().toByteArray();
      try (ArrowBuf buffer = root.buffer(result.length)) {
        buffer.writeBytes(result);
        ack.onNext(PutResult.metadata(buffer));
      }
      ack.onCompleted();
    } catch (RuntimeException e) {
      ack.onError(GoldgateFlightProducer.status(e));
    }
  }

  /** Runs a planned query (a ticket from {@link #info}) and streams its results. */
  void stream(Recipient recipient, byte[] ticket, ServerStreamListener listener) {
    StatementHandles.Query planned;
    try {
      planned = handles.query(ticket, recipient.name());
    } catch (RuntimeException e) {
      listener.error(GoldgateFlightProducer.status(e));
      return;
    }
    run(recipient, planned.sql(), planned.parameters(), planned.tables(), planned.id(), listener);
  }

  /** Runs a statement unplanned, at the tables' latest versions (a prepared statement used as a ticket). */
  void streamUnplanned(Recipient recipient, byte[] handle, ServerStreamListener listener) {
    StatementHandles.Statement statement;
    try {
      statement = handles.statement(handle, recipient.name());
    } catch (RuntimeException e) {
      listener.error(GoldgateFlightProducer.status(e));
      return;
    }
    run(recipient, statement.sql(), statement.parameters(), null, null, listener);
  }

  private void run(Recipient recipient, String sql, byte[] parameters, List<SqlEngine.Pinned> pinned, String id, ServerStreamListener listener) {
    CallAudit audit = FlightAudit.current();
    if (id != null && cancelledEarly.remove(id)) {
      listener.error(CallStatus.CANCELLED.withDescription("The query was cancelled").toRuntimeException());
      return;
    }
    audit.addRows(0);
    audit.addBytes(0);
    AtomicBoolean gone = new AtomicBoolean();
    AtomicReference<SqlQuery> current = new AtomicReference<>();
    // The strategy owns the listener's cancel handler (it wakes a wait on the client): a client that
    // leaves stops its query through it, not through a handler of our own that would replace it.
    var backpressure = new BackpressureStrategy.CallbackBackpressureStrategy() {
      @Override
      protected void cancelCallback() {
        gone.set(true);
        SqlQuery query = current.get();
        if (query != null) query.cancel();
      }
    };
    backpressure.register(listener);
    metrics.flightStreamStarted();
    // Setting up (a table the query scans twice is copied) and running both happen off the gRPC thread.
    Runnable work = () -> {
      String key = id == null ? "unplanned-" + Thread.currentThread().threadId() + "-" + System.nanoTime() : id;
      try (BufferAllocator allocator = root.newChildAllocator("sql", 0, config.streamMemoryLimit().asLongValue())) {
        ScheduledFuture<?> deadline = null;
        SqlQuery query = null;
        RuntimeException failure = null;
        boolean complete = false;
        try {
          query = engine.execute(recipient, sql, parameters, pinned, allocator);
          current.set(query);
          running.put(key, query);
          if (gone.get() || listener.isCancelled() || (id != null && cancelledEarly.remove(id))) query.cancel();
          deadline = timer.schedule(query::timeOut, engine.config().timeout().toMillis(), TimeUnit.MILLISECONDS);
          audit(audit, query.tables(), query.pinned());
          audit.files(query.files());
          ArrowReader results = query.results();
          VectorSchemaRoot batch = results.getVectorSchemaRoot();
          listener.start(batch);
          while (results.loadNextBatch()) {
            if (gone.get() || listener.isCancelled()) {
              gone.set(true);
              query.cancel();
              break;
            }
            if (query.stopped()) {
              // DuckDB does not always stop a streaming result when interrupted: it may keep
              // producing batches, so a timed-out or cancelled query is ended here.
              throw query.stoppedFailure();
            }
            long bytes = 0;
            for (var vector : batch.getFieldVectors()) bytes += vector.getBufferSize();
            audit.addRows(batch.getRowCount());
            audit.addBytes(bytes);
            BackpressureStrategy.WaitResult ready = awaitClient(backpressure, query);
            if (ready == BackpressureStrategy.WaitResult.CANCELLED) {
              gone.set(true);
              query.cancel();
              break;
            }
            if (ready == BackpressureStrategy.WaitResult.OTHER) {
              // Timed out or cancelled (CancelFlightInfo) while waiting on a client that does not read.
              query.cancel();
              throw query.stoppedFailure();
            }
            if (ready == BackpressureStrategy.WaitResult.TIMEOUT) {
              query.cancel();
              throw CallStatus.TIMED_OUT.withDescription("The client read no results for " + CLIENT_WAIT_MS / 1000 + " s; the query was stopped").toRuntimeException();
            }
            listener.putNext();
            metrics.flightBytesServed(bytes);
          }
          complete = !gone.get();
        } catch (Exception e) {
          if (!gone.get()) {
            failure = e instanceof GoldgateException || e instanceof FlightRuntimeException || query == null ? asRuntime(e) : query.failure(e);
            LOG.debugf("Flight SQL query failed: %s", failure.getMessage());
          }
        } finally {
          if (deadline != null) deadline.cancel(false);
          running.remove(key);
          // Its permit is back before the client hears that it ended (a client told its query is
          // over may run the next one at once); its instance is torn down after, off that wait.
          if (query != null) query.releasePermit();
        }
        if (failure != null) {
          listener.error(GoldgateFlightProducer.status(failure));
        } else if (complete) {
          listener.completed();
        }
        if (query != null) query.close();
      } finally {
        metrics.flightStreamEnded();
      }
    };
    try {
      streams.execute(work);
    } catch (RuntimeException e) {
      metrics.flightStreamEnded();
      listener.error(CallStatus.UNAVAILABLE.withDescription("The Flight server is shutting down").toRuntimeException());
    }
  }

  /** The tables a query reads, for its audit event: the first by name, all of them when several. */
  private static void audit(CallAudit audit, List<SharedTable> tables, List<SqlEngine.Pinned> pinned) {
    if (tables.isEmpty()) return;
    SharedTable first = tables.get(0);
    audit.table(first.share(), first.schema(), first.name()).version(pinned.get(0).version()).tables(tables.stream().map(SharedTable::qualifiedName).toList());
  }

  /**
   * Waits until the client can take the next batch: READY; CANCELLED when it left; OTHER when the
   * query was stopped meanwhile; TIMEOUT when it read nothing for {@link #CLIENT_WAIT_MS}.
   */
  private static BackpressureStrategy.WaitResult awaitClient(BackpressureStrategy backpressure, SqlQuery query) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLIENT_WAIT_MS);
    while (true) {
      BackpressureStrategy.WaitResult result = backpressure.waitForListener(WAIT_SLICE_MS);
      if (result != BackpressureStrategy.WaitResult.TIMEOUT) return result;
      if (query.stopped()) return BackpressureStrategy.WaitResult.OTHER;
      if (System.nanoTime() - deadline > 0) return BackpressureStrategy.WaitResult.TIMEOUT;
    }
  }

  private static RuntimeException asRuntime(Exception e) {
    return e instanceof RuntimeException r ? r : new GoldgateException(GoldgateException.Kind.DATA_ERROR, "The query failed: " + e.getMessage());
  }

  /** CancelFlightInfo: stops the query of each of the info's tickets that is ours and the caller's. */
  CancelStatus cancel(Recipient recipient, FlightInfo info) {
    CancelStatus status = CancelStatus.NOT_CANCELLABLE;
    for (FlightEndpoint endpoint : info.getEndpoints()) {
      String id = queryId(recipient, endpoint.getTicket().getBytes());
      if (id == null) continue;
      SqlQuery query = running.get(id);
      if (query != null) {
        query.cancel();
      } else {
        cancelledEarly.add(id);
      }
      status = CancelStatus.CANCELLED;
    }
    return status;
  }

  private String queryId(Recipient recipient, byte[] ticket) {
    try {
      Any any = Any.parseFrom(ticket);
      if (!any.is(FlightSql.TicketStatementQuery.class)) return null;
      byte[] handle = any.unpack(FlightSql.TicketStatementQuery.class).getStatementHandle().toByteArray();
      return handles.query(handle, recipient.name()).id();
    } catch (InvalidProtocolBufferException | GoldgateException e) {
      return null;
    }
  }

  void close() {
    timer.shutdownNow();
    running.values().forEach(SqlQuery::cancel);
  }
}
