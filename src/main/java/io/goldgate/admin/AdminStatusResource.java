package io.goldgate.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.goldgate.access.FeatureNames;
import io.goldgate.access.RecipientStore;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.redis.RedisConnection;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * {@code GET /admin/status}: what this replica serves, where its state lives, whether its parts are
 * up and how much it serves. The health figures are those of the readiness checks ({@code
 * /q/health/ready} on the management port), run afresh on each call; this face sees them only by
 * name, so it depends on none of the faces that own them.
 */
@Path(AdminAuthFilter.PATH + "/status")
@Produces(MediaType.APPLICATION_JSON)
public class AdminStatusResource {

  private static final Logger LOG = Logger.getLogger(AdminStatusResource.class);

  /**
   * The operator's overview of one replica.
   *
   * @param shares shares in the catalog
   * @param declaredRecipients recipients the catalog declares
   * @param stateStore where recipients, audit and online features live: the Redis, or embedded
   */
  public record Status(int shares, int declaredRecipients, String stateStore, Health health, Counts counts) {}

  /**
   * @param catalog {@code up} once the share catalog is loaded, else {@code down}
   * @param redis {@code up} or {@code down} (answers PING in time), {@code embedded} without one
   * @param flight {@code up} or {@code down} (the Arrow Flight server listens), {@code disabled}
   */
  public record Health(String catalog, String redis, String flight) {}

  /**
   * @param tables shared tables: names under which a share publishes a table (one location shared
   *     twice counts twice)
   * @param recipients declared ones and those created through the API, as {@code GET
   *     /admin/recipients} lists them; absent when the recipient store cannot be read
   * @param featureViews defined feature views
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Counts(int shares, int tables, Integer recipients, int featureViews) {}

  private final CatalogHolder catalog;
  private final RedisConnection redis;
  private final RecipientStore store;
  private final FeatureNames featureNames;
  private final Instance<HealthCheck> readiness;
  private final boolean flightEnabled;

  public AdminStatusResource(
      CatalogHolder catalog, RedisConnection redis, RecipientStore store, FeatureNames featureNames, @Readiness Instance<HealthCheck> readiness,
      GoldgateConfig config) {
    this.catalog = catalog;
    this.redis = redis;
    this.store = store;
    this.featureNames = featureNames;
    this.readiness = readiness;
    this.flightEnabled = config.flight().enabled();
  }

  @GET
  public Status status() {
    Map<String, Boolean> checks = new HashMap<>();
    for (HealthCheck check : readiness) {
      try {
        HealthCheckResponse response = check.call();
        checks.merge(response.getName(), response.getStatus() == HealthCheckResponse.Status.UP, Boolean::logicalAnd);
      } catch (RuntimeException e) {
        LOG.debugf(e, "A readiness check failed: %s", e.getMessage());
      }
    }
    Health health = new Health(
        upOrDown(checks.get("catalog")),
        redis.configured() ? upOrDown(checks.get("redis")) : "embedded",
        flightEnabled ? upOrDown(checks.get("flight")) : "disabled");
    var shares = catalog.catalog().shares();
    Integer recipients;
    try {
      recipients = catalog.catalog().recipients().size() + store.list().size();
    } catch (RuntimeException e) {
      recipients = null;
    }
    Counts counts = new Counts(shares.size(), shares.stream().mapToInt(s -> s.allTables().size()).sum(), recipients,
        featureNames.featureViewNames().size());
    return new Status(shares.size(), catalog.catalog().recipients().size(), redis.configured() ? redis.description() : "embedded", health, counts);
  }

  private static String upOrDown(Boolean up) {
    return Boolean.TRUE.equals(up) ? "up" : "down";
  }
}
