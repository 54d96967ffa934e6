package io.goldgate.features;

import io.goldgate.config.GoldgateConfig;
import io.goldgate.features.FeatureRegistry.FeatureView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Notices when the online store has lost what was materialized into it (Redis restarted empty,
 * was flushed or failed over to an empty replica) and materializes the affected views again, with
 * no operator. Every {@code goldgate.features.store-check-interval} it reads each online view's
 * watermark (one small GET per view): a view this replica has seen materialized whose watermark
 * is now absent has lost its values, and is rematerialized in full. A store that cannot be read
 * (Redis down) is not "empty": the check waits for it to answer. A failing run is retried with a
 * doubling delay, up to {@link #MAX_BACKOFF}.
 */
@ApplicationScoped
public class OnlineStoreRecovery {

  private static final Logger LOG = Logger.getLogger(OnlineStoreRecovery.class);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

  private final Features features;
  private final Materializer materializer;
  private final GoldgateConfig config;
  private final MeterRegistry meters;
  /** Views seen materialized in the store: their watermark was there, or this replica wrote it. */
  private final Set<String> seen = new HashSet<>();
  private final Map<String, Long> retryAt = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private ScheduledExecutorService executor;

  public OnlineStoreRecovery(Features features, Materializer materializer, GoldgateConfig config, MeterRegistry meters) {
    this.features = features;
    this.materializer = materializer;
    this.config = config;
    this.meters = meters;
  }

  void start(@Observes StartupEvent event) {
    Duration interval = config.features().storeCheckInterval();
    if (interval.isZero() || onlineViews().isEmpty()) {
      return;
    }
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "goldgate-store-recovery");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private List<FeatureView> onlineViews() {
    return features.registry().views().values().stream().filter(FeatureView::online).toList();
  }

  /** One round: every online view's watermark read, lost views rematerialized. */
  void check() {
    for (FeatureView view : onlineViews()) {
      try {
        checkView(view);
      } catch (RuntimeException e) {
        // The store does not answer: nothing can be told about it until it does.
        LOG.debugf("Online store check of %s skipped: %s", view.name(), e.getMessage());
      }
    }
  }

  private void checkView(FeatureView view) {
    String name = view.name();
    boolean present = materializer.watermark(name) >= 0;
    if (present) {
      seen.add(name);
      failures.remove(name);
      retryAt.remove(name);
      return;
    }
    if (!seen.contains(name) && !materializer.materializedHere(name)) {
      return;
    }
    Long next = retryAt.get(name);
    if (next != null && System.nanoTime() - next < 0) {
      return;
    }
    if (!failures.containsKey(name)) {
      LOG.warnf("Online store lost feature view %s (its watermark is gone: Redis restarted empty or was flushed); materializing it again", name);
      Counter.builder("goldgate.materialization.recoveries")
          .description("Views materialized again because the online store lost them")
          .tag("view", name)
          .register(meters)
          .increment();
    }
    try {
      materializer.materialize(name);
      seen.add(name);
      failures.remove(name);
      retryAt.remove(name);
      LOG.infof("Feature view %s is served again after the online store lost it", name);
    } catch (RuntimeException e) {
      int n = failures.merge(name, 1, Integer::sum);
      long delay = Math.min(MAX_BACKOFF.toNanos(), config.features().storeCheckInterval().toNanos() << Math.min(n, 20));
      retryAt.put(name, System.nanoTime() + delay);
      LOG.warnf("Materializing %s again after the online store lost it failed (attempt %d), retrying in %d s: %s", name, n,
          TimeUnit.NANOSECONDS.toSeconds(delay), e.getMessage());
    }
  }

  void stop(@Observes ShutdownEvent event) {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
