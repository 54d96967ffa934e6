package io.goldgate.admin;

import static io.goldgate.admin.RecipientApi.uniqueName;
import static io.goldgate.admin.RecipientApi.withToken;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.goldgate.flight.FlightService;
import io.goldgate.testing.Await;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * With no trusted proxy a forwarding header is the client's own claim and is ignored, on every face
 * and in the audit log, even with Quarkus' own proxy address forwarding switched on (which believes
 * anyone).
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@TestProfile(SpoofedClientAddressTest.QuarkusForwardingOn.class)
class SpoofedClientAddressTest {

  public static class QuarkusForwardingOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.http.proxy.proxy-address-forwarding", "true", "quarkus.http.proxy.allow-x-forwarded", "true");
    }
  }

  @Inject FlightService flight;

  @Test
  void givenNoTrustedProxy_whenAClientForgesItsAddress_thenTheAllowListDeniesIt() throws Exception {
    String name = uniqueName("spoofer");
    String token = new RecipientApi().createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"ipAllowList\":[\"10.0.0.0/8\"]}");
    String denied = "Recipient '" + name + "' may not connect from 127.0.0.1: the address is not in its IP allow-list";
    withToken(token).header("User-Agent", name).header("X-Forwarded-For", "10.1.2.3").get("/delta-sharing/shares").then().statusCode(403).body("message", equalTo(denied));
    withToken(token).header("User-Agent", name).header("X-Forwarded-For", "10.1.2.3, 203.0.113.9").get("/delta-sharing/shares").then().statusCode(403).body("message", equalTo(denied));
    withToken(token).header("User-Agent", name).header("Forwarded", "for=10.1.2.3").get("/delta-sharing/shares").then().statusCode(403).body("message", equalTo(denied));
    withToken(token).header("User-Agent", name).header("X-Forwarded-For", "10.1.2.3").contentType("application/json").body("{}").post("/get-online-features")
        .then().statusCode(403).body("message", equalTo(denied));

    try (var allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", flight.port())).build()) {
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
          () -> client.getInfo(ForwardedClientAddressTest.SALES, ForwardedClientAddressTest.flightCall(token, "10.1.2.3")));
      assertEquals(FlightStatusCode.UNAUTHORIZED, e.status().code());
      assertEquals(denied, e.status().description());
    }

    Await.until("the audit log has the three sharing calls", Duration.ofSeconds(10), () -> ForwardedClientAddressTest.clientIps(name).size() == 3);
    assertEquals(List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"), ForwardedClientAddressTest.clientIps(name));
  }
}
