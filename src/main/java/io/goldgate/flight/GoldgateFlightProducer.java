package io.goldgate.flight;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.arrow.ArrowSchemas;
import io.goldgate.arrow.SplitReader;
import io.goldgate.audit.CallAudit;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.Share;
import io.goldgate.catalog.SharedTable;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.DeltaLake;
import io.goldgate.observability.GatewayMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.jboss.logging.Logger;

/** The Flight service: catalog, planning and streaming of shared tables. */
final class GoldgateFlightProducer extends NoOpFlightProducer {

  private static final Logger LOG = Logger.getLogger(GoldgateFlightProducer.class);
  /** How long a stream waits for a slow client before giving up. */
  private static final long CLIENT_WAIT_MS = 300_000;

  private final CatalogHolder catalog;
  private final ReadPlanner planner;
  private final FlightTickets tickets;
  private final DeltaLake lake;
  private final BufferAllocator root;
  private final ExecutorService streams;
  private final GoldgateConfig.Flight config;
  private final GatewayMetrics metrics;

  GoldgateFlightProducer(
      CatalogHolder catalog, ReadPlanner planner, FlightTickets tickets, DeltaLake lake, BufferAllocator root, ExecutorService streams,
      GoldgateConfig.Flight config, GatewayMetrics metrics) {
    this.catalog = catalog;
    this.planner = planner;
    this.tickets = tickets;
    this.lake = lake;
    this.root = root;
    this.streams = streams;
    this.config = config;
    this.metrics = metrics;
  }

  private static Recipient recipient(CallContext context) {
    return context.getMiddleware(BearerMiddleware.KEY).recipient();
  }

  @Override
  public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
    Recipient recipient = recipient(context);
    try {
      for (Share share : catalog.catalog().shares()) {
        if (!recipient.mayRead(share.name())) continue;
        for (SharedTable table : share.allTables()) {
          try {
            listener.onNext(info(recipient, new FlightCommand(table.qualifiedName(), null, null, null, null, null), false));
          } catch (GoldgateException e) {
            // One unreadable table must not hide the others.
            LOG.warnf("Flight listing skips %s: %s", table.qualifiedName(), e.getMessage());
          }
        }
      }
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(status(e));
    }
  }

  @Override
  public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
    try {
      return info(recipient(context), FlightCommand.of(descriptor), true);
    } catch (RuntimeException e) {
      throw status(e);
    }
  }

  @Override
  public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
    try {
      return new SchemaResult(ArrowSchemas.schema(planner.plan(recipient(context), FlightCommand.of(descriptor)).columns()));
    } catch (RuntimeException e) {
      throw status(e);
    }
  }

  FlightInfo info(Recipient recipient, FlightCommand command, boolean withEndpoints) {
    ReadPlanner.Plan plan = planner.plan(recipient, command);
    Schema schema = ArrowSchemas.schema(plan.columns());
    List<FlightEndpoint> endpoints = new ArrayList<>();
    long records = 0;
    long bytes = 0;
    for (int s = 0; s < plan.splits().size(); s++) {
      for (DataFile file : plan.splits().get(s)) {
        long n = file.numRecords();
        records = records < 0 || n < 0 ? -1 : records + n - (file.hasDeletionVector() ? file.deletionVector().cardinality() : 0);
        bytes += file.size();
      }
      if (withEndpoints) {
        var grant =
            new FlightTickets.Grant(
                plan.table().id(), recipient.name(), plan.snapshot().version(), s, plan.splits().size(),
                plan.columns().stream().map(c -> c.field().getName()).toList(), plan.predicate(), plan.limit(), plan.restriction().fingerprint());
        // No location: clients read from the server they asked, which keeps TLS and proxies intact.
        endpoints.add(new FlightEndpoint(new Ticket(tickets.issue(grant))));
      }
    }
    if (withEndpoints) {
      FlightAudit.current()
          .table(plan.table().share(), plan.table().schema(), plan.table().name())
          .version(plan.snapshot().version())
          .files(plan.splits().stream().mapToLong(List::size).sum());
    }
    if (plan.limit() != null && records >= 0) {
      records = Math.min(records, plan.limit());
    }
    FlightDescriptor descriptor = FlightDescriptor.path(plan.table().share(), plan.table().schema(), plan.table().name());
    return new FlightInfo(schema, descriptor, endpoints, bytes, records);
  }

  @Override
  public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
    FlightTickets.Grant grant;
    ReadPlanner.Plan plan;
    CallAudit audit = FlightAudit.current();
    try {
      grant = tickets.read(ticket.getBytes());
      Recipient recipient = recipient(context);
      if (!recipient.name().equals(grant.recipient())) {
        throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This ticket was issued to another recipient");
      }
      SharedTable table =
          catalog.catalog().tableById(grant.tableId()).filter(t -> recipient.mayRead(t.share()))
              .orElseThrow(() -> GoldgateException.notFound("The table of this ticket is no longer shared with you"));
      plan = planner.plan(table, recipient, grant.version(), grant.columns(), grant.predicate(), grant.limit());
      if (!plan.restriction().fingerprint().equals(grant.rowScope())) {
        throw new GoldgateException(
            GoldgateException.Kind.PERMISSION_DENIED, "The rows you may read of this table changed since this ticket was issued; call GetFlightInfo again");
      }
      if (plan.splits().size() != grant.splits() || grant.split() >= grant.splits()) {
        throw GoldgateException.invalid("This ticket no longer matches the table's plan; call GetFlightInfo again");
      }
      audit.table(table.share(), table.schema(), table.name()).version(grant.version()).files(plan.splits().get(grant.split()).size());
      audit.addRows(0);
      audit.addBytes(0);
    } catch (RuntimeException e) {
      listener.error(status(e));
      return;
    }
    // Produce on a worker thread: waiting for readiness on this gRPC thread would never see it.
    AtomicBoolean cancelled = new AtomicBoolean();
    // The strategy owns the listener's cancel handler (it wakes a wait on the client): setting
    // another would replace it and leave a stream waiting for a client that has gone.
    var backpressure = new BackpressureStrategy.CallbackBackpressureStrategy() {
      @Override
      protected void cancelCallback() {
        cancelled.set(true);
      }
    };
    backpressure.register(listener);
    ReadPlanner.Plan readPlan = plan;
    int split = grant.split();
    metrics.flightStreamStarted();
    try {
      streams.execute(() -> {
        try {
          stream(readPlan, split, listener, backpressure, cancelled, audit);
        } finally {
          metrics.flightStreamEnded();
        }
      });
    } catch (RuntimeException e) {
      metrics.flightStreamEnded();
      listener.error(CallStatus.UNAVAILABLE.withDescription("The Flight server is shutting down").toRuntimeException());
    }
  }

  private void stream(
      ReadPlanner.Plan plan,
      int split,
      ServerStreamListener listener,
      BackpressureStrategy backpressure,
      AtomicBoolean cancelled,
      CallAudit audit) {
    Schema schema = ArrowSchemas.schema(plan.columns());
    try (StreamMemory memory = new StreamMemory(root, "stream", config.streamMemoryLimit().asLongValue(), Duration.ofMillis(CLIENT_WAIT_MS));
        VectorSchemaRoot out = VectorSchemaRoot.create(schema, memory.allocator())) {
      BufferAllocator allocator = memory.allocator();
      VectorLoader loader = new VectorLoader(out);
      // Every batch is loaded into buffers of its own and never written again, so gRPC may send
      // them as they are instead of copying each into its own send buffers (StreamMemory waits
      // for the last ones to be sent).
      listener.setUseZeroCopy(true);
      listener.start(out);
      SplitReader reader = new SplitReader(allocator, lake.engine(), lake.storage(), config.batchRows(), config.scratchLimit().asLongValue());
      reader.read(
          plan.table().qualifiedName(),
          plan.table().location(), plan.splits().get(split), plan.columns(), plan.allColumns(), plan.filter(), plan.limit(),
          () -> cancelled.get() || listener.isCancelled(),
          batch -> {
            long bodyBytes;
            try (ArrowRecordBatch record = new VectorUnloader(batch).getRecordBatch()) {
              bodyBytes = record.computeBodyLength();
              loader.load(record);
              audit.addRows(record.getLength());
              audit.addBytes(record.computeBodyLength());
            }
            BackpressureStrategy.WaitResult ready = backpressure.waitForListener(CLIENT_WAIT_MS);
            if (ready == BackpressureStrategy.WaitResult.READY) {
              listener.putNext();
              metrics.flightBytesServed(bodyBytes);
            } else {
              cancelled.set(true);
            }
          });
      if (!cancelled.get()) {
        listener.completed();
      }
    } catch (Exception e) {
      if (!cancelled.get()) {
        LOG.warnf(e, "Flight stream of %s failed", plan.table().qualifiedName());
        listener.error(status(e));
      }
    }
  }

  static FlightRuntimeException status(Throwable e) {
    if (e instanceof FlightRuntimeException flight) {
      return flight;
    }
    if (e instanceof GoldgateException g) {
      CallStatus status =
          switch (g.kind()) {
            case NOT_FOUND -> CallStatus.NOT_FOUND;
            case INVALID_ARGUMENT, MALFORMED -> CallStatus.INVALID_ARGUMENT;
            case UNAUTHENTICATED -> CallStatus.UNAUTHENTICATED;
            case PERMISSION_DENIED -> CallStatus.UNAUTHORIZED;
            case CONFLICT -> CallStatus.ALREADY_EXISTS;
            case UNSUPPORTED -> CallStatus.UNIMPLEMENTED;
            case DATA_ERROR -> CallStatus.INTERNAL;
            case UNAVAILABLE -> CallStatus.UNAVAILABLE;
          };
      return status.withDescription(g.getMessage()).toRuntimeException();
    }
    LOG.error("Unexpected Flight failure", e);
    return CallStatus.INTERNAL.withDescription("Internal error").toRuntimeException();
  }
}
