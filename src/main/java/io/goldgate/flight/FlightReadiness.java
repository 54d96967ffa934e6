package io.goldgate.flight;

import io.goldgate.config.GoldgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the Arrow Flight server listens, or when Flight is disabled. It does not wait for the
 * start-up warm-up of the read path ({@code goldgate.flight.warm-up}): a listening server answers
 * every read correctly, only the first one about a second more slowly while the warm-up runs, and
 * holding the whole gateway (Delta Sharing, online features) out of service for that would cost
 * more than it saves. The check's {@code warmUp} data says where it stands: running, done, failed
 * or off.
 */
@Readiness
@ApplicationScoped
public class FlightReadiness implements HealthCheck {

  private final GoldgateConfig config;
  private final FlightService flight;

  public FlightReadiness(GoldgateConfig config, FlightService flight) {
    this.config = config;
    this.flight = flight;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("flight");
    if (!config.flight().enabled()) {
      return response.up().withData("enabled", false).build();
    }
    ReadPathWarmUp warmUp = flight.warmUp();
    return response
        .status(flight.listening())
        .withData("enabled", true)
        .withData("port", flight.port())
        .withData("warmUp", warmUp == null ? "off" : warmUp.state().name().toLowerCase(java.util.Locale.ROOT))
        .build();
  }
}
