package io.goldgate.flight;

import io.goldgate.config.GoldgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the Arrow Flight server listens, or when Flight is disabled. */
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
    return response.status(flight.listening()).withData("enabled", true).withData("port", flight.port()).build();
  }
}
