package io.goldgate.access;

import io.goldgate.config.GoldgateConfig;
import io.goldgate.redis.RedisConnection;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/** Picks the recipient store: Redis when one is configured, else a file in the state directory. */
@ApplicationScoped
public class RecipientStores {

  private static final Logger LOG = Logger.getLogger(RecipientStores.class);

  @Produces
  @ApplicationScoped
  RecipientStore store(GoldgateConfig config, RedisConnection redis) {
    return redis.configured() ? new RedisRecipientStore(redis) : new FileRecipientStore(config.state().dir());
  }

  /** Opens the store at start-up, so a broken recipients file stops the gateway with its reason. */
  void start(@Observes StartupEvent event, RecipientStore store) {
    LOG.infof("Recipients created through the admin API are kept in %s", store.description());
  }
}
