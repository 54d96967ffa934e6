package io.goldgate.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.arrow.flight.FlightMethod;
import org.apache.arrow.flight.FlightStatusCode;

/**
 * The gateway's own meters, named {@code goldgate.*} ({@code goldgate_*} on {@code /q/metrics}).
 * Every meter is created once and kept: recording on the request path only increments. Created at
 * start-up so that every series is scraped (at zero) before the first request.
 */
@Startup
@ApplicationScoped
public class GatewayMetrics {

  public static final String SERVED_BYTES = "goldgate.served.bytes";
  public static final String FLIGHT_CALLS = "goldgate.flight.calls";
  public static final String FLIGHT_STREAMS_ACTIVE = "goldgate.flight.streams.active";

  private static final FlightMethod[] METHODS = FlightMethod.values();
  private static final FlightStatusCode[] STATUSES = FlightStatusCode.values();

  private final MeterRegistry registry;
  private final Counter filesBytes;
  private final Counter flightBytes;
  private final AtomicInteger activeStreams = new AtomicInteger();
  /** One timer per (method, status), made on first use: most pairs never occur. */
  private final AtomicReferenceArray<Timer> flightTimers = new AtomicReferenceArray<>(METHODS.length * STATUSES.length);

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.filesBytes = servedBytes(registry, Protocols.FILES);
    this.flightBytes = servedBytes(registry, Protocols.FLIGHT);
    // Held strongly: Micrometer keeps a gauge's state weakly, and a collected one drops the series.
    Gauge.builder(FLIGHT_STREAMS_ACTIVE, activeStreams, AtomicInteger::get)
        .strongReference(true)
        .description("Arrow Flight DoGet streams being sent right now")
        .tags(Protocols.TAG, Protocols.FLIGHT)
        .register(registry);
  }

  private static Counter servedBytes(MeterRegistry registry, String protocol) {
    return Counter.builder(SERVED_BYTES)
        .description("Table data bytes the gateway itself served: file downloads behind signed URLs, Arrow Flight record batches")
        .baseUnit(BaseUnits.BYTES)
        .tags(Protocols.TAG, protocol)
        .register(registry);
  }

  /** A gateway-served file response of {@code bytes} body bytes (counted when the response starts). */
  public void fileBytesServed(long bytes) {
    filesBytes.increment(bytes);
  }

  /** One Flight record batch of {@code bytes} body bytes handed to the client. */
  public void flightBytesServed(long bytes) {
    flightBytes.increment(bytes);
  }

  public void flightStreamStarted() {
    activeStreams.incrementAndGet();
  }

  public void flightStreamEnded() {
    activeStreams.decrementAndGet();
  }

  /** Records one finished Flight call. */
  public void flightCall(FlightMethod method, FlightStatusCode status, long nanos) {
    int index = method.ordinal() * STATUSES.length + status.ordinal();
    Timer timer = flightTimers.get(index);
    if (timer == null) {
      timer = Timer.builder(FLIGHT_CALLS)
          .description("Arrow Flight calls by RPC method and final status; DoGet lasts until its stream ends")
          .tags(Tags.of(Protocols.TAG, Protocols.FLIGHT, "method", method.name(), "status", status.name()))
          .register(registry);
      flightTimers.set(index, timer);
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }
}
