package io.goldgate.apidocs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * OPTIONS lists exactly what a path of the public port serves; TRACE is refused everywhere and
 * echoes nothing. The management port's methods are HealthTest's.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class AllowedMethodsTest {

  private static final String[][] ALLOW = {
      {"/delta-sharing/shares", "GET, HEAD, OPTIONS"},
      {"/delta-sharing/shares/retail/schemas/gold/tables/sales_daily/query", "OPTIONS, POST"},
      {"/delta-sharing/shares/retail/schemas/gold/tables/sales_daily", "HEAD, OPTIONS"},
      {"/delta-sharing/activation/some-code", "GET, HEAD, OPTIONS, POST"},
      {"/delta-sharing/files/t/f", "GET, HEAD, OPTIONS"},
      {"/admin/recipients", "GET, HEAD, OPTIONS, POST"},
      {"/admin/recipients/acme", "DELETE, GET, HEAD, OPTIONS, PATCH"},
      {"/admin/recipients/acme/token", "OPTIONS, POST"},
      {"/admin/audit/stats", "GET, HEAD, OPTIONS"},
      {"/get-online-features", "OPTIONS, POST"},
  };

  @Test
  void optionsListsExactlyTheMethodsOfThePath() {
    for (String[] row : ALLOW) {
      given().options(row[0]).then().statusCode(204).header("Allow", equalTo(row[1])).body(emptyString());
    }
  }

  @Test
  void traceIsRefusedOnEveryPathWithoutEchoingTheRequest() {
    for (String path : new String[] {"/delta-sharing/shares", "/admin/recipients", "/get-online-features", "/q/health/live", "/q/metrics", "/no/such/path"}) {
      given().header("X-Echo-Me", "secret-value").request("TRACE", path)
          .then().statusCode(405).body("errorCode", equalTo("UNSUPPORTED_OPERATION"))
          .body("message", equalTo("Method TRACE is not allowed on this path"))
          .body(not(containsString("secret-value")));
    }
    given().request("TRACE", "/delta-sharing/shares").then().header("Allow", equalTo("GET, HEAD, OPTIONS"));
  }

  @Test
  void aMethodThePathDoesNotServeIs405WithItsAllow() {
    given().post("/delta-sharing/shares").then().statusCode(405).header("Allow", equalTo("GET, HEAD, OPTIONS"))
        .body("errorCode", equalTo("UNSUPPORTED_OPERATION"));
    given().delete("/delta-sharing/shares").then().statusCode(405).header("Allow", equalTo("GET, HEAD, OPTIONS"));
    given().get("/get-online-features").then().statusCode(405).header("Allow", equalTo("OPTIONS, POST"));
  }

  @Test
  void typedQueryParametersAreCheckedAgainstTheDocument() {
    String partner = "Bearer " + SampleLake.PARTNER_TOKEN;
    String[][] refused = {
        {"/delta-sharing/shares?maxResults=", "'maxResults' must be a whole number from 0 to 2147483647, got ''"},
        {"/delta-sharing/shares?maxResults=-1", "'maxResults' must be a whole number from 0 to 2147483647, got '-1'"},
        {"/delta-sharing/shares?maxResults=2147483648", "'maxResults' must be a whole number from 0 to 2147483647, got '2147483648'"},
        {"/delta-sharing/shares?maxResults=1.0", "'maxResults' must be a whole number from 0 to 2147483647, got '1.0'"},
        {"/delta-sharing/shares?maxResults=" + "9".repeat(100), "'maxResults' must be a whole number from 0 to 2147483647, got '" + "9".repeat(40) + "...'"},
        {"/delta-sharing/shares?maxResults=1&maxResults=2", "'maxResults' is given 2 times; give it at most once"},
        {"/delta-sharing/shares/retail/schemas/gold/tables/sales_daily/metadata?version=x", "'version' must be a whole number from 0 to 9223372036854775807, got 'x'"},
        {"/delta-sharing/shares/retail/schemas/gold/tables/sales_daily/changes?startingVersion=0&includeHistoricalMetadata=yes",
            "'includeHistoricalMetadata' must be true or false, got 'yes'"},
    };
    for (String[] row : refused) {
      given().urlEncodingEnabled(false).header("Authorization", partner).get(row[0]).then().statusCode(400)
          .body("errorCode", equalTo("INVALID_PARAMETER_VALUE")).body("message", equalTo(row[1]));
    }
    given().header("Authorization", partner).get("/delta-sharing/shares?maxResults=1").then().statusCode(200);
    // The delta-sharing Python connector spells booleans as Python does.
    given().header("Authorization", partner)
        .get("/delta-sharing/shares/features/schemas/delta/tables/events_cdf/changes?startingVersion=0&includeHistoricalMetadata=True")
        .then().statusCode(200);
    // The audit listing documents blank parameters as absent (allowEmptyValue).
    given().header("Authorization", "Bearer " + ConfigProvider.getConfig().getValue("goldgate.admin.token", String.class))
        .get("/admin/audit?limit=&to=").then().statusCode(200);
  }

  @Test
  void theMethodsComeFromTheDocumentWithLiteralSegmentsBeforeVariables() {
    AllowedMethods methods = new AllowedMethods();
    assertEquals(Set.of("GET", "HEAD", "OPTIONS"), methods.allowed("/admin/audit/stats"));
    assertEquals(Set.of(), methods.allowed("/admin/nothing/here/at/all"));
    assertEquals(Set.of(), methods.allowed("/delta-sharing/shares//schemas"));
  }
}
