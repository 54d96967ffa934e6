package io.goldgate.sharing;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Query bodies are one JSON object whose known fields have the protocol's types; anything else is
 * a 400 naming the problem, never a query as if the body were empty. Bodies over the size limit
 * are 413 before they are read.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class StrictBodiesTest extends SharingApiTestBase {

  private static void refused(String body, String message) {
    asPartner().contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8)).post(SALES + "/query")
        .then().statusCode(400).body("errorCode", equalTo("MALFORMED_REQUEST")).body("message", equalTo(message));
  }

  @Test
  void aBodyThatIsNotAJsonObjectIs400() {
    String notAnObject = "The request body must be a JSON object, starting with '{'";
    refused("\u001e", notAnObject);
    refused("\u001c{}", notAnObject);
    refused("[]", notAnObject);
    refused("\"x\"", notAnObject);
    refused("null", notAnObject);
    refused("42", notAnObject);
    refused("{} {}", "The request body is not valid: (body): nothing may follow the JSON object");
    asPartner().contentType("application/json").body("{\"version\": ").post(SALES + "/query").then().statusCode(400)
        .body("errorCode", equalTo("MALFORMED_REQUEST")).body("message", startsWith("The request body is not valid JSON: "));
  }

  @Test
  void aKnownFieldOfTheWrongJsonTypeIs400NamingTheField() {
    refused("{\"version\":\"1\"}", "The request body is not valid: version: expected an integer");
    refused("{\"version\":1.5}", "The request body is not valid: version: expected an integer");
    refused("{\"maxFiles\":true}", "The request body is not valid: maxFiles: expected an integer");
    refused("{\"limitHint\":\"\"}", "The request body is not valid: limitHint: expected an integer");
    refused("{\"predicateHints\":\"a = 1\"}", "The request body is not valid: predicateHints: expected an array");
    refused("{\"predicateHints\":[1]}", "The request body is not valid: predicateHints.[0]: expected a string");
    refused("{\"timestamp\":20240101}", "The request body is not valid: timestamp: expected a string");
    refused("{\"includeRefreshToken\":\"yes\"}", "The request body is not valid: includeRefreshToken: expected a boolean (true or false)");
    refused("{\"includeRefreshToken\":1}", "The request body is not valid: includeRefreshToken: expected a boolean (true or false)");
    refused("{\"jsonPredicateHints\":{\"op\":\"equal\"}}", "The request body is not valid: jsonPredicateHints: expected a string");
  }

  @Test
  void aNullPredicateHintIs400() {
    asPartner().contentType("application/json").body("{\"predicateHints\":[\"id = 1\",null]}").post(SALES + "/query")
        .then().statusCode(400).body("errorCode", equalTo("INVALID_PARAMETER_VALUE")).body("message", equalTo("predicateHints[1]: must be a string, not null"));
  }

  @Test
  void anAbsentBodyOrUnknownFieldsStillQueryTheLatestVersion() {
    for (String body : new String[] {"", " \r\n\t", "{}", "{\"aFieldOfAFutureClient\":[1,2]}"}) {
      asPartner().contentType("application/json").body(body).post(SALES + "/query").then().statusCode(200);
    }
  }

  @Test
  void thePollOfAnAsyncQueryReadsItsBodyAsStrictly() {
    asPartner().contentType("application/json").body("\u001e").post(SALES + "/queries/some-id")
        .then().statusCode(400).body("message", equalTo("The request body must be a JSON object, starting with '{'"));
    asPartner().contentType("application/json").body("{\"maxFiles\":\"5\"}").post(SALES + "/queries/some-id")
        .then().statusCode(400).body("message", equalTo("The request body is not valid: maxFiles: expected an integer"));
  }

  @Test
  void aBodyOverTheLimitIs413BeforeItIsRead() {
    byte[] body = new byte[1024 * 1024 + 1];
    Arrays.fill(body, (byte) ' ');
    asPartner().contentType("application/json").body(body).post(SALES + "/query").then().statusCode(413)
        .header("Connection", "close")
        .body("errorCode", equalTo("INVALID_PARAMETER_VALUE"))
        .body("message", equalTo("The request body declares 1048577 bytes; at most 1048576 bytes are accepted (quarkus.http.limits.max-body-size)"));
    asPartner().contentType("application/json").body(new byte[1024 * 1024 - 1]).post(SALES + "/query").then().statusCode(400);
  }
}
