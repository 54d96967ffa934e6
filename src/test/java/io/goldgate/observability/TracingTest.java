package io.goldgate.observability;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.testing.OtlpReceiver;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With tracing switched on, a Delta Sharing request reaches an OTLP receiver as a server span. */
@QuarkusTest
@TestProfile(TracingAndJsonLogsProfile.class)
@WithTestResource(SampleLake.class)
@WithTestResource(OtlpReceiver.class)
class TracingTest {

  static final String ROUTE = "/delta-sharing/shares/{share}/schemas/{schema}/tables/{table}/query";
  static final int SERVER = 2; // Span.SpanKind.SPAN_KIND_SERVER

  @Test
  void givenTracingIsOn_whenASharingQueryIsServed_thenItsServerSpanIsExportedWithRouteAndStatus() throws Exception {
    given().header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN).contentType("application/json").body("{}")
        .post("/delta-sharing/shares/retail/schemas/gold/tables/sales_daily/query").then().statusCode(200);

    List<OtlpReceiver.Span> spans = List.of();
    for (int i = 0; i < 100; i++) {
      spans = OtlpReceiver.spans().stream().filter(s -> ROUTE.equals(s.attributes().get("http.route"))).toList();
      if (!spans.isEmpty()) break;
      Thread.sleep(50);
    }
    assertEquals(1, spans.size(), "one span for the one query; received: " + OtlpReceiver.spans() + " at " + OtlpReceiver.paths());
    OtlpReceiver.Span span = spans.get(0);
    assertEquals("POST " + ROUTE, span.name());
    assertEquals(SERVER, span.kind());
    assertEquals(200L, span.attributes().get("http.response.status_code"));
    assertTrue(OtlpReceiver.paths().stream().allMatch(p -> p.equals("/v1/traces")), OtlpReceiver.paths().toString());
  }
}
