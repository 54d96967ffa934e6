package io.goldgate.observability.health;

import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.ShareCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the share catalog is loaded (a broken catalog stops the gateway at start-up). */
@Readiness
@ApplicationScoped
public class CatalogReadiness implements HealthCheck {

  private final CatalogHolder holder;

  public CatalogReadiness(CatalogHolder holder) {
    this.holder = holder;
  }

  @Override
  public HealthCheckResponse call() {
    ShareCatalog catalog = holder.catalog();
    return HealthCheckResponse.named("catalog")
        .status(catalog != null)
        .withData("shares", catalog == null ? 0 : catalog.shares().size())
        .withData("recipients", catalog == null ? 0 : catalog.recipients().size())
        .build();
  }
}
