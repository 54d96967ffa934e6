package io.goldgate.features;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Online features are governed like the table data they come from (the embedded online store; the
 * refusals happen before any read). A view over a shared table is readable by the recipients of its
 * share, and refused while that table restricts the recipient's rows; a view over a bare location
 * only through a granted feature service. A refusal is a 403 naming the feature, never values.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class FeatureGrantsTest {

  private static ValidatableResponse lookup(String token, String body) {
    return given().header("Authorization", "Bearer " + token).contentType("application/json").body(body).post("/get-online-features").then();
  }

  private static void assertRefused(String token, String body, String feature, String why) {
    lookup(token, body).statusCode(403)
        .body("errorCode", equalTo("PERMISSION_DENIED"))
        .body("message", equalTo("You may not read feature '" + feature + "': " + why))
        .body("results", equalTo(null));
  }

  @Test
  void givenTheRecipientOfTheViewsShare_whenLookingUpAFeatureService_thenItReads() {
    lookup(SampleLake.PARTNER_TOKEN, "{\"feature_service\":\"churn_model\",\"entities\":{\"customer_id\":[1]}}").statusCode(200);
    lookup(SampleLake.ANALYST_TOKEN, "{\"feature_service\":\"churn_model\",\"entities\":{\"customer_id\":[1]}}").statusCode(200);
  }

  @Test
  void givenARecipientNotGrantedTheViewsShare_whenLookingUp_thenItIsRefusedNamingTheFeature() {
    String churn = "{\"feature_service\":\"churn_model\",\"entities\":{\"customer_id\":[1]}}";
    assertRefused(SampleLake.EMEA_TOKEN, churn, "customer_stats:lifetime_value", "its table is not shared with you");
    assertRefused(SampleLake.CONFORMANCE_TOKEN, churn, "customer_stats:lifetime_value", "its table is not shared with you");
    assertRefused(SampleLake.EMEA_TOKEN, "{\"features\":[\"inventory_position:on_hand\"],\"entities\":{\"sku\":[\"a\"],\"warehouse\":[\"b\"]}}",
        "inventory_position:on_hand", "its table is not shared with you");
  }

  @Test
  void givenARecipientWhoseRowsOfTheSourceTableAreRestricted_whenLookingUp_thenItIsRefused() {
    String inventory = "{\"features\":[\"regional_inventory:on_hand\"],\"entities\":{\"sku\":[\"a\"],\"warehouse\":[\"b\"]}}";
    assertRefused(SampleLake.EMEA_TOKEN, inventory, "regional_inventory:on_hand",
        "the rows of its table are restricted for you, and online features are not yet served by row");
    // Without the property the restriction needs, the table itself is refused, as on Delta Sharing.
    lookup(SampleLake.NO_REGION_TOKEN, inventory).statusCode(403).body("errorCode", equalTo("PERMISSION_DENIED")).body("results", equalTo(null));
  }

  @Test
  void givenAViewOverABareLocation_whenNotGrantedThroughAFeatureService_thenEvenAShareRecipientIsRefused() {
    given().header("Authorization", "Bearer " + adminToken()).post("/admin/features/views/location_customer_stats/materialize").then().statusCode(200);
    assertRefused(SampleLake.PARTNER_TOKEN, "{\"features\":[\"location_customer_stats:lifetime_value\"],\"entities\":{\"customer_id\":[1]}}",
        "location_customer_stats:lifetime_value", "it is granted only through a feature service");
    JsonPath granted =
        lookup(SampleLake.CONFORMANCE_TOKEN, "{\"feature_service\":\"location_service\",\"entities\":{\"customer_id\":[1,2]}}").statusCode(200).extract().jsonPath();
    assertEquals(List.of("PRESENT", "PRESENT"), granted.getList("results[1].statuses"));
    // The service grants exactly its features: the view's other feature stays closed.
    assertRefused(SampleLake.CONFORMANCE_TOKEN, "{\"features\":[\"location_customer_stats:segment\"],\"entities\":{\"customer_id\":[1]}}",
        "location_customer_stats:segment", "it is granted only through a feature service");
  }

  private static String adminToken() {
    return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("goldgate.admin.token", String.class);
  }
}
