package io.goldgate.features;

import io.goldgate.redis.RedisConnection;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Picks the online store: Redis when {@code goldgate.redis.url} is set, else the embedded one. */
@io.quarkus.runtime.Startup
@ApplicationScoped
public class OnlineStores {

  private static final Logger LOG = Logger.getLogger(OnlineStores.class);

  private final OnlineStore store;

  public OnlineStores(RedisConnection redis) {
    store = redis.configured() ? new RedisOnlineStore(redis) : new MemoryOnlineStore();
    redis.connectSoon();
    LOG.infof("Online store: %s", store.description());
  }

  public OnlineStore store() {
    return store;
  }

  @PreDestroy
  void close() {
    store.close();
  }
}
