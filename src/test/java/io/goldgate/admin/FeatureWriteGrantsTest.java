package io.goldgate.admin;

import static io.goldgate.admin.RecipientApi.asAdmin;
import static io.goldgate.admin.RecipientApi.uniqueName;
import static io.goldgate.admin.RecipientApi.withToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code /admin/recipients/{name}/feature-writes}: the write grants of feature views, kept in the
 * recipient property goldgate.featureWrites, in embedded mode (recipients in the state file); a
 * push right after each change shows the recipient's next request follows it.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class FeatureWriteGrantsTest {

  final RecipientApi api = new RecipientApi();

  static final String READ_ONLY =
      "Recipient 'partner' is declared in the share catalog (shares/*.yaml) and is read-only through the admin API: change it there";
  static final String NO_GRANT =
      "You may not write feature view 'customer_stats': writes need the recipient property goldgate.featureWrites to list it";

  /** A push of customer_stats for one entity no other test reads. */
  static String push(long id) {
    return """
        {"push_source_name": "customer_stats", "to": "online", "df": {
          "customer_id": [%d], "last_order_ts": ["2030-01-02T00:00:00Z"], "segment": ["gold"], "lifetime_value": [1.5],
          "orders_count": [3], "avg_basket": [1.5], "is_active": [true], "churn_score": [null], "favorite_category": ["books"]}}
        """.formatted(id);
  }

  static int pushStatus(String token) {
    return withToken(token).contentType("application/json").body(push(960001)).post("/push").statusCode();
  }

  static String path(String name) {
    return "/admin/recipients/" + name + "/feature-writes";
  }

  @Test
  void givenAnApiRecipient_whenWritesAreGrantedListedAndRevoked_thenItsNextPushFollowsEachChange() {
    String name = uniqueName("pusher");
    String token = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"properties\":{\"region\":\"EMEA\"}}");
    asAdmin().get(path(name)).then().statusCode(200).body("recipient", equalTo(name)).body("featureViews", equalTo(List.of()));
    withToken(token).contentType("application/json").body(push(960001)).post("/push").then().statusCode(403)
        .body("errorCode", equalTo("PERMISSION_DENIED")).body("message", equalTo(NO_GRANT));

    asAdmin().put(path(name) + "/customer_stats").then().statusCode(200)
        .body("recipient", equalTo(name)).body("featureViews", equalTo(List.of("customer_stats")));
    asAdmin().put(path(name) + "/customer_stats").then().statusCode(200).body("featureViews", equalTo(List.of("customer_stats")));
    assertEquals(200, pushStatus(token));
    asAdmin().put(path(name) + "/inventory_position").then().statusCode(200)
        .body("featureViews", equalTo(List.of("customer_stats", "inventory_position")));
    // The property is the storage: what the catalog and PATCH set, other properties untouched.
    asAdmin().get("/admin/recipients/" + name).then().statusCode(200)
        .body("properties", equalTo(Map.of("region", "EMEA", "goldgate.featureWrites", "customer_stats,inventory_position")));
    asAdmin().get(path(name.toUpperCase())).then().statusCode(200).body("featureViews", equalTo(List.of("customer_stats", "inventory_position")));

    asAdmin().delete(path(name) + "/customer_stats").then().statusCode(200).body("featureViews", equalTo(List.of("inventory_position")));
    withToken(token).contentType("application/json").body(push(960001)).post("/push").then().statusCode(403).body("message", equalTo(NO_GRANT));
    withToken(token).contentType("application/json").body("{\"feature_views\":[\"customer_stats\"]}").post("/materialize").then().statusCode(403);
    asAdmin().delete(path(name) + "/customer_stats").then().statusCode(404)
        .body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST"))
        .body("message", equalTo("Writes of feature view 'customer_stats' are not granted to recipient '" + name + "'"));
    asAdmin().delete(path(name) + "/inventory_position").then().statusCode(200).body("featureViews", equalTo(List.of()));
    asAdmin().get("/admin/recipients/" + name).then().body("properties", equalTo(Map.of("region", "EMEA")));
  }

  @Test
  void givenTheWildcard_whenGranted_thenEveryViewIsWritableAndOnlyTheWildcardCanBeTakenBack() {
    String name = uniqueName("everything");
    String token = api.createAndActivate("{\"name\":\"" + name + "\",\"shares\":[\"retail\"]}");
    asAdmin().put(path(name) + "/*").then().statusCode(200).body("featureViews", equalTo(List.of("*")));
    assertEquals(200, pushStatus(token));
    asAdmin().put(path(name) + "/customer_stats").then().statusCode(200).body("featureViews", equalTo(List.of("*")));
    asAdmin().delete(path(name) + "/customer_stats").then().statusCode(409)
        .body("errorCode", equalTo("RESOURCE_CONFLICT"))
        .body("message", equalTo("Recipient '" + name + "' may write every feature view ('*'): take back '*' (DELETE /admin/recipients/" + name
            + "/feature-writes/*), then grant the views it keeps one by one"));
    assertEquals(200, pushStatus(token));
    asAdmin().delete(path(name) + "/*").then().statusCode(200).body("featureViews", equalTo(List.of()));
    assertEquals(403, pushStatus(token));
    asAdmin().delete(path(name) + "/*").then().statusCode(404)
        .body("message", equalTo("Writes of feature view '*' are not granted to recipient '" + name + "'"));
  }

  @Test
  void givenUnknownNamesOrACatalogRecipient_thenEachIsRefusedWithItsReason() {
    String name = uniqueName("strict");
    api.create("{\"name\":\"" + name + "\"}");
    asAdmin().put(path(name) + "/nope").then().statusCode(404)
        .body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST")).body("message", equalTo("No feature view 'nope' (feature views are case-sensitive)"));
    asAdmin().put(path(name) + "/Customer_Stats").then().statusCode(404)
        .body("message", equalTo("No feature view 'Customer_Stats' (feature views are case-sensitive)"));
    asAdmin().delete(path(name) + "/nope").then().statusCode(404).body("message", equalTo("No feature view 'nope' (feature views are case-sensitive)"));
    asAdmin().get(path(name)).then().statusCode(200).body("featureViews", equalTo(List.of()));

    String nobody = uniqueName("nobody");
    for (var answer : List.of(asAdmin().get(path(nobody)), asAdmin().put(path(nobody) + "/customer_stats"), asAdmin().delete(path(nobody) + "/customer_stats"))) {
      answer.then().statusCode(404).body("message", equalTo("Recipient '" + nobody + "' does not exist"));
    }

    // Catalog recipients are listed and read-only, as for every other change.
    asAdmin().get(path("partner")).then().statusCode(200).body("recipient", equalTo("partner")).body("featureViews", equalTo(List.of()));
    asAdmin().put(path("partner") + "/customer_stats").then().statusCode(409).body("errorCode", equalTo("RESOURCE_CONFLICT")).body("message", equalTo(READ_ONLY));
    asAdmin().delete(path("partner") + "/customer_stats").then().statusCode(409).body("message", equalTo(READ_ONLY));
    withToken(SampleLake.PARTNER_TOKEN).contentType("application/json").body(push(960002)).post("/push").then().statusCode(403);

    given().get(path(name)).then().statusCode(401);
    withToken(SampleLake.PARTNER_TOKEN).put(path(name) + "/customer_stats").then().statusCode(401).body("message", equalTo("Not the admin token"));
  }

  @Test
  void givenAPropertyAtItsLimits_whenAGrantWouldPassThem_thenItIs400AndNothingChanges() {
    // 1000 characters: the longest property value the admin API stores.
    String full = IntStream.range(0, 200).mapToObj(i -> "v%03d".formatted(i)).collect(Collectors.joining(",")).substring(0, 999) + "x";
    String name = uniqueName("crowded");
    api.create("{\"name\":\"" + name + "\",\"properties\":{\"goldgate.featureWrites\":\"" + full + "\"}}");
    asAdmin().put(path(name) + "/customer_stats").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", equalTo("properties.goldgate.featureWrites: at most 1000 characters; this grant would make it 1015 (grant '*' for every view)"));
    asAdmin().get("/admin/recipients/" + name).then().body("properties.'goldgate.featureWrites'", equalTo(full));

    String props = IntStream.range(0, 100).mapToObj(i -> "\"p" + i + "\":\"x\"").collect(Collectors.joining(","));
    String many = uniqueName("many");
    api.create("{\"name\":\"" + many + "\",\"properties\":{" + props + "}}");
    asAdmin().put(path(many) + "/customer_stats").then().statusCode(400).body("message", equalTo("properties: at most 100 entries, got 101"));
    asAdmin().get(path(many)).then().statusCode(200).body("featureViews", equalTo(List.of()));
  }
}
