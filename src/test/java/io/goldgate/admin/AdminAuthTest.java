package io.goldgate.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(SampleLake.class)
class AdminAuthTest {

  static String adminToken() {
    return ConfigProvider.getConfig().getValue("goldgate.admin.token", String.class);
  }

  @Test
  void givenNoToken_whenCallingTheAdminApi_thenItIs401WithABearerChallenge() {
    given().get("/admin/status").then().statusCode(401)
        .header("WWW-Authenticate", equalTo("Bearer realm=\"goldgate\""))
        .body("errorCode", equalTo("UNAUTHENTICATED"));
  }

  @Test
  void givenARecipientToken_whenCallingTheAdminApi_thenItIs401() {
    given().header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN).get("/admin/status").then().statusCode(401)
        .body("message", equalTo("Not the admin token"));
  }

  @Test
  void givenTheAdminToken_whenAskingForStatus_thenItDescribesTheReplica() {
    given().header("Authorization", "Bearer " + adminToken()).get("/admin/status").then().statusCode(200)
        .body("shares", equalTo(5)) // retail, features, finance (test.yaml), regional (test-regional.yaml), conformance
        .body("stateStore", equalTo("embedded"));
  }

  @Test
  void givenTheAdminToken_whenCallingSharingEndpoints_thenItIsNotARecipientToken() {
    given().header("Authorization", "Bearer " + adminToken()).get("/delta-sharing/shares").then().statusCode(401);
  }
}
