package io.goldgate.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Requests to the management interface of the gateway under test: health, metrics, the OpenAPI
 * document and Swagger UI listen there, on a port of their own ({@code quarkus.management.test-port}
 * is 0, so Quarkus picks a free one and publishes it under that key), not on RestAssured's default.
 */
public final class Management {

  private Management() {}

  public static RequestSpecification given() {
    return RestAssured.given().baseUri(url());
  }

  /** Base URL without a path, e.g. {@code http://localhost:40123}. */
  public static String url() {
    int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
    if (port == 0) {
      throw new IllegalStateException("the management interface has not started (quarkus.management.test-port is still 0)");
    }
    return "http://localhost:" + port;
  }
}
