package io.goldgate.testing;

import java.time.Duration;

/**
 * Waits for the gateway under test to be ready again. Tests that stop and restart its Redis call it
 * before handing over: Lettuce reconnects with a back-off of up to a second or so, and the next test
 * class (same gateway) must not start against half-reconnected connections.
 */
public final class Readiness {

  private Readiness() {}

  public static void await() {
    Await.until("the gateway is ready after Redis came back", Duration.ofSeconds(20),
        () -> Management.given().get("/q/health/ready").statusCode() == 200);
  }
}
