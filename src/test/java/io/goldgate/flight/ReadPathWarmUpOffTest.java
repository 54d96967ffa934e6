package io.goldgate.flight;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.goldgate.testing.Management;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** With {@code goldgate.flight.warm-up=false} nothing runs, and the first read loads the native reader itself. */
@QuarkusTest
@WithTestResource(SampleLake.class)
@TestProfile(ReadPathWarmUpOffTest.Profile.class)
class ReadPathWarmUpOffTest {

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("goldgate.flight.warm-up", "false", "goldgate.features.enabled", "false");
    }
  }

  @Inject FlightService flight;

  @Test
  void noWarmUpRunsAndTheFirstReadStillWorks() throws Exception {
    assertNull(flight.warmUp());
    assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("goldgate-flight-warm-up")), "no warm-up thread");
    Management.given().get("/q/health/ready").then().statusCode(200)
        .body("checks.find { it.name == 'flight' }.status", equalTo("UP"))
        .body("checks.find { it.name == 'flight' }.data.warmUp", equalTo("off"));
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build()) {
      FlightInfo info = client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), FlightTest.PARTNER);
      long rows = 0;
      for (FlightEndpoint endpoint : info.getEndpoints()) {
        try (FlightStream stream = client.getStream(endpoint.getTicket(), FlightTest.PARTNER)) {
          while (stream.next()) {
            rows += stream.getRoot().getRowCount();
          }
        }
      }
      assertEquals(91, rows);
    }
    assertNull(flight.warmUp(), "still no warm-up");
    FlightTest.assertServerAllocatorEmpty(flight);
  }
}
