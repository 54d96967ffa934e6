package io.goldgate.sharing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(SampleLake.class)
class AuthenticationTest extends SharingApiTestBase {

  @Test
  void everySharingCallWithoutATokenIs401WithABearerChallenge() {
    for (String path : new String[] {"/shares", "/shares/retail", "/shares/retail/schemas", "/shares/retail/all-tables", "/shares/retail/schemas/gold/tables/sales_daily/version", "/shares/retail/schemas/gold/tables/sales_daily/metadata"}) {
      given().get(PREFIX + path).then().statusCode(401)
          .header("WWW-Authenticate", equalTo("Bearer realm=\"goldgate\""))
          .body("errorCode", equalTo("UNAUTHENTICATED"));
    }
    given().body("{}").post(SALES + "/query").then().statusCode(401).body("errorCode", equalTo("UNAUTHENTICATED"));
  }

  @Test
  void anUnknownTokenIs401() {
    given().header("Authorization", "Bearer not-a-token").get(PREFIX + "/shares").then().statusCode(401)
        .body("message", equalTo("Unknown bearer token"));
  }

  @Test
  void anotherAuthSchemeIs401() {
    given().header("Authorization", "Basic dXNlcjpwYXNz").get(PREFIX + "/shares").then().statusCode(401)
        .body("message", containsString("Bearer"));
  }

  @Test
  void anExpiredTokenIs401AndSaysWhenItExpired() {
    given().header("Authorization", "Bearer " + SampleLake.EXPIRED_TOKEN).get(PREFIX + "/shares").then().statusCode(401)
        .body("errorCode", equalTo("UNAUTHENTICATED"))
        .body("message", containsString("expired at 2020-01-01T00:00:00Z"));
  }

  @Test
  void theSchemeNameIsCaseInsensitive() {
    given().header("Authorization", "bearer " + SampleLake.PARTNER_TOKEN).get(PREFIX + "/shares").then().statusCode(200);
  }
}
