package io.goldgate.sharing;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(SampleLake.class)
class ListingTest extends SharingApiTestBase {

  @Test
  void recipientSeesOnlyItsGrantedShares() {
    asPartner().get(PREFIX + "/shares").then().statusCode(200)
        .body("items.name", contains("features", "retail"))
        .body("nextPageToken", nullValue());
    asAnalyst().get(PREFIX + "/shares").then().statusCode(200).body("items.name", contains("finance", "retail"));
  }

  @Test
  void getShareReturnsItsStableIdAndComment() {
    asPartner().get(PREFIX + "/shares/retail").then().statusCode(200)
        .body("share.name", equalTo("retail"))
        .body("share.comment", equalTo("sample retail share"))
        .body("share.id", not(emptyOrNullString()));
  }

  @Test
  void namesAreCaseInsensitiveAndAnswerWithTheDeclaredSpelling() {
    asPartner().get(PREFIX + "/shares/RETAIL/schemas/GOLD/tables").then().statusCode(200)
        .body("items.name", contains("customer_features", "inventory_levels", "sales_daily"))
        .body("items.share", contains("retail", "retail", "retail"))
        .body("items.schema", contains("gold", "gold", "gold"));
  }

  @Test
  void listsSchemasOfAShare() {
    asPartner().get(PREFIX + "/shares/retail/schemas").then().statusCode(200)
        .body("items.name", contains("gold", "history"))
        .body("items.share", contains("retail", "retail"));
  }

  @Test
  void allTablesListsEveryTableOfEverySchemaWithIds() {
    asPartner().get(PREFIX + "/shares/retail/all-tables").then().statusCode(200)
        .body("items", hasSize(8))
        .body("items.name", contains("customer_features", "inventory_levels", "sales_daily", "corrupt_inventory", "growing_customers", "growing_sales", "missing_file_customers", "timed_sales"))
        .body("items.shareId.unique()", hasSize(1))
        .body("items.id.unique()", hasSize(8));
  }

  @Test
  void walkingPagesOfOneReturnsEveryTableExactlyOnceInOrder() {
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      var request = asPartner().queryParam("maxResults", 1);
      if (token != null) request.queryParam("pageToken", token);
      JsonPath page = request.get(PREFIX + "/shares/retail/all-tables").then().statusCode(200).extract().jsonPath();
      seen.addAll(page.getList("items.name"));
      token = page.getString("nextPageToken");
      pages++;
    } while (token != null && !token.isEmpty());
    assertEquals(List.of("customer_features", "inventory_levels", "sales_daily", "corrupt_inventory", "growing_customers", "growing_sales", "missing_file_customers", "timed_sales"), seen);
    assertEquals(8, pages);
  }

  @Test
  void maxResultsZeroReturnsNoItemsButATokenToContinue() {
    String token =
        asPartner().queryParam("maxResults", 0).get(PREFIX + "/shares/retail/schemas").then().statusCode(200)
            .body("items", hasSize(0))
            .extract().path("nextPageToken");
    asPartner().queryParam("pageToken", token).get(PREFIX + "/shares/retail/schemas").then().statusCode(200)
        .body("items.name", contains("gold", "history"));
  }

  @Test
  void aTamperedPageTokenIsRefused() {
    String token = asPartner().queryParam("maxResults", 1).get(PREFIX + "/shares/retail/schemas").then().extract().path("nextPageToken");
    String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
    asPartner().queryParam("pageToken", tampered).get(PREFIX + "/shares/retail/schemas").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"));
    asPartner().queryParam("pageToken", "garbage").get(PREFIX + "/shares/retail/schemas").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"));
  }

  @Test
  void aPageTokenOfAnotherListingOrRecipientIsRefused() {
    String schemasToken = asPartner().queryParam("maxResults", 1).get(PREFIX + "/shares/retail/schemas").then().extract().path("nextPageToken");
    asPartner().queryParam("pageToken", schemasToken).get(PREFIX + "/shares/retail/all-tables").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"));
    asAnalyst().queryParam("pageToken", schemasToken).get(PREFIX + "/shares/retail/schemas").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"));
  }

  @Test
  void maxResultsMustBeANonNegativeNumber() {
    asPartner().queryParam("maxResults", -1).get(PREFIX + "/shares").then().statusCode(400).body("errorCode", equalTo("INVALID_PARAMETER_VALUE"));
    asPartner().queryParam("maxResults", "ten").get(PREFIX + "/shares").then().statusCode(400).body("errorCode", equalTo("INVALID_PARAMETER_VALUE"));
  }

  @Test
  void unknownShareAndUngrantedShareLookTheSame() {
    String unknown = asPartner().get(PREFIX + "/shares/nope/schemas").then().statusCode(404)
        .body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST")).extract().path("message");
    String ungranted = asPartner().get(PREFIX + "/shares/finance/schemas").then().statusCode(404)
        .body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST")).extract().path("message");
    assertEquals(unknown.replace("nope", "X"), ungranted.replace("finance", "X"));
    asPartner().get(PREFIX + "/shares/finance").then().statusCode(404);
    asPartner().get(PREFIX + "/shares/finance/all-tables").then().statusCode(404);
  }

  @Test
  void unknownSchemaIs404() {
    asPartner().get(PREFIX + "/shares/retail/schemas/silver/tables").then().statusCode(404)
        .body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST"));
  }

  @Test
  void unknownEndpointAnswersWithAProtocolError() {
    asPartner().get(PREFIX + "/shares/retail/nothing/here").then().statusCode(404)
        .body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST"));
  }
}
