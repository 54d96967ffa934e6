package io.goldgate.observability;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.goldgate.flight.FlightService;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.PrometheusScrape;
import io.goldgate.testing.RealRedis;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.DoublePredicate;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * What {@code /q/metrics} shows after real traffic of each kind. Counters are cumulative over the
 * whole test run (other test classes share this gateway), so every check compares a scrape taken
 * before the traffic with one taken after it.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@WithTestResource(RealRedis.class)
class MetricsTest {

  static final String SALES = "/delta-sharing/shares/retail/schemas/gold/tables/sales_daily";
  static final String QUERY_URI = "/delta-sharing/shares/{share}/schemas/{schema}/tables/{table}/query";

  @Inject FlightService flight;

  static io.restassured.specification.RequestSpecification partner() {
    return given().header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN);
  }

  /** Meters are recorded when the response ends, which may be just after the client has it. */
  static PrometheusScrape awaitValue(String name, DoublePredicate done, String... labels) throws InterruptedException {
    PrometheusScrape scrape = PrometheusScrape.now();
    for (int i = 0; i < 50 && !done.test(scrape.value(name, labels)); i++) {
      Thread.sleep(40);
      scrape = PrometheusScrape.now();
    }
    return scrape;
  }

  @Test
  void givenASharingQuery_whenScraping_thenItsTemplatedUriIsTimedWithHistogramBucketsUnderProtocolSharing() throws Exception {
    String[] series = {"method=POST", "uri=" + QUERY_URI, "status=200", "protocol=sharing"};
    double before = PrometheusScrape.now().value("http_server_requests_seconds_count", series);

    partner().contentType("application/json").body("{}").post(SALES + "/query").then().statusCode(200);

    PrometheusScrape after = awaitValue("http_server_requests_seconds_count", v -> v >= before + 1, series);
    assertEquals(before + 1, after.value("http_server_requests_seconds_count", series));
    // Fixed buckets from 0.5 ms to 60 s; +Inf counts every request.
    for (String le : new String[] {"5.0E-4", "0.001", "0.0025", "0.1", "1.0", "60.0", "+Inf"}) {
      assertTrue(after.has("http_server_requests_seconds_bucket", concat(series, "le=" + le)), "bucket le=" + le + "\n" + after.text());
    }
    assertEquals(before + 1, after.value("http_server_requests_seconds_bucket", concat(series, "le=+Inf")));
    assertTrue(after.value("http_server_requests_seconds_sum", series) > 0);
  }

  @Test
  void givenAFileDownload_whenScraping_thenServedBytesOfProtocolFilesGrowByTheFileSize() throws Exception {
    List<JsonNode> lines = Ndjson.lines(partner().contentType("application/json").body("{}").post(SALES + "/query").then().statusCode(200).extract().asString());
    JsonNode file = Ndjson.actions(lines, "file").get(0);
    long size = file.get("size").asLong();
    double before = PrometheusScrape.now().value("goldgate_served_bytes_total", "protocol=files");

    Response download = given().urlEncodingEnabled(false).get(file.get("url").asText());
    download.then().statusCode(200);
    assertEquals(size, download.asByteArray().length);
    Response range = given().urlEncodingEnabled(false).header("Range", "bytes=-8").get(file.get("url").asText());
    range.then().statusCode(206);

    PrometheusScrape after = PrometheusScrape.now();
    assertEquals(before + size + 8, after.value("goldgate_served_bytes_total", "protocol=files"), "the whole file, then its last 8 bytes");
    String[] files = {"method=GET", "uri=/delta-sharing/files/{tableId}/{file}", "status=200", "protocol=files"};
    assertTrue(awaitValue("http_server_requests_seconds_count", v -> v >= 1, files).value("http_server_requests_seconds_count", files) >= 1);
  }

  @Test
  void givenAFlightDoGet_whenScraping_thenCallsAreTimedByMethodAndStatusAndRecordBatchBytesAreCounted() throws Exception {
    String[] doGetOk = {"method=DO_GET", "status=OK", "protocol=flight"};
    String[] infoOk = {"method=GET_FLIGHT_INFO", "status=OK", "protocol=flight"};
    String[] infoRefused = {"method=GET_FLIGHT_INFO", "status=UNAUTHENTICATED", "protocol=flight"};
    PrometheusScrape before = PrometheusScrape.now();
    long sentBodyBytes = 0;
    int endpoints;
    try (BufferAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build()) {
      FlightInfo info = client.getInfo(
          FlightDescriptor.command("{\"table\":\"features.delta.orders_dv\",\"columns\":[\"order_id\"]}".getBytes(StandardCharsets.UTF_8)),
          bearer(SampleLake.PARTNER_TOKEN));
      endpoints = info.getEndpoints().size();
      long rows = 0;
      for (FlightEndpoint endpoint : info.getEndpoints()) {
        try (FlightStream stream = client.getStream(endpoint.getTicket(), bearer(SampleLake.PARTNER_TOKEN))) {
          while (stream.next()) {
            rows += stream.getRoot().getRowCount();
            try (ArrowRecordBatch batch = new VectorUnloader(stream.getRoot()).getRecordBatch()) {
              sentBodyBytes += batch.computeBodyLength();
            }
          }
        }
      }
      assertEquals(54, rows);
      assertThrows(FlightRuntimeException.class, () -> client.getInfo(FlightDescriptor.path("retail", "gold", "sales_daily"), bearer("not-a-token")));
    }

    PrometheusScrape after = awaitValue("goldgate_flight_calls_seconds_count", v -> v >= before.value("goldgate_flight_calls_seconds_count", doGetOk) + endpoints, doGetOk);
    assertEquals(before.value("goldgate_flight_calls_seconds_count", doGetOk) + endpoints, after.value("goldgate_flight_calls_seconds_count", doGetOk));
    assertEquals(before.value("goldgate_flight_calls_seconds_count", infoOk) + 1, after.value("goldgate_flight_calls_seconds_count", infoOk));
    assertEquals(before.value("goldgate_flight_calls_seconds_count", infoRefused) + 1, after.value("goldgate_flight_calls_seconds_count", infoRefused));
    assertTrue(after.has("goldgate_flight_calls_seconds_bucket", concat(doGetOk, "le=0.001")), after.text());
    assertEquals(sentBodyBytes, after.value("goldgate_served_bytes_total", "protocol=flight") - before.value("goldgate_served_bytes_total", "protocol=flight"),
        "the body bytes of every record batch the client received");
    assertTrue(sentBodyBytes >= 54 * 8, "54 order ids of 8 bytes at least: " + sentBodyBytes);
    assertEquals(0, awaitValue("goldgate_flight_streams_active", v -> v == 0, "protocol=flight").value("goldgate_flight_streams_active", "protocol=flight"),
        "every stream has ended");
  }

  @Test
  void givenAnOnlineFeaturesLookupAndAnAdminCall_whenScraping_thenTheyAreTimedUnderTheirProtocols() throws Exception {
    String[] lookup = {"method=POST", "uri=/get-online-features", "status=200", "protocol=features"};
    String[] admin = {"method=GET", "uri=/admin/status", "status=200", "protocol=admin"};
    PrometheusScrape before = PrometheusScrape.now();

    partner().contentType("application/json").body("{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[1]}}")
        .post("/get-online-features").then().statusCode(200);
    given().header("Authorization", "Bearer " + ConfigProvider.getConfig().getValue("goldgate.admin.token", String.class))
        .get("/admin/status").then().statusCode(200);

    PrometheusScrape after = awaitValue("http_server_requests_seconds_count", v -> v >= before.value("http_server_requests_seconds_count", admin) + 1, admin);
    assertEquals(before.value("http_server_requests_seconds_count", lookup) + 1, after.value("http_server_requests_seconds_count", lookup));
    assertEquals(before.value("http_server_requests_seconds_count", admin) + 1, after.value("http_server_requests_seconds_count", admin));
    assertTrue(after.has("http_server_requests_seconds_bucket", concat(lookup, "le=5.0E-4")), "sub-millisecond bucket for online lookups");
  }

  @Test
  void givenTheGatewayJustStarted_whenScraping_thenEveryGoldgateSeriesIsExposed() {
    PrometheusScrape scrape = PrometheusScrape.now();
    for (String[] series : new String[][] {
      {"goldgate_served_bytes_total", "protocol=files"},
      {"goldgate_served_bytes_total", "protocol=flight"},
      {"goldgate_flight_streams_active", "protocol=flight"},
      {"goldgate_redis_errors_total", "kind=timeout"},
      {"goldgate_redis_errors_total", "kind=unreachable"},
      {"goldgate_redis_errors_total", "kind=error"},
    }) {
      assertTrue(scrape.has(series[0], series[1]), series[0] + "{" + series[1] + "}\n" + scrape.text());
    }
  }

  static CallOption bearer(String token) {
    CallHeaders headers = new FlightCallHeaders();
    headers.insert("authorization", "Bearer " + token);
    return new HeaderCallOption(headers);
  }

  static String[] concat(String[] labels, String more) {
    String[] all = java.util.Arrays.copyOf(labels, labels.length + 1);
    all[labels.length] = more;
    return all;
  }
}
