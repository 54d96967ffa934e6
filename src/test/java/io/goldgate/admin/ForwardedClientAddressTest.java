package io.goldgate.admin;

import static io.goldgate.admin.RecipientApi.uniqueName;
import static io.goldgate.admin.RecipientApi.withToken;
import static org.hamcrest.Matchers.equalTo;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behind a reverse proxy the operator turns on proxy address forwarding; the allow-list then
 * applies to the address the proxy reports, not to the proxy's own.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@TestProfile(ForwardedClientAddressTest.BehindAProxy.class)
class ForwardedClientAddressTest {

  public static class BehindAProxy implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.http.proxy.proxy-address-forwarding", "true", "quarkus.http.proxy.enable-forwarded-for", "true");
    }
  }

  @Test
  void givenProxyAddressForwarding_whenTheProxyReportsAClient_thenTheAllowListAppliesToThatClient() {
    String name = uniqueName("proxied");
    String token = new RecipientApi().createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"ipAllowList\":[\"10.0.0.0/8\"]}");
    withToken(token).header("X-Forwarded-For", "10.20.30.40").get("/delta-sharing/shares").then().statusCode(200);
    withToken(token).header("X-Forwarded-For", "192.0.2.7").get("/delta-sharing/shares").then().statusCode(403)
        .body("message", equalTo("Recipient '" + name + "' may not connect from 192.0.2.7: the address is not in its IP allow-list"));
    withToken(token).get("/delta-sharing/shares").then().statusCode(403);
  }
}
