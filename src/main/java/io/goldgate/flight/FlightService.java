package io.goldgate.flight;

import io.goldgate.access.BearerAuthenticator;
import io.goldgate.access.TrustedProxies;
import io.goldgate.arrow.SplitReader;
import io.goldgate.audit.AuditLog;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.flight.sql.SqlEngine;
import io.goldgate.lake.DeltaLake;
import io.goldgate.observability.GatewayMetrics;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.jboss.logging.Logger;

/** Runs the Arrow Flight server inside the gateway, started and stopped with it. */
@ApplicationScoped
public class FlightService {

  private static final Logger LOG = Logger.getLogger(FlightService.class);

  private final GoldgateConfig config;
  private final CatalogHolder catalog;
  private final ReadPlanner planner;
  private final FlightTickets tickets;
  private final DeltaLake lake;
  private final BearerAuthenticator authenticator;
  private final GatewayMetrics metrics;
  private final AuditLog audit;
  private final TrustedProxies proxies;
  private final SqlEngine sqlEngine;
  private final StatementHandles handles;
  private BufferAllocator allocator;
  private ExecutorService streams;
  private FlightServer server;
  private EventLoopGroup acceptor;
  private EventLoopGroup connections;
  private ReadPathWarmUp warmUp;

  public FlightService(
      GoldgateConfig config, CatalogHolder catalog, ReadPlanner planner, FlightTickets tickets, DeltaLake lake, BearerAuthenticator authenticator,
      GatewayMetrics metrics,
      AuditLog audit, TrustedProxies proxies, SqlEngine sqlEngine, StatementHandles handles) {
    this.sqlEngine = sqlEngine;
    this.handles = handles;
    this.config = config;
    this.catalog = catalog;
    this.planner = planner;
    this.tickets = tickets;
    this.lake = lake;
    this.authenticator = authenticator;
    this.metrics = metrics;
    this.audit = audit;
    this.proxies = proxies;
  }

  /**
   * Why the Flight server does not start, if it does not: switched off, or running as a native
   * executable, where Arrow's memory layer (sun.misc.Unsafe on JDK internals) and arrow-dataset
   * (JNI into Arrow C++) are not available. Native-mode operators get a log line, not a crash.
   */
  static Optional<String> notStartedBecause(boolean enabled, ImageMode mode) {
    if (!enabled) {
      return Optional.of("Arrow Flight is disabled (goldgate.flight.enabled=false)");
    }
    if (mode == ImageMode.NATIVE_RUN) {
      return Optional.of(
          "Arrow Flight is not available in the native executable (Arrow memory and arrow-dataset need the JVM):"
              + " Delta Sharing and online features are served; run the JVM image for Flight and Flight SQL");
    }
    return Optional.empty();
  }

  static final long MIN_SEND_BUFFER = 64 << 10;
  static final long MAX_SEND_BUFFER = 256 << 20;

  /** Netty's write water marks for {@code goldgate.flight.send-buffer}: low half of high. */
  static WriteBufferWaterMark sendBuffer(long bytes) {
    if (bytes < MIN_SEND_BUFFER || bytes > MAX_SEND_BUFFER) {
      throw new IllegalArgumentException(
          "goldgate.flight.send-buffer must be from 64K to 256M, not " + bytes + " bytes");
    }
    return new WriteBufferWaterMark((int) (bytes / 2), (int) bytes);
  }

  void start(@Observes StartupEvent event) throws IOException {
    GoldgateConfig.Flight flight = config.flight();
    Optional<String> notStarted = notStartedBecause(flight.enabled(), ImageMode.current());
    if (notStarted.isPresent()) {
      LOG.info(notStarted.get());
      return;
    }
    WriteBufferWaterMark sendBuffer = sendBuffer(flight.sendBuffer().asLongValue());
    allocator = new RootAllocator();
    // gRPC's defaults, made here because a channel factory of our own needs groups of our own.
    acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("goldgate-flight-accept", true));
    connections = new NioEventLoopGroup(0, new DefaultThreadFactory("goldgate-flight-io", true));
    streams = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "goldgate-flight-stream");
      t.setDaemon(true);
      return t;
    });
    boolean tls = flight.tlsCertificate().isPresent() && flight.tlsKey().isPresent();
    Location location = tls ? Location.forGrpcTls(flight.host(), flight.port()) : Location.forGrpcInsecure(flight.host(), flight.port());
    var reads = new GoldgateFlightProducer(catalog, planner, tickets, lake, allocator, streams, flight, metrics);
    var producer = new FlightRouter(reads, new GoldgateFlightSql(catalog, reads, planner, allocator, new SqlStatements(sqlEngine, handles, allocator, streams, flight, metrics)));
    FlightAudit auditing = new FlightAudit(audit, proxies);
    var builder =
        FlightServer.builder(allocator, location, producer)
            .middleware(BearerMiddleware.KEY, CallMetrics.recordingRefusals(new BearerMiddleware.Factory(authenticator), metrics))
            .middleware(CallMetrics.KEY, new CallMetrics.Factory(metrics))
            .transportHint("grpc.builderConsumer", (Consumer<NettyServerBuilder>) netty -> {
              netty.addStreamTracerFactory(new ClientAddresses(proxies));
              netty.addStreamTracerFactory(auditing);
              netty.withChildOption(ChannelOption.WRITE_BUFFER_WATER_MARK, sendBuffer);
              netty.channelFactory(DirectWrites.ServerChannel::new).bossEventLoopGroup(acceptor).workerEventLoopGroup(connections);
            });
    if (tls) {
      try (InputStream cert = Files.newInputStream(flight.tlsCertificate().get());
          InputStream key = Files.newInputStream(flight.tlsKey().get())) {
        builder.useTls(cert, key);
        server = builder.build().start();
      }
    } else {
      server = builder.build().start();
    }
    LOG.infof("Arrow Flight endpoint: %s://localhost:%d", tls ? "grpc+tls" : "grpc", server.getPort());
    if (flight.warmUp()) {
      // On a thread of its own, once start-up is over: readiness does not wait for it (see ReadPathWarmUp).
      warmUp = ReadPathWarmUp.start(allocator, a -> new SplitReader(a, lake.engine(), lake.storage(), flight.batchRows(), flight.scratchLimit().asLongValue()));
    }
  }

  /** The start-up warm-up of the read path; null when Flight did not start or goldgate.flight.warm-up=false. */
  ReadPathWarmUp warmUp() {
    return warmUp;
  }

  /** The port the server listens on (useful when configured as 0). */
  public int port() {
    return server == null ? -1 : server.getPort();
  }

  /** Whether the Flight server is up and accepting calls (false when disabled or stopped). */
  public boolean listening() {
    FlightServer s = server;
    return s != null && s.getPort() > 0;
  }

  /** Arrow memory currently held by streams; zero when every stream has been closed. */
  public long allocatedBytes() {
    return allocator == null ? 0 : allocator.getAllocatedMemory();
  }

  void stop(@Observes ShutdownEvent event) throws InterruptedException {
    if (server != null) {
      server.shutdown();
      server.awaitTermination(10, TimeUnit.SECONDS);
      server = null;
    }
    for (EventLoopGroup group : new EventLoopGroup[] {acceptor, connections}) {
      if (group != null) {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
      }
    }
    if (streams != null) {
      streams.shutdownNow();
      streams.awaitTermination(10, TimeUnit.SECONDS);
    }
    // The warm-up's allocator is a child of this one, which cannot close before it.
    if (warmUp != null) {
      warmUp.cancel();
    }
    boolean warmUpEnded = warmUp == null || warmUp.await(java.time.Duration.ofSeconds(10));
    if (!warmUpEnded) {
      LOG.warn("Arrow Flight read path warm-up still running at shutdown; its memory is left to the JVM's exit");
    }
    if (allocator != null && warmUpEnded) {
      try {
        allocator.close();
      } catch (IllegalStateException e) {
        // A stream whose client never took its last messages keeps them until the JVM exits.
        LOG.warnf("Arrow Flight memory still held at shutdown: %s", e.getMessage());
      }
    }
  }
}
