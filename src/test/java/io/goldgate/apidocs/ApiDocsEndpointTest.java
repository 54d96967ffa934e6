package io.goldgate.apidocs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

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
    Matcher bundle = Pattern.compile("src=\"(/webjars/swagger-ui/[0-9.]+/swagger-ui-bundle\\.js)\"").matcher(page);
    org.junit.jupiter.api.Assertions.assertTrue(bundle.find(), page);
    given().get(bundle.group(1)).then().statusCode(200).contentType(containsString("javascript"));
    given().get(bundle.group(1).replace("swagger-ui-bundle.js", "swagger-ui.css")).then().statusCode(200);
  }
}
