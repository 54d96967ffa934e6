package io.goldgate.access;

import io.goldgate.GoldgateException;
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
  void start(@Observes StartupEvent event, RecipientStore store, DeclaredRecipients catalog) {
    LOG.infof("Recipients created through the admin API are kept in %s", store.description());
    try {
      for (StoredRecipient stored : store.list()) {
        if (catalog.shadows(stored.name())) {
          LOG.warnf(
              "Recipient '%s' was created through the admin API and is now also declared in the share catalog:"
                  + " its API tokens are refused; DELETE /admin/recipients/%1$s removes the API one",
              stored.name());
        }
      }
    } catch (GoldgateException e) {
      // Redis down at start-up is not fatal: requests answer 503 until it is back.
      LOG.warnf("Could not check stored recipients against the catalog: %s", e.getMessage());
    }
  }
}
