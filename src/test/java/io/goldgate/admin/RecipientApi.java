package io.goldgate.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Drives the admin recipient API and activation links the way an operator and a recipient would,
 * over real HTTP; every answer body is kept so a test can check what was (not) disclosed.
 */
final class RecipientApi {

  /** Every response body seen, activation profiles excepted (they carry the token by design). */
  final List<String> bodies = new ArrayList<>();

  static String adminToken() {
    return ConfigProvider.getConfig().getValue("goldgate.admin.token", String.class);
  }

  static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static RequestSpecification asAdmin() {
    return given().header("Authorization", "Bearer " + adminToken()).contentType("application/json");
  }

  static RequestSpecification withToken(String token) {
    return given().header("Authorization", "Bearer " + token);
  }

  Response keep(Response response) {
    bodies.add(response.asString());
    return response;
  }

  /** Creates a recipient; returns the answer (with the activation link). */
  JsonPath create(String json) {
    return keep(asAdmin().body(json).post("/admin/recipients")).then().statusCode(201).extract().jsonPath();
  }

  JsonPath issue(String name, String json) {
    return keep(asAdmin().body(json).post("/admin/recipients/" + name + "/token")).then().statusCode(200).extract().jsonPath();
  }

  /** Opens an activation link with an explicit POST (path only, so it works whatever host the link names). */
  static JsonPath activate(String url) {
    return given().post(URI.create(url).getPath()).then().statusCode(200)
        .header("Cache-Control", "no-store")
        .extract().jsonPath();
  }

  /** Creates a recipient and activates its link; returns the profile's bearer token. */
  String createAndActivate(String json) {
    JsonPath created = create(json);
    return activate(created.getString("activation.url")).getString("bearerToken");
  }

  int sharesStatus(String token) {
    return keep(withToken(token).get("/delta-sharing/shares")).statusCode();
  }

  static void sleepUntil(Instant instant) throws InterruptedException {
    long ms = Duration.between(Instant.now(), instant).toMillis() + 50;
    if (ms > 0) {
      Thread.sleep(ms);
    }
    assertTrue(Instant.now().isAfter(instant));
  }

  static void assertStatus(int expected, Response response) {
    assertEquals(expected, response.statusCode(), response.asString());
  }
}
