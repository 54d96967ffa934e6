package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** With a certificate and key configured, Flight speaks TLS only. */
@QuarkusTest
@WithTestResource(SampleLake.class)
@TestProfile(FlightTlsTest.Tls.class)
class FlightTlsTest {

  /**
   * A throwaway self-signed certificate for localhost, made with openssl before the server starts.
   * Its place is fixed: the profile and the test run in different class loaders and must agree.
   */
  public static class Tls implements QuarkusTestProfile {
    static final Path dir = Path.of("target", "flight-tls").toAbsolutePath();

    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve("cert.pem"))
            && Files.getLastModifiedTime(dir.resolve("cert.pem")).toMillis() > System.currentTimeMillis() - 3_600_000) {
          return overrides();
        }
        Process openssl =
            new ProcessBuilder(
                    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(openssl.getInputStream().readAllBytes());
        if (openssl.waitFor() != 0) {
          throw new IllegalStateException("openssl failed: " + output);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return overrides();
    }

    private static Map<String, String> overrides() {
      return Map.of(
          "goldgate.flight.tls-certificate", dir.resolve("cert.pem").toString(),
          "goldgate.flight.tls-key", dir.resolve("key.pem").toString());
    }
  }

  @Inject FlightService flight;

  @Test
  void aClientTrustingTheCertificateReadsOverTls() throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        InputStream cert = Files.newInputStream(Tls.dir.resolve("cert.pem"));
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcTls("localhost", flight.port())).trustedCertificates(cert).build()) {
      var info = client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), FlightTest.PARTNER);
      assertEquals(91, info.getRecords());
    }
  }

  @Test
  void aPlaintextClientCannotTalkToIt() throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build()) {
      assertThrows(FlightRuntimeException.class, () -> client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), FlightTest.PARTNER));
    }
  }
}
