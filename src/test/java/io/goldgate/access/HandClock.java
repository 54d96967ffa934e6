package io.goldgate.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves by hand, starting at a whole second of the present (JWTs carry whole
 * seconds, and tokens a stub identity provider signs with the real time stay valid).
 */
final class HandClock extends Clock {

  private volatile Instant now = Instant.ofEpochSecond(Instant.now().getEpochSecond());

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

  void advance(Duration by) {
    now = now.plus(by);
  }
}
