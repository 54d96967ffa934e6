package io.goldgate.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls until something the gateway does in the background has happened, or fails the test. */
public final class Await {

  private static final long POLL_MILLIS = 50;

  private Await() {}

  public static void until(String what, Duration limit, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting until " + what);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }
}
