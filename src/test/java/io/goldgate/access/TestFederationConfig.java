package io.goldgate.access;

import io.goldgate.config.GoldgateConfig;
import java.time.Duration;

/** {@code goldgate.federation.*} as a test sets it, with the documented defaults. */
record TestFederationConfig(
    Duration clockSkew,
    Duration keysRefreshInterval,
    Duration keysMaxAge,
    Duration keysMinRefreshInterval,
    Duration fetchTimeout,
    boolean allowHttp,
    int maxIssuers)
    implements GoldgateConfig.Federation {

  static final TestFederationConfig DEFAULTS =
      new TestFederationConfig(
          Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofSeconds(5), false, 100);
}
