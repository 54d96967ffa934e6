package io.goldgate.flight;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.goldgate.audit.AuditLog;
import io.goldgate.testing.Await;
import io.goldgate.testing.Management;
import io.goldgate.testing.PrometheusScrape;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The start-up warm-up of the Flight read path ({@code goldgate.flight.warm-up}): it reads its
 * bundled file through the real read path once start-up is over, and leaves no memory, scratch
 * file, audit event or served-bytes metric behind. A gateway of its own, so that nothing else has
 * read over Flight when the metrics and the audit are looked at.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@TestProfile(ReadPathWarmUpTest.WarmUpOn.class)
class ReadPathWarmUpTest {

  public static class WarmUpOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("goldgate.flight.warm-up", "true", "goldgate.features.enabled", "false");
    }
  }

  @Inject FlightService flight;
  @Inject AuditLog audit;

  /** Waits (at most a minute, on a busy machine) until the warm-up has ended, and returns it. */
  static ReadPathWarmUp ended(FlightService flight) {
    ReadPathWarmUp warmUp = flight.warmUp();
    assertNotNull(warmUp, "the warm-up was started");
    Await.until("the warm-up has ended", Duration.ofMinutes(1), () -> switch (warmUp.state()) {
      case WAITING, RUNNING -> false;
      case DONE, FAILED, CANCELLED -> true;
    });
    return warmUp;
  }

  @Test
  void theWarmUpReadsItsFileAndLeavesNothingBehind() throws Exception {
    ReadPathWarmUp warmUp = ended(flight);
    assertEquals(ReadPathWarmUp.State.DONE, warmUp.state());
    assertEquals(ReadPathWarmUp.ROWS, warmUp.rows(), "every row of the bundled file was read and serialized");
    assertEquals(0, flight.allocatedBytes(), "the warm-up's allocator is closed");
    assertFalse(Files.exists(warmUp.scratch()), "its scratch directory is deleted: " + warmUp.scratch());
    String prefix = ReadPathWarmUp.SCRATCH_PREFIX + ProcessHandle.current().pid() + "-";
    try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertEquals(List.of(), tmp.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList(), "no scratch file of this process is left");
    }
    PrometheusScrape metrics = PrometheusScrape.now();
    assertEquals(0, metrics.value("goldgate_served_bytes_total", "protocol=flight"), "the warm-up served nobody");
    assertFalse(metrics.has("goldgate_flight_calls_seconds_count"), "and made no Flight call");
    assertEquals(0, audit.stats().written() + audit.stats().queued(), "nor an audit event");
    Management.given().get("/q/health/ready").then().statusCode(200)
        .body("checks.find { it.name == 'flight' }.status", equalTo("UP"))
        .body("checks.find { it.name == 'flight' }.data.warmUp", equalTo("done"));
  }
}
