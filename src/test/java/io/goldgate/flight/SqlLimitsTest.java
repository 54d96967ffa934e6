package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.goldgate.testing.SampleLake;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlUtils;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * The Flight SQL engine's bounds under a tight configuration (64 MiB per query, 3 s, two queries at
 * once): each bound answers its own status and names its key, a query that hits one frees what it
 * held, clients that leave or stop reading do not keep a query (or its permit) alive, and forged,
 * altered or borrowed handles and oversized inputs are refused before anything runs.
 *
 * <p>Refusals of handles are {@code UNAUTHORIZED}, Arrow Java's name for gRPC's PERMISSION_DENIED.
 *
 * <p>No assertion is timed. Waits are hang guards (60 s, far below the 300 s a server waits for a
 * client that does not read); where the server learns of a departed client asynchronously, the next
 * query is retried while it is refused for concurrency only.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@TestProfile(SqlLimitsTest.Tight.class)
class SqlLimitsTest extends SqlTestBase {

  public static class Tight implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "goldgate.flight.sql.memory-limit", "64M",
          "goldgate.flight.sql.timeout", "3s",
          "goldgate.flight.sql.max-concurrent-queries", "2");
    }
  }

  static final CallOption ANALYST = FlightTest.bearer(SampleLake.ANALYST_TOKEN);
  static final CallOption PARTNER = FlightTest.bearer(SampleLake.PARTNER_TOKEN);

  /** Runs until stopped (10^13 rows), without a batch: DuckDB is busy the whole time. */
  static final String ENDLESS_COUNT = "SELECT count(*) FROM range(10000000000000)";
  /** Streams batches until stopped: the server waits on the client between them. */
  static final String ENDLESS_ROWS = "SELECT i FROM range(10000000000000) t(i)";
  /** An engine query over a shared table: 91 rows in sales_daily (SqlEngineTest). */
  static final String SMALL = "SELECT count(*) AS n FROM retail.gold.sales_daily";
  static final List<List<String>> SMALL_ANSWER = List.of(List.of("91"));
  /** A prepared statement with one VARCHAR parameter. */
  static final String WITH_PARAMETER = "SELECT count(*) AS n FROM retail.gold.sales_daily WHERE region = ?";

  /** How long anything may take before the test calls it a hang. */
  static final long HANG_GUARD_SECONDS = 60;

  // ---- helpers ----

  FlightRuntimeException refused(String query, CallOption auth) {
    return assertThrows(FlightRuntimeException.class, () -> rows(query, auth), abbreviated(query));
  }

  static String abbreviated(String query) {
    return query.length() > 80 ? query.substring(0, 80) + "..." : query;
  }

  static void assertStatus(FlightStatusCode code, String descriptionPrefix, FlightRuntimeException e) {
    assertEquals(code, e.status().code(), e.status().description());
    assertNotNull(e.status().description());
    assertTrue(e.status().description().startsWith(descriptionPrefix), "expected '" + descriptionPrefix + "...', got: " + e.status().description());
  }

  /** The value of {@code work}, failing the test if it takes longer than the hang guard. */
  static <T> T guarded(Supplier<T> work) throws Exception {
    return CompletableFuture.supplyAsync(work).get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Retries {@code work} while the gateway refuses it for concurrency only: a server learns that a
   * client left (or that a query timed out) on its own threads, so the permit comes back shortly
   * after, not at once. Gives up after the hang guard.
   */
  static <T> T onceAPermitIsFree(ThrowingSupplier<T> work) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_SECONDS);
    while (true) {
      try {
        return work.get();
      } catch (FlightRuntimeException e) {
        if (e.status().code() != FlightStatusCode.RESOURCE_EXHAUSTED || System.nanoTime() > deadline) throw e;
        Thread.sleep(50);
      }
    }
  }

  interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  /**
   * A query streamed on its own connection, its first batch already read: from then on it holds one
   * of the gateway's two permits until it ends. Its client reads no further unless asked to.
   */
  final class Running implements AutoCloseable {
    final BufferAllocator memory = new RootAllocator();
    /** Its own channel, so that the client can drop it mid-query (FlightClient.close() waits for calls). */
    final ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", flight.port()).usePlaintext().build();
    final FlightClient connection = FlightGrpcUtils.createFlightClient(memory, channel);
    final FlightInfo info;
    final FlightStream stream;

    Running(String query) throws Exception {
      FlightSqlClient own = new FlightSqlClient(connection);
      FlightStream opened = null;
      try {
        info = own.execute(query, ANALYST);
        opened = own.getStream(info.getEndpoints().get(0).getTicket(), ANALYST);
        assertTrue(opened.next(), "the first batch of " + query);
      } catch (Exception | Error e) {
        closeQuietly(opened);
        connection.close();
        memory.close();
        throw e;
      }
      stream = opened;
    }

    /** Reads the rest: the status the query ended with, or null when it completed. */
    FlightRuntimeException drain() {
      try {
        while (stream.next()) {}
        return null;
      } catch (FlightRuntimeException e) {
        return e;
      }
    }

    /** The client leaves mid-query by cancelling its stream. */
    void cancelStream() {
      stream.cancel("the client leaves", null);
    }

    /** The client leaves mid-query by dropping its connection. */
    void disconnect() {
      channel.shutdownNow();
    }

    @Override
    public void close() throws Exception {
      closeQuietly(stream);
      connection.close();
      memory.close();
    }
  }

  static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) return;
    try {
      closeable.close();
    } catch (Exception e) {
      // A stream cut short ends with its status; closing only frees it.
    }
  }

  /** Running, retried until the gateway has a permit for it. */
  Running start(String query) throws Exception {
    return onceAPermitIsFree(() -> new Running(query));
  }

  FlightSql.ActionCreatePreparedStatementResult prepareRaw(String query, CallOption auth) throws Exception {
    Action action =
        new Action(
            FlightSqlUtils.FLIGHT_SQL_CREATE_PREPARED_STATEMENT.getType(),
            Any.pack(FlightSql.ActionCreatePreparedStatementRequest.newBuilder().setQuery(query).build()).toByteArray());
    Iterator<Result> results = client.doAction(action, auth);
    FlightSql.ActionCreatePreparedStatementResult result = Any.parseFrom(results.next().getBody()).unpack(FlightSql.ActionCreatePreparedStatementResult.class);
    while (results.hasNext()) results.next();
    return result;
  }

  static byte[] preparedCommand(String handle) {
    return Any.pack(FlightSql.CommandPreparedStatementQuery.newBuilder().setPreparedStatementHandle(ByteString.copyFromUtf8(handle)).build()).toByteArray();
  }

  static Ticket statementTicket(String handle) {
    return new Ticket(Any.pack(FlightSql.TicketStatementQuery.newBuilder().setStatementHandle(ByteString.copyFromUtf8(handle)).build()).toByteArray());
  }

  static String handleOf(Ticket ticket) throws Exception {
    return Any.parseFrom(ticket.getBytes()).unpack(FlightSql.TicketStatementQuery.class).getStatementHandle().toStringUtf8();
  }

  FlightRuntimeException doGetRefused(Ticket ticket, CallOption auth) {
    return assertThrows(FlightRuntimeException.class, () -> {
      try (FlightStream stream = client.getStream(ticket, auth)) {
        while (stream.next()) {}
      }
    });
  }

  /** DoPut of parameters to a prepared statement handle: the server's answer. */
  FlightRuntimeException bindRefused(String handle, VectorSchemaRoot parameters, CallOption auth) {
    return assertThrows(FlightRuntimeException.class, () -> {
      try (SyncPutListener ack = new SyncPutListener()) {
        FlightClient.ClientStreamListener put = client.startPut(FlightDescriptor.command(preparedCommand(handle)), parameters, ack, auth);
        put.putNext();
        put.completed();
        put.getResult();
      }
    });
  }

  VectorSchemaRoot regions(Schema parameterSchema, String... values) {
    VectorSchemaRoot root = VectorSchemaRoot.create(parameterSchema, allocator);
    root.allocateNew();
    VarCharVector vector = (VarCharVector) root.getVector(0);
    for (int i = 0; i < values.length; i++) {
      vector.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
    }
    root.setRowCount(values.length);
    return root;
  }

  // ---- 1. memory ----

  @Test
  void aQueryOverTheMemoryLimitIsRefusedAndTheGatewayCarriesOn() throws Exception {
    // The text of 30 million numbers is far over 64 MiB, and nothing may spill.
    FlightRuntimeException e = guarded(() -> refused("SELECT length(string_agg(i::VARCHAR, ',')) AS n FROM range(30000000) t(i)", ANALYST));
    assertStatus(FlightStatusCode.RESOURCE_EXHAUSTED, "The query needs more memory than goldgate.flight.sql.memory-limit (67108864 bytes): Out of Memory Error", e);
    // The same when the limit is hit after results have started to flow.
    FlightRuntimeException late = guarded(() -> refused(
        "SELECT i AS n FROM range(100000) t(i) UNION ALL SELECT length(string_agg(i::VARCHAR, ',')) FROM range(30000000) t(i)", ANALYST));
    assertStatus(FlightStatusCode.RESOURCE_EXHAUSTED, "The query needs more memory than goldgate.flight.sql.memory-limit (67108864 bytes): Out of Memory Error", late);
    // Nothing is lost: the same gateway answers the next queries, a heavier one that fits too.
    assertEquals(SMALL_ANSWER, rows(SMALL, ANALYST));
    assertEquals(List.of(List.of("588889")), rows("SELECT length(string_agg(i::VARCHAR, ',')) AS n FROM range(100000) t(i)", ANALYST));
  }

  @Test
  void anErrorWhileRunningKeepsDuckDbsReason() throws Exception {
    // DuckDB's JDBC driver drops the reason of a failure before the first batch ("Invalid result
    // set"): the client still gets DuckDB's own words, before and after results started to flow.
    for (String failing : List.of(
        "SELECT CAST(CASE WHEN i = 50000 THEN 'x' ELSE i::VARCHAR END AS INT) AS v FROM range(100000) t(i)",
        "SELECT sum(CAST(CASE WHEN i = 50000 THEN 'x' ELSE i::VARCHAR END AS INT)) AS v FROM range(100000) t(i)",
        "SELECT CAST(CASE WHEN i = 900000 THEN 'x' ELSE i::VARCHAR END AS INT) AS v FROM range(1000000) t(i)")) {
      assertStatus(FlightStatusCode.INVALID_ARGUMENT, "Conversion Error: Could not convert string 'x' to INT32", guarded(() -> refused(failing, ANALYST)));
    }
    assertEquals(SMALL_ANSWER, rows(SMALL, ANALYST));
  }

  // ---- 2. timeout ----

  @Test
  void aQueryOverTheTimeoutIsStopped() throws Exception {
    FlightRuntimeException e = guarded(() -> refused(ENDLESS_COUNT, ANALYST));
    assertStatus(FlightStatusCode.TIMED_OUT, "The query ran longer than goldgate.flight.sql.timeout (PT3S)", e);
    assertEquals(SMALL_ANSWER, rows(SMALL, ANALYST));
  }

  @Test
  void aClientThatStopsReadingDoesNotKeepItsQueryPastTheTimeout() throws Exception {
    try (Running first = start(ENDLESS_ROWS); Running second = start(ENDLESS_ROWS)) {
      // Both clients read one batch and then nothing: their queries wait on them, holding both
      // permits, until the timeout stops them; then a third query runs.
      assertEquals(SMALL_ANSWER, onceAPermitIsFree(() -> rows(SMALL, ANALYST)));
      for (Running stalled : List.of(first, second)) {
        FlightRuntimeException ended = guarded(stalled::drain);
        assertNotNull(ended, "an endless query does not complete");
        assertStatus(FlightStatusCode.TIMED_OUT, "The query ran longer than goldgate.flight.sql.timeout (PT3S)", ended);
      }
    }
  }

  // ---- 3. concurrency ----

  private static final java.util.concurrent.atomic.AtomicInteger STATEMENTS = new java.util.concurrent.atomic.AtomicInteger();

  /** The query with a comment no statement had before: the engine has not described it yet. */
  static String neverSeen(String query) {
    return query + " -- statement " + STATEMENTS.incrementAndGet();
  }

  @Test
  void aThirdConcurrentQueryIsRefusedAndCancellingFreesThePermits() throws Exception {
    try (Running first = start(ENDLESS_ROWS); Running second = start(ENDLESS_ROWS)) {
      // Both hold a permit (each has sent a batch): planning a third query needs one too, unless
      // the same statement was described before at the same versions (no engine needed then).
      FlightRuntimeException third = assertThrows(FlightRuntimeException.class, () -> sql.execute(neverSeen(SMALL), ANALYST));
      assertStatus(FlightStatusCode.RESOURCE_EXHAUSTED, "The gateway already runs 2 SQL queries (goldgate.flight.sql.max-concurrent-queries)", third);
      FlightRuntimeException prepared = assertThrows(FlightRuntimeException.class, () -> sql.prepare(neverSeen(SMALL), ANALYST));
      assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, prepared.status().code(), prepared.status().description());

      // Their clients keep reading while another call cancels both.
      CompletableFuture<FlightRuntimeException> firstEnd = CompletableFuture.supplyAsync(first::drain);
      CompletableFuture<FlightRuntimeException> secondEnd = CompletableFuture.supplyAsync(second::drain);
      assertEquals(CancelStatus.CANCELLED, client.cancelFlightInfo(new CancelFlightInfoRequest(first.info), ANALYST).getStatus());
      assertEquals(CancelStatus.CANCELLED, client.cancelFlightInfo(new CancelFlightInfoRequest(second.info), ANALYST).getStatus());
      for (CompletableFuture<FlightRuntimeException> end : List.of(firstEnd, secondEnd)) {
        FlightRuntimeException ended = end.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        assertNotNull(ended, "an endless query does not complete");
        assertStatus(FlightStatusCode.CANCELLED, "The query was cancelled", ended);
      }
      // A client told that its query ended finds its permit back: no retry needed.
      assertEquals(SMALL_ANSWER, rows(SMALL, ANALYST));
      assertEquals(SMALL_ANSWER, rows(SMALL, ANALYST));
    }
  }

  @Test
  void aClientCancelledWhileItDoesNotReadStillFreesItsPermit() throws Exception {
    try (Running first = start(ENDLESS_ROWS); Running second = start(ENDLESS_ROWS)) {
      // Neither client reads: their queries wait on them when CancelFlightInfo arrives.
      assertEquals(CancelStatus.CANCELLED, client.cancelFlightInfo(new CancelFlightInfoRequest(first.info), ANALYST).getStatus());
      assertEquals(CancelStatus.CANCELLED, client.cancelFlightInfo(new CancelFlightInfoRequest(second.info), ANALYST).getStatus());
      assertEquals(SMALL_ANSWER, onceAPermitIsFree(() -> rows(SMALL, ANALYST)));
      for (Running cancelled : List.of(first, second)) {
        FlightRuntimeException ended = guarded(cancelled::drain);
        assertNotNull(ended, "an endless query does not complete");
        assertStatus(FlightStatusCode.CANCELLED, "The query was cancelled", ended);
      }
    }
  }

  // ---- 4. clients that leave ----

  @Test
  void aClientThatLeavesMidQueryFreesItsPermit() throws Exception {
    for (int round = 0; round < 3; round++) {
      // Each round needs both permits: the previous round's queries must have ended.
      Running cancelled = start(ENDLESS_ROWS);
      Running disconnected = start(ENDLESS_ROWS);
      cancelled.cancelStream();
      cancelled.close();
      disconnected.disconnect();
      disconnected.close();
    }
    for (int round = 0; round < 3; round++) {
      // The same with queries busy in DuckDB (no batch yet) when the client leaves.
      BufferAllocator memory = new RootAllocator();
      try (FlightClient leaving = FlightClient.builder(memory, Location.forGrpcInsecure("localhost", flight.port())).build()) {
        FlightSqlClient leavingSql = new FlightSqlClient(leaving);
        FlightInfo info = onceAPermitIsFree(() -> leavingSql.execute(ENDLESS_COUNT, ANALYST));
        FlightStream stream = leavingSql.getStream(info.getEndpoints().get(0).getTicket(), ANALYST);
        stream.cancel("the client leaves", null);
        try {
          stream.close();
        } catch (Exception e) {
          // Cut short.
        }
      }
      memory.close();
    }
    try (Running first = start(ENDLESS_ROWS); Running second = start(ENDLESS_ROWS)) {
      // Both permits are back, and in use again.
      assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, assertThrows(FlightRuntimeException.class, () -> sql.execute(neverSeen(SMALL), ANALYST)).status().code());
    }
    assertEquals(SMALL_ANSWER, onceAPermitIsFree(() -> rows(SMALL, ANALYST)));
  }

  // ---- 5. hostile inputs ----

  @Test
  void statementsLongerThanTheLimitAreRefused() throws Exception {
    String tooLong = "SELECT '" + "x".repeat(70_000 - 14) + "' AS s";
    assertEquals(70_000, tooLong.length());
    assertStatus(FlightStatusCode.INVALID_ARGUMENT, "The statement is 70000 characters long; the limit is 65536", refused(tooLong, ANALYST));
    FlightRuntimeException prepared = assertThrows(FlightRuntimeException.class, () -> sql.prepare(tooLong, ANALYST));
    assertStatus(FlightStatusCode.INVALID_ARGUMENT, "The statement is 70000 characters long; the limit is 65536", prepared);
    // At the limit, it runs.
    String longest = "SELECT '" + "x".repeat(65_536 - 14) + "' AS s";
    assertEquals(List.of(List.of("x".repeat(65_536 - 14))), rows(longest, ANALYST));
  }

  @Test
  void parametersAreOneRowOfBoundedSize() throws Exception {
    FlightSql.ActionCreatePreparedStatementResult prepared = prepareRaw(WITH_PARAMETER, ANALYST);
    String handle = prepared.getPreparedStatementHandle().toStringUtf8();
    Schema parameters = new PreparedAnswer(prepared).parameters();
    try (VectorSchemaRoot two = regions(parameters, "EMEA", "APAC")) {
      assertStatus(FlightStatusCode.INVALID_ARGUMENT, "Bind exactly one row of parameters to a query, got more than one", bindRefused(handle, two, ANALYST));
    }
    try (VectorSchemaRoot big = regions(parameters, "x".repeat(70_000))) {
      FlightRuntimeException e = bindRefused(handle, big, ANALYST);
      assertStatus(FlightStatusCode.INVALID_ARGUMENT, "The parameters take ", e);
      assertTrue(e.status().description().endsWith(" bytes; the limit is 65536"), e.status().description());
    }
    // The Flight SQL client, as a tool would use it, gets the same answer.
    FlightSqlClient.PreparedStatement statement = sql.prepare(WITH_PARAMETER, ANALYST);
    try (VectorSchemaRoot two = regions(statement.getParameterSchema(), "EMEA", "APAC")) {
      statement.setParameters(two);
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> statement.execute(ANALYST));
      assertStatus(FlightStatusCode.INVALID_ARGUMENT, "Bind exactly one row of parameters to a query, got more than one", e);
    } finally {
      statement.close(ANALYST);
    }
    // One row of a small value binds and runs.
    FlightSqlClient.PreparedStatement good = sql.prepare(WITH_PARAMETER, ANALYST);
    try (VectorSchemaRoot one = regions(good.getParameterSchema(), "EMEA")) {
      good.setParameters(one);
      FlightInfo info = good.execute(ANALYST);
      try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), ANALYST)) {
        assertTrue(stream.next());
        assertEquals("31", stream.getRoot().getVector(0).getObject(0).toString());
      }
    } finally {
      good.close(ANALYST);
    }
  }

  @Test
  void forgedAlteredAndBorrowedHandlesAreRefused() throws Exception {
    String handle = prepareRaw(WITH_PARAMETER, ANALYST).getPreparedStatementHandle().toStringUtf8();
    int dot = handle.indexOf('.');
    assertTrue(dot > 0 && handle.substring(dot + 1).contains("region = ?"), handle);
    String altered = handle.replace("region = ?", "region <> ?");
    String forged = "forged-signature" + handle.substring(dot);
    String statementRefusal = "This prepared statement handle was not issued by this server or has been altered";
    Schema parameters = new PreparedAnswer(prepareRaw(WITH_PARAMETER, ANALYST)).parameters();
    for (String bad : List.of(altered, forged, "no signature at all")) {
      FlightDescriptor descriptor = FlightDescriptor.command(preparedCommand(bad));
      assertStatus(FlightStatusCode.UNAUTHORIZED, statementRefusal, assertThrows(FlightRuntimeException.class, () -> client.getInfo(descriptor, ANALYST)));
      assertStatus(FlightStatusCode.UNAUTHORIZED, statementRefusal, assertThrows(FlightRuntimeException.class, () -> client.getSchema(descriptor, ANALYST)));
      assertStatus(FlightStatusCode.UNAUTHORIZED, statementRefusal, doGetRefused(new Ticket(preparedCommand(bad)), ANALYST));
      try (VectorSchemaRoot one = regions(parameters, "EMEA")) {
        assertStatus(FlightStatusCode.UNAUTHORIZED, statementRefusal, bindRefused(bad, one, ANALYST));
      }
      Action close =
          new Action(
              FlightSqlUtils.FLIGHT_SQL_CLOSE_PREPARED_STATEMENT.getType(),
              Any.pack(FlightSql.ActionClosePreparedStatementRequest.newBuilder().setPreparedStatementHandle(ByteString.copyFromUtf8(bad)).build()).toByteArray());
      assertStatus(FlightStatusCode.UNAUTHORIZED, statementRefusal,
          assertThrows(FlightRuntimeException.class, () -> client.doAction(close, ANALYST).forEachRemaining(r -> {})));
    }
    // Another recipient's handle, intact, is refused as theirs.
    FlightDescriptor borrowed = FlightDescriptor.command(preparedCommand(handle));
    assertStatus(FlightStatusCode.UNAUTHORIZED, "This handle was issued to another recipient", assertThrows(FlightRuntimeException.class, () -> client.getInfo(borrowed, PARTNER)));
    assertStatus(FlightStatusCode.UNAUTHORIZED, "This handle was issued to another recipient", doGetRefused(new Ticket(preparedCommand(handle)), PARTNER));

    // Tickets: altered, forged, a statement handle passed off as a ticket, another recipient's.
    FlightInfo info = sql.execute(SMALL, ANALYST);
    Ticket ticket = info.getEndpoints().get(0).getTicket();
    String query = handleOf(ticket);
    assertTrue(query.contains("sales_daily"), query);
    String ticketRefusal = "This ticket was not issued by this server or has been altered";
    for (String bad : List.of(query.replace("sales_daily", "customer_features"), "forged" + query.substring(query.indexOf('.')), handle)) {
      assertStatus(FlightStatusCode.UNAUTHORIZED, ticketRefusal, doGetRefused(statementTicket(bad), ANALYST));
    }
    assertStatus(FlightStatusCode.UNAUTHORIZED, "This handle was issued to another recipient", doGetRefused(ticket, PARTNER));
    // The ticket itself still works for its owner.
    try (FlightStream stream = sql.getStream(ticket, ANALYST)) {
      assertTrue(stream.next());
      assertEquals("91", stream.getRoot().getVector(0).getObject(0).toString());
    }
  }

  /** The schemas of a CreatePreparedStatement answer. */
  record PreparedAnswer(FlightSql.ActionCreatePreparedStatementResult result) {
    Schema parameters() throws Exception {
      return org.apache.arrow.vector.ipc.message.MessageSerializer.deserializeSchema(
          new org.apache.arrow.vector.ipc.ReadChannel(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(result.getParameterSchema().toByteArray()))));
    }
  }
}
