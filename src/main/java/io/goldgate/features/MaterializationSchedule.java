package io.goldgate.features;

import io.goldgate.config.GoldgateConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Materializes each online view on its {@code schedule}: first shortly after start-up, then every
 * period. A failed run is logged and retried at the next period; serving is never blocked.
 */
@ApplicationScoped
public class MaterializationSchedule {

  private static final Logger LOG = Logger.getLogger(MaterializationSchedule.class);
  private static final Duration FIRST_RUN = Duration.ofSeconds(2);

  private final Features features;
  private final Materializer materializer;
  private final GoldgateConfig config;
  private ScheduledExecutorService executor;

  public MaterializationSchedule(Features features, Materializer materializer, GoldgateConfig config) {
    this.features = features;
    this.materializer = materializer;
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    if (!config.features().scheduleEnabled()) {
      return;
    }
    var views = features.registry().views().values().stream().filter(v -> v.online() && v.schedule() != null).toList();
    if (views.isEmpty()) {
      return;
    }
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "goldgate-materialize");
      t.setDaemon(true);
      return t;
    });
    for (var view : views) {
      executor.scheduleWithFixedDelay(() -> {
        try {
          materializer.materialize(view.name());
        } catch (RuntimeException e) {
          LOG.warnf("Scheduled materialization of %s failed, retrying in %s: %s", view.name(), view.schedule(), e.getMessage());
        }
      }, FIRST_RUN.toMillis(), view.schedule().toMillis(), TimeUnit.MILLISECONDS);
      LOG.infof("Feature view %s materializes every %s", view.name(), view.schedule());
    }
  }

  void stop(@Observes ShutdownEvent event) {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
