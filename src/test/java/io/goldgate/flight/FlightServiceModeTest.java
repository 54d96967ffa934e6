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

  @Test
  void givenASendBufferInRange_thenTheLowWaterMarkIsHalfOfIt() {
    var marks = FlightService.sendBuffer(4 << 20);
    assertEquals(4 << 20, marks.high());
    assertEquals(2 << 20, marks.low());
    assertEquals(64 << 10, FlightService.sendBuffer(64 << 10).high());
    assertEquals(256 << 20, FlightService.sendBuffer(256 << 20).high());
  }

  @Test
  void givenASendBufferOutOfRange_thenStartUpFailsNamingTheKeyAndTheBounds() {
    for (long bytes : new long[] {0, (64 << 10) - 1, (256L << 20) + 1, 8L << 30}) {
      var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> FlightService.sendBuffer(bytes));
      assertEquals("goldgate.flight.send-buffer must be from 64K to 256M, not " + bytes + " bytes", e.getMessage());
    }
  }
}
