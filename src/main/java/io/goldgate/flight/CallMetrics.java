package io.goldgate.flight;

import io.goldgate.observability.GatewayMetrics;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * Times every Flight call from its headers to its final status ({@code goldgate.flight.calls});
 * a DoGet lasts until its stream has been sent or cancelled.
 */
final class CallMetrics implements FlightServerMiddleware {

  static final Key<CallMetrics> KEY = Key.of("goldgate-metrics");

  private final GatewayMetrics metrics;
  private final CallInfo info;
  private final long startNanos;

  private CallMetrics(GatewayMetrics metrics, CallInfo info, long startNanos) {
    this.metrics = metrics;
    this.info = info;
    this.startNanos = startNanos;
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

  @Override
  public void onCallCompleted(CallStatus status) {
    metrics.flightCall(info.method(), status.code(), System.nanoTime() - startNanos);
  }

  @Override
  public void onCallErrored(Throwable err) {
    // onCallCompleted follows with the status the client saw.
  }

  static final class Factory implements FlightServerMiddleware.Factory<CallMetrics> {
    private final GatewayMetrics metrics;

    Factory(GatewayMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public CallMetrics onCallStarted(CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
      return new CallMetrics(metrics, info, System.nanoTime());
    }
  }

  /**
   * Wraps a middleware factory that may refuse a call (authentication): Arrow tells no middleware
   * about a call refused while middleware is being created, so the refusal is recorded here.
   */
  static <T extends FlightServerMiddleware> FlightServerMiddleware.Factory<T> recordingRefusals(
      FlightServerMiddleware.Factory<T> inner, GatewayMetrics metrics) {
    return (info, headers, context) -> {
      long start = System.nanoTime();
      try {
        return inner.onCallStarted(info, headers, context);
      } catch (FlightRuntimeException e) {
        metrics.flightCall(info.method(), e.status().code(), System.nanoTime() - start);
        throw e;
      }
    };
  }
}
