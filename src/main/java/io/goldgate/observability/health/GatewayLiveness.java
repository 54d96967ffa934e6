package io.goldgate.observability.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: the process answers HTTP. Nothing external is checked here on purpose: a Redis or
 * storage outage must make the replica unready, never get it restarted.
 */
@Liveness
@ApplicationScoped
public class GatewayLiveness implements HealthCheck {

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.up("goldgate");
  }
}
