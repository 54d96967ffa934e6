package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** A Brotli file whose uncompressed copy would pass {@code goldgate.flight.scratch-limit} is refused by name. */
@QuarkusTest
@WithTestResource(SampleLake.class)
@TestProfile(ScratchLimitTest.TinyScratchLimit.class)
class ScratchLimitTest {

  public static class TinyScratchLimit implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("goldgate.flight.scratch-limit", "1K");
    }
  }

  @Inject FlightService flight;

  @Test
  void aFileOverTheLimitIsRefusedNamingTheKey() throws Exception {
    try (var allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build()) {
      var auth = FlightTest.bearer(SampleLake.CONFORMANCE_TOKEN);
      FlightInfo info = client.getInfo(FlightDescriptor.path("conformance", "lake", "brotli_mixed"), auth);
      FlightRuntimeException e =
          assertThrows(FlightRuntimeException.class, () -> {
            for (FlightEndpoint endpoint : info.getEndpoints()) {
              try (FlightStream stream = client.getStream(endpoint.getTicket(), auth)) {
                while (stream.next()) {}
              }
            }
          });
      assertEquals(FlightStatusCode.INTERNAL, e.status().code());
      String message = e.status().description();
      assertTrue(message.startsWith("Table conformance.lake.brotli_mixed: data file part="), message);
      assertTrue(message.contains("(Parquet, codec BROTLI) cannot be read: the native reader lacks this codec, and an uncompressed copy needs "), message);
      assertTrue(message.endsWith("bytes, over goldgate.flight.scratch-limit (1024)"), message);
      // Files in codecs the native reader has are not limited.
      FlightInfo lz4 = client.getInfo(FlightDescriptor.path("conformance", "lake", "lz4_hadoop_mixed"), auth);
      long rows = 0;
      for (FlightEndpoint endpoint : lz4.getEndpoints()) {
        try (FlightStream stream = client.getStream(endpoint.getTicket(), auth)) {
          while (stream.next()) {
            rows += stream.getRoot().getRowCount();
          }
        }
      }
      assertEquals(60, rows);
    }
  }
}
