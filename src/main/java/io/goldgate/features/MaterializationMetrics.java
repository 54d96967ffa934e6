package io.goldgate.features;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Materialization in Prometheus: rows read and written, failed runs, and how far each view's
 * online values lag behind its table, in versions and seconds.
 */
@ApplicationScoped
public class MaterializationMetrics {

  private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(MaterializationMetrics.class);
  private static final long LAG_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final MeterRegistry registry;

  public MaterializationMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void completed(String view, long rowsRead, long written) {
    Counter.builder("goldgate.materialization.rows.read").description("Table rows read by materialization").tag("view", view).register(registry).increment(rowsRead);
    Counter.builder("goldgate.materialization.rows.written")
        .description("Entity rows written to the online store (rows not newer than the stored ones are skipped)")
        .tag("view", view)
        .register(registry)
        .increment(written);
  }

  void failed(String view) {
    Counter.builder("goldgate.materialization.failures").description("Materialization runs that failed").tag("view", view).register(registry).increment();
  }

  /**
   * Publishes a view's lag. The figures cost a Redis read and a log probe, so one computation
   * serves every scrape for a few seconds; a failure (Redis down) reads as NaN.
   */
  void registerLag(String view, Supplier<Materializer.Lag> lag) {
    // A gauge of the same name and view from an earlier registration (another application started
    // in the same JVM, as tests do, shares Micrometer's global registry) would otherwise keep
    // answering from that application's stores.
    for (String name : new String[] {"goldgate.materialization.lag.versions", "goldgate.materialization.lag.seconds"}) {
      registry.find(name).tag("view", view).meters().forEach(registry::remove);
    }
    CachedLag cached = new CachedLag(lag);
    Gauge.builder("goldgate.materialization.lag.versions", cached, c -> c.get(true))
        .description("Table versions committed after the view's watermark")
        .strongReference(true)
        .tag("view", view)
        .register(registry);
    Gauge.builder("goldgate.materialization.lag.seconds", cached, c -> c.get(false))
        .description("Age of the oldest table commit not yet materialized (0 when up to date)")
        .strongReference(true)
        .baseUnit("seconds")
        .tag("view", view)
        .register(registry);
  }

  private static final class CachedLag {
    private final Supplier<Materializer.Lag> source;
    private Materializer.Lag value;
    private long computedAt;

    CachedLag(Supplier<Materializer.Lag> source) {
      this.source = source;
    }

    synchronized double get(boolean versions) {
      long now = System.nanoTime();
      if (value == null || now - computedAt > LAG_REFRESH_NANOS) {
        try {
          value = source.get();
        } catch (RuntimeException e) {
          value = null;
          LOG.debugf(e, "Materialization lag not available: %s", e.getMessage());
          return Double.NaN;
        } finally {
          computedAt = now;
        }
      }
      return versions ? value.versions() : value.seconds();
    }
  }
}
