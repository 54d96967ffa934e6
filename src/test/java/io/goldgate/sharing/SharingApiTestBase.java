package io.goldgate.sharing;

import static io.restassured.RestAssured.given;

import io.goldgate.testing.SampleLake;
import io.restassured.specification.RequestSpecification;

/** Shared request builders for tests that talk to the Delta Sharing API. */
abstract class SharingApiTestBase {

  static final String PREFIX = "/delta-sharing";
  static final String SALES = PREFIX + "/shares/retail/schemas/gold/tables/sales_daily";
  static final String CUSTOMERS = PREFIX + "/shares/retail/schemas/gold/tables/customer_features";
  static final String INVENTORY = PREFIX + "/shares/retail/schemas/gold/tables/inventory_levels";

  static RequestSpecification asPartner() {
    return given().header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN);
  }

  static RequestSpecification asAnalyst() {
    return given().header("Authorization", "Bearer " + SampleLake.ANALYST_TOKEN);
  }
}
