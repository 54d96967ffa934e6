package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.ImageMode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the Flight server starts. A native executable cannot be run here, so the mode is passed in. */
class FlightServiceModeTest {

  @Test
  void givenTheJvmAndFlightEnabled_thenTheServerStarts() {
    assertEquals(Optional.empty(), FlightService.notStartedBecause(true, ImageMode.JVM));
  }

  @Test
  void givenFlightDisabled_thenTheLogLineNamesTheSetting() {
    assertEquals(
        Optional.of("Arrow Flight is disabled (goldgate.flight.enabled=false)"), FlightService.notStartedBecause(false, ImageMode.JVM));
  }

  @Test
  void givenTheNativeExecutable_thenFlightIsNotStartedAndTheLogLineSaysToUseTheJvmImage() {
    String reason = FlightService.notStartedBecause(true, ImageMode.NATIVE_RUN).orElseThrow();
    assertTrue(reason.startsWith("Arrow Flight is not available in the native executable"), reason);
    assertTrue(reason.contains("run the JVM image for Flight and Flight SQL"), reason);
  }

  @Test
  void givenTheNativeExecutableAndFlightDisabled_thenTheSettingIsNamed() {
    assertEquals(
        Optional.of("Arrow Flight is disabled (goldgate.flight.enabled=false)"), FlightService.notStartedBecause(false, ImageMode.NATIVE_RUN));
  }
}
