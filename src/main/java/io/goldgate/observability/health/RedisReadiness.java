package io.goldgate.observability.health;

import io.goldgate.redis.RedisConnection;
import io.goldgate.redis.RedisUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the configured Redis answers PING within {@code goldgate.redis.timeout}; always ready
 * in embedded mode. Goes down and up with Redis, without a restart: the connection reconnects.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements HealthCheck {

  private final RedisConnection redis;

  public RedisReadiness(RedisConnection redis) {
    this.redis = redis;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("redis");
    if (!redis.configured()) {
      return response.up().withData("store", "embedded").build();
    }
    response.withData("store", redis.description());
    try {
      redis.ping();
      return response.up().build();
    } catch (RedisUnavailableException e) {
      return response.down().withData("error", e.getMessage()).build();
    }
  }
}
