package io.goldgate.flight;

import io.goldgate.access.TrustedProxies;
import io.goldgate.audit.AuditLog;
import io.goldgate.audit.CallAudit;
import io.goldgate.audit.model.AuditEvent;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.net.InetAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.flight.FlightConstants;
import org.apache.arrow.flight.grpc.StatusUtils;

/**
 * Audits every Flight call, one event each. A gRPC stream tracer rather than a Flight middleware
 * or interceptor: it sees every call whatever the interceptor order, including those that
 * authentication rejects, and the client's address. The call's {@link CallAudit} travels in the
 * gRPC context, where the authenticator and the producer fill in recipient, table, version,
 * files, rows and bytes.
 */
final class FlightAudit extends ServerStreamTracer.Factory {

  private static final Context.Key<CallAudit> KEY = Context.key("goldgate-audit");
  private static final Metadata.Key<String> USER_AGENT = Metadata.Key.of("user-agent", Metadata.ASCII_STRING_MARSHALLER);
  private static final String PREFIX = FlightConstants.SERVICE + "/";
  private static final ServerStreamTracer NOT_AUDITED = new ServerStreamTracer() {};

  private final AuditLog log;
  private final TrustedProxies proxies;

  FlightAudit(AuditLog log, TrustedProxies proxies) {
    this.log = log;
    this.proxies = proxies;
  }

  /** The audit of the Flight call this thread serves; a throwaway one outside any call. */
  static CallAudit current() {
    CallAudit audit = KEY.get();
    return audit == null ? new CallAudit() : audit;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    if (!fullMethodName.startsWith(PREFIX)) {
      return NOT_AUDITED;
    }
    return new Call(fullMethodName.substring(PREFIX.length()), headers);
  }

  private final class Call extends ServerStreamTracer {
    private final CallAudit audit = new CallAudit();
    private final Instant time = Instant.now();
    private final long started = System.nanoTime();
    private final String operation;
    private final Metadata headers;
    private final String userAgent;
    private final AtomicBoolean recorded = new AtomicBoolean();
    private volatile String clientIp;

    Call(String operation, Metadata headers) {
      this.operation = operation;
      this.headers = headers;
      this.userAgent = headers.get(USER_AGENT);
    }

    @Override
    public Context filterContext(Context context) {
      return context.withValue(KEY, audit);
    }

    @Override
    public void serverCallStarted(ServerCallInfo<?, ?> info) {
      InetAddress client = ClientAddresses.resolve(proxies, info.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), headers);
      clientIp = client == null ? null : client.getHostAddress();
    }

    @Override
    public void streamClosed(Status status) {
      if (!recorded.compareAndSet(false, true)) {
        return;
      }
      String message = status.isOk() ? null : status.getDescription();
      log.record(
          new AuditEvent(
              null, time, audit.recipientName(), clientIp, userAgent, audit.protocolName() == null ? AuditEvent.FLIGHT : audit.protocolName(),
              operation, audit.shareName(), audit.schemaName(), audit.tableName(), audit.tableVersion(), audit.fileCount(), audit.byteCount(),
              audit.rowCount(), StatusUtils.fromGrpcStatus(status).code().name(), null, message, (System.nanoTime() - started) / 1_000_000,
              null, null, audit.subjectName(), audit.issuerName(), audit.tableNames()));
    }
  }
}
