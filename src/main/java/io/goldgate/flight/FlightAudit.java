package io.goldgate.flight;

import io.goldgate.audit.AuditLog;
import io.goldgate.audit.CallAudit;
import io.goldgate.audit.model.AuditEvent;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.flight.FlightConstants;
import org.apache.arrow.flight.grpc.StatusUtils;

/**
 * Audits every Flight call, one event each. A gRPC interceptor rather than a Flight middleware:
 * only gRPC sees the client's address, and the calls that authentication rejects. The call's
 * {@link CallAudit} travels in the gRPC context, where the authenticator and the producer fill in
 * recipient, table, version, files, rows and bytes.
 */
final class FlightAudit implements ServerInterceptor {

  private static final Context.Key<CallAudit> KEY = Context.key("goldgate-audit");
  private static final Metadata.Key<String> USER_AGENT = Metadata.Key.of("user-agent", Metadata.ASCII_STRING_MARSHALLER);
  private static final int MAX_MESSAGE = 500;

  private final AuditLog log;

  FlightAudit(AuditLog log) {
    this.log = log;
  }

  /** The audit of the Flight call this thread serves; a throwaway one outside any call. */
  static CallAudit current() {
    CallAudit audit = KEY.get();
    return audit == null ? new CallAudit() : audit;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!FlightConstants.SERVICE.equals(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    CallAudit audit = new CallAudit();
    Instant time = Instant.now();
    long started = System.nanoTime();
    String operation = call.getMethodDescriptor().getBareMethodName();
    String clientIp = ip(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    String userAgent = headers.get(USER_AGENT);
    AtomicBoolean recorded = new AtomicBoolean();
    Runnable cancelled = () -> {
      if (recorded.compareAndSet(false, true)) {
        record(audit, time, started, operation, clientIp, userAgent, Status.CANCELLED.withDescription("The client cancelled the call"));
      }
    };
    ServerCall<Q, R> auditing =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            try {
              super.close(status, trailers);
            } finally {
              if (recorded.compareAndSet(false, true)) {
                record(audit, time, started, operation, clientIp, userAgent, status);
              }
            }
          }
        };
    ServerCall.Listener<Q> listener = Contexts.interceptCall(Context.current().withValue(KEY, audit), auditing, headers, next);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          cancelled.run();
        }
      }
    };
  }

  private void record(CallAudit audit, Instant time, long started, String operation, String clientIp, String userAgent, Status status) {
    String message = status.isOk() ? null : status.getDescription();
    if (message != null && message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "...";
    }
    log.record(
        new AuditEvent(
            null, time, audit.recipientName(), clientIp, userAgent, audit.protocolName() == null ? AuditEvent.FLIGHT : audit.protocolName(), operation,
            audit.shareName(), audit.schemaName(), audit.tableName(), audit.tableVersion(), audit.fileCount(), audit.byteCount(), audit.rowCount(),
            StatusUtils.fromGrpcStatus(status).code().name(), null, message, (System.nanoTime() - started) / 1_000_000));
  }

  private static String ip(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
    }
    return address == null ? null : address.toString();
  }
}
