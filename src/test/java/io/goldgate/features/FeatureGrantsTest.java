package io.goldgate.features;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Online features are governed like the table data they come from (here on the embedded online
 * store). A view over a shared table is readable by the recipients of its share, and gives a
 * recipient whose rows that table restricts the entities of its rows only; a view over a bare
 * location only through a granted feature service. A refusal is a 403 naming the feature, never
 * values.
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
  void givenARecipientWhoseRowsOfTheSourceTableAreRestricted_whenLookingUp_thenItGetsTheEntitiesOfItsRowsOnly() {
    // regional_inventory reads regional.gold.inventory_by_warehouse, restricted per recipient to the
    // partition warehouse = its property; inventory_position reads the same table unrestricted.
    admin().post("/admin/features/views/regional_inventory/materialize").then().statusCode(200);
    admin().post("/admin/features/views/inventory_position/materialize").then().statusCode(200);
    List<String> skus = new ArrayList<>();
    List<String> warehouses = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      for (String warehouse : List.of("WH-BER", "WH-DAL", "WH-SIN")) {
        skus.add(String.format("SKU-%04d", i));
        warehouses.add(warehouse);
      }
    }
    String entities = "\"entities\":{\"sku\":" + json(skus) + ",\"warehouse\":" + json(warehouses) + "}";
    JsonPath all = lookup(SampleLake.PARTNER_TOKEN, "{\"features\":[\"inventory_position:on_hand\"]," + entities + "}").statusCode(200).extract().jsonPath();
    for (var recipient : java.util.Map.of(SampleLake.EMEA_TOKEN, "WH-BER", SampleLake.APAC_TOKEN, "WH-SIN").entrySet()) {
      JsonPath scoped = lookup(recipient.getKey(), "{\"features\":[\"regional_inventory:on_hand\"]," + entities + "}").statusCode(200).extract().jsonPath();
      int present = 0;
      for (int r = 0; r < skus.size(); r++) {
        boolean visible = warehouses.get(r).equals(recipient.getValue());
        String status = scoped.getString("results[2].statuses[" + r + "]");
        assertEquals(visible ? all.getString("results[2].statuses[" + r + "]") : "NOT_FOUND", status, skus.get(r) + "@" + warehouses.get(r));
        Object expected = visible ? all.get("results[2].values[" + r + "]") : null;
        assertEquals(expected, (Object) scoped.get("results[2].values[" + r + "]"));
        if (!visible) {
          assertEquals("1970-01-01T00:00:00Z", scoped.getString("results[2].event_timestamps[" + r + "]"));
        }
        present += "PRESENT".equals(status) ? 1 : 0;
      }
      assertTrue(present > 0, "the recipient's warehouse has stock items");
    }
    // Without the property the restriction needs, the table itself is refused, as on Delta Sharing.
    lookup(SampleLake.NO_REGION_TOKEN, "{\"features\":[\"regional_inventory:on_hand\"]," + entities + "}").statusCode(403)
        .body("errorCode", equalTo("PERMISSION_DENIED")).body("results", equalTo(null));
  }

  @Test
  void givenARecipientCreatedThroughTheAdminApi_whenGrantedAFeatureService_thenItReadsItsFeaturesUntilTheGrantIsTakenBack() {
    admin().post("/admin/features/views/location_customer_stats/materialize").then().statusCode(200);
    admin().contentType("application/json").body("{\"name\":\"svc-reader\",\"featureServices\":[\"no_such_service\"]}").post("/admin/recipients")
        .then().statusCode(400).body("message", equalTo("featureServices[0]: no feature service 'no_such_service' is defined (feature services are case-sensitive)"));
    String url = admin().contentType("application/json").body("{\"name\":\"svc-reader\",\"featureServices\":[\"location_service\"]}").post("/admin/recipients")
        .then().statusCode(201).body("recipient.featureServices", equalTo(List.of("location_service"))).extract().jsonPath().getString("activation.url");
    String token = given().post(java.net.URI.create(url).getPath()).then().statusCode(200).extract().jsonPath().getString("bearerToken");
    String service = "{\"feature_service\":\"location_service\",\"entities\":{\"customer_id\":[1]}}";
    lookup(token, service).statusCode(200).body("results[1].statuses", equalTo(List.of("PRESENT")));
    admin().delete("/admin/recipients/svc-reader/feature-services/location_service").then().statusCode(200).body("featureServices", equalTo(List.of()));
    assertRefused(token, service, "location_customer_stats:lifetime_value", "it is granted only through a feature service");
    admin().put("/admin/recipients/svc-reader/feature-services/location_service").then().statusCode(200).body("featureServices", equalTo(List.of("location_service")));
    lookup(token, service).statusCode(200);
    admin().put("/admin/recipients/svc-reader/feature-services/Location_Service").then().statusCode(400);
    admin().delete("/admin/recipients/svc-reader/feature-services/churn_model").then().statusCode(404);
    // Catalog recipients show their grants, read-only.
    admin().get("/admin/recipients/conformance").then().statusCode(200).body("featureServices", equalTo(List.of("location_service")));
    admin().delete("/admin/recipients/svc-reader").then().statusCode(204);
  }

  private static String json(List<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
  }

  private static io.restassured.specification.RequestSpecification admin() {
    return given().header("Authorization", "Bearer " + adminToken());
  }

  @Test
  void givenAViewOverABareLocation_whenNotGrantedThroughAFeatureService_thenEvenAShareRecipientIsRefused() {
    admin().post("/admin/features/views/location_customer_stats/materialize").then().statusCode(200);
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
