package io.goldgate.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock a test moves by hand. */
public final class HandClock extends Clock {

  private volatile Instant now;

  /**
   * Starting at a whole second of the present: JWTs carry whole seconds, and tokens a stub
   * identity provider signs with the real time stay valid.
   */
  public HandClock() {
    this(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
  }

  public HandClock(Instant start) {
    this.now = start;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }

  public void advance(Duration by) {
    now = now.plus(by);
  }

  public void set(Instant instant) {
    now = instant;
  }
}
