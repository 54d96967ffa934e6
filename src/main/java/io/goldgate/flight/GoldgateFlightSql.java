package io.goldgate.flight;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.arrow.ArrowSchemas;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.Share;
import io.goldgate.catalog.SharedTable;
import io.goldgate.lake.predicate.JsonPredicates;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.sql.CancelResult;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.jboss.logging.Logger;

/**
 * Flight SQL for JDBC/ADBC tools: shares are catalogs, schemas are schemas. A simple SELECT
 * ({@link SqlSubset}) is planned onto the same splits and signed tickets as plain Flight reads;
 * any other query, and every prepared statement with parameters, goes to the SQL engine through
 * {@link SqlStatements}. Metadata commands answer from the catalog; writes are refused ({@link
 * ReadOnly}).
 */
final class GoldgateFlightSql extends NoOpFlightSqlProducer {

  private static final Logger LOG = Logger.getLogger(GoldgateFlightSql.class);
  static final String COMMAND_PREFIX = "type.googleapis.com/arrow.flight.protocol.sql.";

  private final CatalogHolder catalog;
  private final GoldgateFlightProducer reads;
  private final ReadPlanner planner;
  private final BufferAllocator allocator;
  private final SqlStatements statements;
  private final SqlInfoBuilder sqlInfo;

  GoldgateFlightSql(CatalogHolder catalog, GoldgateFlightProducer reads, ReadPlanner planner, BufferAllocator allocator, SqlStatements statements) {
    this.statements = statements;
    this.sqlInfo = FlightSqlInfo.builder(statements.timeout());
    this.catalog = catalog;
    this.reads = reads;
    this.planner = planner;
    this.allocator = allocator;
  }

  /** Whether these bytes are a Flight SQL command or ticket (a protobuf Any of that package). */
  static boolean isFlightSql(byte[] bytes) {
    if (bytes.length == 0 || bytes[0] != 0x0a) {
      return false;
    }
    try {
      return Any.parseFrom(bytes).getTypeUrl().startsWith(COMMAND_PREFIX);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return false;
    }
  }

  private static Recipient recipient(CallContext context) {
    return context.getMiddleware(BearerMiddleware.KEY).recipient();
  }

  /**
   * The read a query is when it is a simple SELECT ({@link SqlSubset}): it then takes the direct
   * path, planned onto parallel endpoints like a plain Flight read. Null for any other query.
   */
  private static FlightCommand simple(String sql) {
    SqlSubset.Query query;
    try {
      query = SqlSubset.parse(sql);
    } catch (GoldgateException e) {
      return null;
    }
    return new FlightCommand(query.table(), query.columns(), query.filter() == null ? null : JsonPredicates.toJson(query.filter()), null, null, query.limit())
        .validate();
  }

  @Override
  public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    try {
      FlightCommand read = simple(command.getQuery());
      return read != null ? infoSimple(recipient(context), read) : statements.info(recipient(context), command.getQuery(), null, descriptor);
    } catch (RuntimeException e) {
      throw GoldgateFlightProducer.status(e);
    }
  }

  @Override
  public SchemaResult getSchemaStatement(FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    try {
      return new SchemaResult(schema(recipient(context), command.getQuery(), null));
    } catch (RuntimeException e) {
      throw GoldgateFlightProducer.status(e);
    }
  }

  private Schema schema(Recipient recipient, String sql, byte[] parameters) {
    FlightCommand read = parameters == null ? simple(sql) : null;
    return read != null ? ArrowSchemas.schema(planSimple(recipient, read).columns()) : statements.schema(recipient, sql, parameters);
  }

  /**
   * Plans a simple SELECT; a table it cannot read is refused in the engine's words, so a query
   * cannot tell a missing share, a missing table and an ungranted one apart by the path it took.
   */
  private ReadPlanner.Plan planSimple(Recipient recipient, FlightCommand read) {
    try {
      return planner.plan(recipient, read);
    } catch (GoldgateException e) {
      throw notFoundAsTable(e, read);
    }
  }

  private FlightInfo infoSimple(Recipient recipient, FlightCommand read) {
    try {
      return reads.info(recipient, read, true);
    } catch (GoldgateException e) {
      throw notFoundAsTable(e, read);
    }
  }

  private static GoldgateException notFoundAsTable(GoldgateException e, FlightCommand read) {
    return e.kind() == GoldgateException.Kind.NOT_FOUND
        ? GoldgateException.notFound("Table '" + read.table() + "' does not exist or is not shared with you")
        : e;
  }

  @Override
  public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
    statements.stream(recipient(context), ticket.getStatementHandle().toByteArray(), listener);
  }

  @Override
  public void createPreparedStatement(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context, StreamListener<Result> listener) {
    try {
      Recipient recipient = recipient(context);
      FlightCommand read = simple(request.getQuery());
      Schema simpleSchema = read == null ? null : ArrowSchemas.schema(planSimple(recipient, read).columns());
      listener.onNext(new Result(Any.pack(statements.prepare(recipient, request.getQuery(), simpleSchema)).toByteArray()));
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(GoldgateFlightProducer.status(e));
    }
  }

  @Override
  public void closePreparedStatement(FlightSql.ActionClosePreparedStatementRequest request, CallContext context, StreamListener<Result> listener) {
    // Handles are stateless: closing frees nothing, but a handle that is not ours is refused.
    try {
      statements.handles().statement(request.getPreparedStatementHandle().toByteArray(), recipient(context).name());
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(GoldgateFlightProducer.status(e));
    }
  }

  @Override
  public Runnable acceptPutPreparedStatementQuery(
      FlightSql.CommandPreparedStatementQuery command, CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    Recipient recipient = recipient(context);
    return () -> statements.bind(recipient, command.getPreparedStatementHandle().toByteArray(), flightStream, ackStream);
  }

  @Override
  public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    try {
      Recipient recipient = recipient(context);
      StatementHandles.Statement statement = statements.handles().statement(command.getPreparedStatementHandle().toByteArray(), recipient.name());
      FlightCommand read = statement.parameters() == null ? simple(statement.sql()) : null;
      return read != null ? infoSimple(recipient, read) : statements.info(recipient, statement, descriptor);
    } catch (RuntimeException e) {
      throw GoldgateFlightProducer.status(e);
    }
  }

  @Override
  public SchemaResult getSchemaPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    try {
      Recipient recipient = recipient(context);
      StatementHandles.Statement statement = statements.handles().statement(command.getPreparedStatementHandle().toByteArray(), recipient.name());
      return new SchemaResult(schema(recipient, statement.sql(), statement.parameters()));
    } catch (RuntimeException e) {
      throw GoldgateFlightProducer.status(e);
    }
  }

  @Override
  public void getStreamPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context, ServerStreamListener listener) {
    statements.streamUnplanned(recipient(context), command.getPreparedStatementHandle().toByteArray(), listener);
  }

  @Override
  public void cancelFlightInfo(CancelFlightInfoRequest request, CallContext context, StreamListener<CancelStatus> listener) {
    try {
      listener.onNext(statements.cancel(recipient(context), request.getInfo()));
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(GoldgateFlightProducer.status(e));
    }
  }

  @Override
  public void cancelQuery(FlightInfo info, CallContext context, StreamListener<CancelResult> listener) {
    try {
      CancelStatus status = statements.cancel(recipient(context), info);
      listener.onNext(status == CancelStatus.CANCELLED ? CancelResult.CANCELLED : CancelResult.NOT_CANCELLABLE);
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(GoldgateFlightProducer.status(e));
    }
  }

  private FlightInfo metadataInfo(Message command, FlightDescriptor descriptor, Schema schema) {
    return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(new Ticket(Any.pack(command).toByteArray()))), -1, -1);
  }

  @Override
  public FlightInfo getFlightInfoSqlInfo(FlightSql.CommandGetSqlInfo command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_SQL_INFO_SCHEMA);
  }

  @Override
  public void getStreamSqlInfo(FlightSql.CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
    sqlInfo.send(command.getInfoList(), listener);
  }

  @Override
  public FlightInfo getFlightInfoCatalogs(FlightSql.CommandGetCatalogs command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_CATALOGS_SCHEMA);
  }

  @Override
  public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
    List<String[]> rows = new ArrayList<>();
    for (Share share : visibleShares(recipient(context))) {
      rows.add(new String[] {share.name()});
    }
    send(listener, Schemas.GET_CATALOGS_SCHEMA, rows, null);
  }

  @Override
  public FlightInfo getFlightInfoSchemas(FlightSql.CommandGetDbSchemas command, CallContext context, FlightDescriptor descriptor) {
    try {
      schemaFilter(command);
    } catch (RuntimeException e) {
      // Refused here, before the client is handed a ticket it could only fail with.
      throw GoldgateFlightProducer.status(e);
    }
    return metadataInfo(command, descriptor, Schemas.GET_SCHEMAS_SCHEMA);
  }

  @Override
  public void getStreamSchemas(FlightSql.CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
    LikePattern schemas;
    try {
      schemas = schemaFilter(command);
    } catch (RuntimeException e) {
      listener.error(GoldgateFlightProducer.status(e));
      return;
    }
    List<String[]> rows = new ArrayList<>();
    for (Share share : visibleShares(recipient(context))) {
      if (command.hasCatalog() && !command.getCatalog().equalsIgnoreCase(share.name())) continue;
      for (Share.Schema schema : share.schemas()) {
        if (schemas.matches(schema.name())) rows.add(new String[] {share.name(), schema.name()});
      }
    }
    send(listener, Schemas.GET_SCHEMAS_SCHEMA, rows, null);
  }

  @Override
  public FlightInfo getFlightInfoTables(FlightSql.CommandGetTables command, CallContext context, FlightDescriptor descriptor) {
    try {
      schemaFilter(command);
      tableFilter(command);
    } catch (RuntimeException e) {
      throw GoldgateFlightProducer.status(e);
    }
    return metadataInfo(command, descriptor, command.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA);
  }

  @Override
  public void getStreamTables(FlightSql.CommandGetTables command, CallContext context, ServerStreamListener listener) {
    Recipient recipient = recipient(context);
    LikePattern schemas;
    LikePattern tables;
    try {
      schemas = schemaFilter(command);
      tables = tableFilter(command);
    } catch (RuntimeException e) {
      listener.error(GoldgateFlightProducer.status(e));
      return;
    }
    boolean tableType = command.getTableTypesCount() == 0 || command.getTableTypesList().stream().anyMatch("TABLE"::equalsIgnoreCase);
    List<String[]> rows = new ArrayList<>();
    List<byte[]> schemaBytes = new ArrayList<>();
    for (Share share : visibleShares(recipient)) {
      if (!tableType || (command.hasCatalog() && !command.getCatalog().equalsIgnoreCase(share.name()))) continue;
      for (SharedTable table : share.allTables()) {
        if (!schemas.matches(table.schema()) || !tables.matches(table.name())) continue;
        if (command.getIncludeSchema()) {
          try {
            var plan = planner.plan(recipient, new FlightCommand(table.qualifiedName(), null, null, null, null, null));
            schemaBytes.add(ArrowSchemas.schema(plan.columns()).serializeAsMessage());
          } catch (RuntimeException e) {
            LOG.warnf("GetTables skips %s: %s", table.qualifiedName(), e.getMessage());
            continue;
          }
        }
        rows.add(new String[] {table.share(), table.schema(), table.name(), "TABLE"});
      }
    }
    send(listener, command.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, rows,
        command.getIncludeSchema() ? (root, i) -> ((VarBinaryVector) root.getVector("table_schema")).setSafe(i, schemaBytes.get(i)) : null);
  }

  @Override
  public FlightInfo getFlightInfoTableTypes(FlightSql.CommandGetTableTypes command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_TABLE_TYPES_SCHEMA);
  }

  @Override
  public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
    send(listener, Schemas.GET_TABLE_TYPES_SCHEMA, List.<String[]>of(new String[] {"TABLE"}), null);
  }

  private static LikePattern schemaFilter(FlightSql.CommandGetDbSchemas command) {
    return LikePattern.of(command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null, "db_schema_filter_pattern");
  }

  private static LikePattern schemaFilter(FlightSql.CommandGetTables command) {
    return LikePattern.of(command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null, "db_schema_filter_pattern");
  }

  private static LikePattern tableFilter(FlightSql.CommandGetTables command) {
    return LikePattern.of(command.hasTableNameFilterPattern() ? command.getTableNameFilterPattern() : null, "table_name_filter_pattern");
  }

  private List<Share> visibleShares(Recipient recipient) {
    return catalog.catalog().shares().stream().filter(s -> recipient.mayRead(s.name())).toList();
  }

  /** Sends string rows (the leading string columns of {@code schema}) as one batch. */
  private void send(ServerStreamListener listener, Schema schema, List<String[]> rows, BiConsumer<VectorSchemaRoot, Integer> extra) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      for (int i = 0; i < rows.size(); i++) {
        String[] row = rows.get(i);
        for (int c = 0; c < row.length; c++) {
          ((VarCharVector) root.getVector(c)).setSafe(i, row[c].getBytes(StandardCharsets.UTF_8));
        }
        if (extra != null) extra.accept(root, i);
      }
      root.setRowCount(rows.size());
      listener.start(root);
      listener.putNext();
      listener.completed();
    } catch (RuntimeException e) {
      listener.error(CallStatus.INTERNAL.withDescription("Cannot list: " + e.getMessage()).toRuntimeException());
    }
  }

  // ---- Metadata for JDBC/ODBC/ADBC drivers, and the refusal of everything write-like ----

  @Override
  public FlightInfo getFlightInfoTypeInfo(FlightSql.CommandGetXdbcTypeInfo command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_TYPE_INFO_SCHEMA);
  }

  @Override
  public void getStreamTypeInfo(FlightSql.CommandGetXdbcTypeInfo command, CallContext context, ServerStreamListener listener) {
    XdbcTypeInfo.send(XdbcTypeInfo.rows(command.hasDataType() ? command.getDataType() : null), allocator, listener);
  }

  @Override
  public FlightInfo getFlightInfoPrimaryKeys(FlightSql.CommandGetPrimaryKeys command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_PRIMARY_KEYS_SCHEMA);
  }

  @Override
  public void getStreamPrimaryKeys(FlightSql.CommandGetPrimaryKeys command, CallContext context, ServerStreamListener listener) {
    NoKeys.send(Schemas.GET_PRIMARY_KEYS_SCHEMA, allocator, listener);
  }

  @Override
  public FlightInfo getFlightInfoExportedKeys(FlightSql.CommandGetExportedKeys command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_EXPORTED_KEYS_SCHEMA);
  }

  @Override
  public void getStreamExportedKeys(FlightSql.CommandGetExportedKeys command, CallContext context, ServerStreamListener listener) {
    NoKeys.send(Schemas.GET_EXPORTED_KEYS_SCHEMA, allocator, listener);
  }

  @Override
  public FlightInfo getFlightInfoImportedKeys(FlightSql.CommandGetImportedKeys command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_IMPORTED_KEYS_SCHEMA);
  }

  @Override
  public void getStreamImportedKeys(FlightSql.CommandGetImportedKeys command, CallContext context, ServerStreamListener listener) {
    NoKeys.send(Schemas.GET_IMPORTED_KEYS_SCHEMA, allocator, listener);
  }

  @Override
  public FlightInfo getFlightInfoCrossReference(FlightSql.CommandGetCrossReference command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_CROSS_REFERENCE_SCHEMA);
  }

  @Override
  public void getStreamCrossReference(FlightSql.CommandGetCrossReference command, CallContext context, ServerStreamListener listener) {
    NoKeys.send(Schemas.GET_CROSS_REFERENCE_SCHEMA, allocator, listener);
  }

  @Override
  public Runnable acceptPutStatement(FlightSql.CommandStatementUpdate command, CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    throw GoldgateFlightProducer.status(ReadOnly.refused("updates (CommandStatementUpdate) are not accepted"));
  }

  @Override
  public Runnable acceptPutPreparedStatementUpdate(
      FlightSql.CommandPreparedStatementUpdate command, CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    throw GoldgateFlightProducer.status(ReadOnly.refused("prepared updates (CommandPreparedStatementUpdate) are not accepted"));
  }

  @Override
  public Runnable acceptPutStatementBulkIngest(FlightSql.CommandStatementIngest command, CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    throw GoldgateFlightProducer.status(ReadOnly.refused("bulk ingestion (CommandStatementIngest) is not accepted"));
  }

  @Override
  public FlightInfo getFlightInfoSubstraitPlan(FlightSql.CommandStatementSubstraitPlan command, CallContext context, FlightDescriptor descriptor) {
    throw GoldgateFlightProducer.status(ReadOnly.substrait());
  }

  @Override
  public SchemaResult getSchemaSubstraitPlan(FlightSql.CommandStatementSubstraitPlan command, CallContext context, FlightDescriptor descriptor) {
    throw GoldgateFlightProducer.status(ReadOnly.substrait());
  }

  @Override
  public void createPreparedSubstraitPlan(
      FlightSql.ActionCreatePreparedSubstraitPlanRequest request, CallContext context, StreamListener<FlightSql.ActionCreatePreparedStatementResult> listener) {
    listener.onError(GoldgateFlightProducer.status(ReadOnly.substrait()));
  }

  @Override
  public Runnable acceptPutSubstraitPlan(FlightSql.CommandStatementSubstraitPlan command, CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    throw GoldgateFlightProducer.status(ReadOnly.substrait());
  }

  @Override
  public void beginTransaction(FlightSql.ActionBeginTransactionRequest request, CallContext context, StreamListener<FlightSql.ActionBeginTransactionResult> listener) {
    listener.onError(GoldgateFlightProducer.status(ReadOnly.transactions("transactions")));
  }

  @Override
  public void endTransaction(FlightSql.ActionEndTransactionRequest request, CallContext context, StreamListener<Result> listener) {
    listener.onError(GoldgateFlightProducer.status(ReadOnly.transactions("transactions")));
  }

  @Override
  public void beginSavepoint(FlightSql.ActionBeginSavepointRequest request, CallContext context, StreamListener<FlightSql.ActionBeginSavepointResult> listener) {
    listener.onError(GoldgateFlightProducer.status(ReadOnly.transactions("savepoints")));
  }

  @Override
  public void endSavepoint(FlightSql.ActionEndSavepointRequest request, CallContext context, StreamListener<Result> listener) {
    listener.onError(GoldgateFlightProducer.status(ReadOnly.transactions("savepoints")));
  }
}
