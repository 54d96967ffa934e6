package io.goldgate.admin;

import io.goldgate.catalog.CatalogHolder;
import io.goldgate.redis.RedisConnection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /admin/status}: what this replica serves and where its state lives. */
@Path(AdminAuthFilter.PATH + "/status")
@Produces(MediaType.APPLICATION_JSON)
public class AdminStatusResource {

  /** The operator's overview of one replica. */
  public record Status(int shares, int declaredRecipients, String stateStore) {}

  private final CatalogHolder catalog;
  private final RedisConnection redis;

  public AdminStatusResource(CatalogHolder catalog, RedisConnection redis) {
    this.catalog = catalog;
    this.redis = redis;
  }

  @GET
  public Status status() {
    return new Status(
        catalog.catalog().shares().size(),
        catalog.catalog().recipients().size(),
        redis.configured() ? redis.description() : "embedded");
  }
}
