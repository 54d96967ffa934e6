package io.goldgate.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * Shapes Quarkus' {@code http.server.requests} timer: a {@code protocol} tag derived from the
 * templated URI, and fixed histogram buckets (so Prometheus can aggregate quantiles across replicas).
 * Filters run once per new tag combination, never per request.
 */
public class HttpMetricsConfig {

  static final String HTTP_SERVER_REQUESTS = "http.server.requests";

  /**
   * Latency buckets from sub-millisecond (online feature lookups) to a minute (large change feeds),
   * shared by the HTTP and Flight timers.
   */
  static final double[] BUCKETS_SECONDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  /** Timers measure in nanoseconds: the buckets above, converted once. */
  private static final DistributionStatisticConfig BUCKETS;

  static {
    double[] nanos = new double[BUCKETS_SECONDS.length];
    for (int i = 0; i < nanos.length; i++) {
      nanos[i] = BUCKETS_SECONDS[i] * 1e9;
    }
    BUCKETS = DistributionStatisticConfig.builder().percentilesHistogram(false).serviceLevelObjectives(nanos).build();
  }

  @Produces
  @Singleton
  MeterFilter protocolTag() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (!id.getName().equals(HTTP_SERVER_REQUESTS) || id.getTag(Protocols.TAG) != null) {
          return id;
        }
        List<Tag> tags = new ArrayList<>(id.getTags());
        tags.add(Tag.of(Protocols.TAG, Protocols.ofUri(id.getTag("uri"))));
        return id.replaceTags(tags);
      }
    };
  }

  @Produces
  @Singleton
  MeterFilter latencyHistograms() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(HTTP_SERVER_REQUESTS) && !id.getName().equals(GatewayMetrics.FLIGHT_CALLS)) {
          return config;
        }
        return BUCKETS.merge(config);
      }
    };
  }
}
