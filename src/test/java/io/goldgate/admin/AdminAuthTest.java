package io.goldgate.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
  @SuppressWarnings("unchecked")
  void givenTheAdminToken_whenAskingForStatus_thenHealthIsThatOfTheReadinessChecksAndCountsThoseOfTheOtherAdminListings() {
    var status = given().header("Authorization", "Bearer " + adminToken()).get("/admin/status").then().statusCode(200).extract().jsonPath();
    assertEquals(Map.of("catalog", "up", "redis", "embedded", "flight", "up"), status.getMap("health"));
    // Counted again from the table inventory and the recipient list.
    List<Map<String, Object>> tables = given().header("Authorization", "Bearer " + adminToken()).get("/admin/tables").then().statusCode(200)
        .extract().jsonPath().getList("$");
    int sharedNames = tables.stream().mapToInt(t -> ((List<?>) t.get("shares")).size()).sum();
    Set<String> views = new TreeSet<>();
    tables.forEach(t -> {
      if (t.get("featureViewReaders") != null) views.addAll(((Map<String, ?>) t.get("featureViewReaders")).keySet());
    });
    int recipients = given().header("Authorization", "Bearer " + adminToken()).get("/admin/recipients").then().statusCode(200)
        .extract().jsonPath().getList("$").size();
    assertEquals(Map.of("shares", 5, "tables", sharedNames, "recipients", recipients, "featureViews", views.size()), status.getMap("counts"));
    assertEquals(26, sharedNames, "the test catalog's shared tables");
  }

  @Test
  void givenTheAdminToken_whenCallingSharingEndpoints_thenItIsNotARecipientToken() {
    given().header("Authorization", "Bearer " + adminToken()).get("/delta-sharing/shares").then().statusCode(401);
  }
}
