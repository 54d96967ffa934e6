package io.goldgate.admin;

import static io.goldgate.admin.RecipientApi.asAdmin;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * Behind a trusted reverse proxy (the tests' loopback peer is declared one) the allow-list and the
 * audit log apply to the address the proxy saw: the rightmost untrusted X-Forwarded-For entry.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@TestProfile(ForwardedClientAddressTest.BehindATrustedProxy.class)
class ForwardedClientAddressTest {

  public static class BehindATrustedProxy implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("goldgate.http.trusted-proxies", "127.0.0.1/32,::1/128,10.9.0.0/16");
    }
  }

  @Inject FlightService flight;

  @Test
  void givenATrustedProxy_whenItReportsAClient_thenTheAllowListAppliesToThatClient() {
    String name = uniqueName("proxied");
    String token = new RecipientApi().createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"ipAllowList\":[\"10.0.0.0/8\"]}");
    withToken(token).header("X-Forwarded-For", "10.20.30.40").get("/delta-sharing/shares").then().statusCode(200);
    withToken(token).header("X-Forwarded-For", "10.20.30.40, 10.9.0.1").get("/delta-sharing/shares").then().statusCode(200);
    withToken(token).header("X-Forwarded-For", "192.0.2.7").get("/delta-sharing/shares").then().statusCode(403)
        .body("message", equalTo("Recipient '" + name + "' may not connect from 192.0.2.7: the address is not in its IP allow-list"));
    withToken(token).get("/delta-sharing/shares").then().statusCode(403)
        .body("message", equalTo("Recipient '" + name + "' may not connect from 127.0.0.1: the address is not in its IP allow-list"));
  }

  @Test
  void givenAForgedLeftmostEntry_whenTheProxyAppendsTheRealClient_thenTheRealClientCounts() {
    String name = uniqueName("forged");
    String token = new RecipientApi().createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"ipAllowList\":[\"10.0.0.0/8\"]}");
    withToken(token).header("User-Agent", name).header("X-Forwarded-For", "10.1.2.3, 203.0.113.9").get("/delta-sharing/shares").then().statusCode(403)
        .body("message", equalTo("Recipient '" + name + "' may not connect from 203.0.113.9: the address is not in its IP allow-list"));
    withToken(token).header("X-Forwarded-For", "10.1.2.3, 203.0.113.9").contentType("application/json").body("{}").post("/get-online-features")
        .then().statusCode(403)
        .body("message", equalTo("Recipient '" + name + "' may not connect from 203.0.113.9: the address is not in its IP allow-list"));
    withToken(token).header("User-Agent", name).header("X-Forwarded-For", "203.0.113.9, garbage").get("/delta-sharing/shares").then().statusCode(403)
        .body("message", equalTo("Recipient '" + name + "' may not connect from 127.0.0.1: the address is not in its IP allow-list"));

    Await.until("the audit log has the two sharing calls", Duration.ofSeconds(10), () -> clientIps(name).size() == 2);
    assertEquals(List.of("127.0.0.1", "203.0.113.9"), clientIps(name), "newest first: the address the proxy saw");
  }

  @Test
  void givenATrustedGrpcProxy_whenItReportsAClient_thenFlightAppliesTheAllowListToThatClient() throws Exception {
    String name = uniqueName("grpc-proxied");
    String token = new RecipientApi().createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"ipAllowList\":[\"10.0.0.0/8\"]}");
    Instant since = Instant.now();
    try (var allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", flight.port())).build()) {
      assertEquals(91, client.getInfo(SALES, flightCall(token, "198.51.100.1, 10.20.30.40")).getRecords());
      FlightRuntimeException denied = assertThrows(FlightRuntimeException.class, () -> client.getInfo(SALES, flightCall(token, "10.20.30.40, 203.0.113.9")));
      assertEquals(FlightStatusCode.UNAUTHORIZED, denied.status().code());
      assertEquals("Recipient '" + name + "' may not connect from 203.0.113.9: the address is not in its IP allow-list", denied.status().description());
    }
    Await.until("the audit log has the two Flight calls", Duration.ofSeconds(10), () -> flightClientIps(since).size() == 2);
    assertEquals(List.of("203.0.113.9", "10.20.30.40"), flightClientIps(since));
  }

  static final FlightDescriptor SALES = FlightDescriptor.path("retail", "gold", "sales_daily");

  static CallOption flightCall(String token, String forwardedFor) {
    CallHeaders headers = new FlightCallHeaders();
    headers.insert("authorization", "Bearer " + token);
    headers.insert("x-forwarded-for", forwardedFor);
    return new HeaderCallOption(headers);
  }

  /** Client addresses of the audited Flight calls since {@code since}, newest first. */
  static List<String> flightClientIps(Instant since) {
    List<Map<String, Object>> events =
        asAdmin().queryParam("from", since.toString()).queryParam("limit", 1000).get("/admin/audit").then().statusCode(200).extract().jsonPath().getList("events");
    return events.stream().filter(e -> "flight".equals(e.get("protocol"))).map(e -> (String) e.get("clientIp")).toList();
  }

  /** Client addresses of the audited calls that sent {@code userAgent}, newest first. */
  static List<String> clientIps(String userAgent) {
    List<Map<String, Object>> events = asAdmin().queryParam("limit", 1000).get("/admin/audit").then().statusCode(200).extract().jsonPath().getList("events");
    return events.stream().filter(e -> userAgent.equals(e.get("userAgent"))).map(e -> (String) e.get("clientIp")).toList();
  }
}
