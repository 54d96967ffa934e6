package io.goldgate.admin;

import static io.goldgate.admin.RecipientApi.asAdmin;
import static io.goldgate.admin.RecipientApi.uniqueName;
import static io.goldgate.admin.RecipientApi.withToken;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.goldgate.testing.Await;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

  /** Client addresses of the audited calls that sent {@code userAgent}, newest first. */
  static List<String> clientIps(String userAgent) {
    List<Map<String, Object>> events = asAdmin().queryParam("limit", 1000).get("/admin/audit").then().statusCode(200).extract().jsonPath().getList("events");
    return events.stream().filter(e -> userAgent.equals(e.get("userAgent"))).map(e -> (String) e.get("clientIp")).toList();
  }
}
