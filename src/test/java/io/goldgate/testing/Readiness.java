package io.goldgate.testing;

import io.restassured.RestAssured;
import java.util.concurrent.TimeUnit;

/**
 * Waits for the gateway under test to be ready again. Tests that stop and restart its Redis call it
 * before handing over: Lettuce reconnects with a back-off of up to a second or so, and the next test
 * class (same gateway) must not start against half-reconnected connections.
 */
public final class Readiness {

  private Readiness() {}

  public static void await() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (RestAssured.get("/q/health/ready").statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the gateway is not ready 20 s after Redis came back");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
