package io.goldgate.apidocs;

import static io.goldgate.testing.Management.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The API description on the management interface (see {@link ApiDocs}). */
@QuarkusTest
@WithTestResource(SampleLake.class)
class ApiDocsEndpointTest {

  @Test
  void givenNoFormat_whenFetchingTheDocument_thenItIsTheYamlFile() throws Exception {
    String yaml = given().get("/q/openapi").then().statusCode(200).contentType(startsWith("application/yaml")).extract().asString();
    assertEquals(ApiDocsCoverageTest.document(), new YAMLMapper().readTree(yaml));
  }

  @Test
  void givenFormatJson_whenFetchingTheDocument_thenItIsTheSameDocumentAsJson() throws Exception {
    String json = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).contentType(startsWith("application/json"))
        .body("openapi", equalTo("3.0.3")).extract().asString();
    JsonNode parsed = new ObjectMapper().readTree(json);
    assertEquals(ApiDocsCoverageTest.document(), parsed);
  }

  @Test
  void givenAnUnknownFormat_whenFetchingTheDocument_thenItIs400NamingTheChoices() {
    given().queryParam("format", "xml").get("/q/openapi").then().statusCode(400)
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", equalTo("format must be yaml or json, got 'xml'"));
  }

  @Test
  void givenSwaggerUi_whenOpened_thenThePageLoadsTheWebjarAssetsAndPointsAtTheJsonDocument() {
    String page = given().get("/q/swagger-ui").then().statusCode(200).contentType(startsWith("text/html"))
        .body(containsString("url: \"/q/openapi?format=json\"")).extract().asString();
    Matcher assets = Pattern.compile("src=\"(/q/swagger-ui/([0-9.]+)/)swagger-ui-bundle\\.js\"").matcher(page);
    assertTrue(assets.find(), page);
    assertEquals(ApiDocs.swaggerUiVersion(), assets.group(2));
    for (String asset : ApiDocs.SWAGGER_UI_ASSETS.keySet()) {
      assertTrue(page.contains(assets.group(1) + asset), asset + " is loaded by the page");
      given().get(assets.group(1) + asset).then().statusCode(200).contentType(ApiDocs.SWAGGER_UI_ASSETS.get(asset));
    }
    // Only what the page loads, nothing else of the webjar (its own index.html is a petstore demo).
    for (String other : List.of("index.html", "swagger-initializer.js", "oauth2-redirect.html")) {
      given().get(assets.group(1) + other).then().statusCode(404);
    }
  }

  @Test
  void givenThePublicPort_whenAskingForTheWebjar_thenSwaggerUiIsNotThere() {
    String webjar = "/webjars/swagger-ui/" + ApiDocs.swaggerUiVersion() + "/";
    for (String file : List.of("index.html", "swagger-ui-bundle.js", "swagger-ui.css")) {
      RestAssured.given().get(webjar + file).then().statusCode(404);
    }
  }
}
