package io.goldgate.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** NDJSON answers travel gzip-compressed to clients that accept it, and only to those. */
@QuarkusTest
@WithTestResource(SampleLake.class)
class GzipResponsesTest extends SharingApiTestBase {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<byte[]> query(String table, String acceptEncoding) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + table + "/query"))
        .header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (acceptEncoding != null) {
      request.header("Accept-Encoding", acceptEncoding);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The lines without what differs from one answer to the next (URLs carry their issue time). */
  private static List<JsonNode> stable(String body) {
    List<JsonNode> lines = Ndjson.lines(body);
    for (JsonNode line : lines) {
      if (line.has("file")) {
        ((ObjectNode) line.get("file")).remove(List.of("url", "expirationTimestamp"));
      }
    }
    return lines;
  }

  @Test
  void aClientAcceptingGzipGetsTheSameLinesCompressed() throws Exception {
    HttpResponse<byte[]> plain = query(SALES, null);
    HttpResponse<byte[]> gzip = query(SALES, "gzip, deflate");
    assertEquals(200, gzip.statusCode());
    assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElse(null));
    assertTrue(gzip.headers().allValues("Vary").contains("Accept-Encoding"), gzip.headers().toString());
    assertEquals("4", gzip.headers().firstValue("Delta-Table-Version").orElse(null));
    byte[] inflated = new GZIPInputStream(new ByteArrayInputStream(gzip.body())).readAllBytes();
    assertTrue(gzip.body().length < inflated.length / 2, gzip.body().length + " compressed bytes of " + inflated.length);
    List<JsonNode> expected = stable(new String(plain.body(), StandardCharsets.UTF_8));
    assertEquals(16, expected.size());
    assertEquals(expected, stable(new String(inflated, StandardCharsets.UTF_8)));
  }

  @Test
  void aClientThatDoesNotAcceptGzipGetsPlainNdjson() throws Exception {
    for (String header : new String[] {null, "identity", "gzip;q=0", "br"}) {
      HttpResponse<byte[]> response = query(SALES, header);
      assertEquals(200, response.statusCode());
      assertEquals(null, response.headers().firstValue("Content-Encoding").orElse(null), String.valueOf(header));
      assertTrue(new String(response.body(), StandardCharsets.UTF_8).startsWith("{\"protocol\""), String.valueOf(header));
    }
  }

  @Test
  void metadataAnswersAreNeverCompressed() throws Exception {
    HttpResponse<byte[]> metadata = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + SALES + "/metadata"))
            .header("Authorization", "Bearer " + SampleLake.PARTNER_TOKEN).header("Accept-Encoding", "gzip").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, metadata.statusCode());
    assertEquals(null, metadata.headers().firstValue("Content-Encoding").orElse(null));
    assertTrue(new String(metadata.body(), StandardCharsets.UTF_8).startsWith("{\"protocol\""));
  }

  @Test
  void errorsAndDataFilesAreNeverCompressed() throws Exception {
    HttpResponse<byte[]> missing = query(PREFIX + "/shares/retail/schemas/gold/tables/no_such_table", "gzip");
    assertEquals(404, missing.statusCode());
    assertTrue(new String(missing.body(), StandardCharsets.UTF_8).contains("RESOURCE_DOES_NOT_EXIST"));
    String url = TableQueryTest.files(TableQueryTest.query(SALES, "{}")).get(0).get("url").asText();
    HttpResponse<byte[]> file = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, file.statusCode());
    assertEquals(null, file.headers().firstValue("Content-Encoding").orElse(null));
    assertEquals("PAR1", new String(file.body(), 0, 4, StandardCharsets.US_ASCII));
  }
}
