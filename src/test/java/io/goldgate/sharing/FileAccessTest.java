package io.goldgate.sharing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.goldgate.access.Signer;
import io.goldgate.http.RoutePaths;
import io.goldgate.testing.Ndjson;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Downloads through pre-signed file URLs: exact bytes, ranges, and every way a URL can be abused. */
@QuarkusTest
@WithTestResource(SampleLake.class)
class FileAccessTest extends SharingApiTestBase {

  private static final Signer TEST_SIGNER = new Signer(SampleLake.SIGNING_KEY);

  record Issued(String tableId, String encodedPath, String relativePath, long expires, String recipient, String sig) {
    static Issued parse(String url) {
      URI uri = URI.create(url);
      String[] parts = uri.getPath().substring(RoutePaths.FILES.length()).split("/");
      java.util.Map<String, String> query = new java.util.HashMap<>();
      for (String pair : uri.getQuery().split("&")) {
        query.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
      assertEquals("r", query.get("sp"), "marks the URL as pre-signed for Delta kernels");
      assertEquals(java.util.Set.of("sp", "e", "r", "s"), query.keySet());
      assertEquals(22, query.get("s").length(), "a 128-bit signature");
      return new Issued(
          parts[0],
          parts[1],
          new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8),
          Long.parseLong(query.get("e")),
          query.get("r"),
          query.get("s"));
    }

    String path() {
      return RoutePaths.FILES + tableId + "/" + encodedPath;
    }

    /** The URL's query, as issued. */
    String query() {
      return "?sp=r&e=" + expires + "&r=" + recipient + "&s=" + sig;
    }

    Issued withSig(String other) {
      return new Issued(tableId, encodedPath, relativePath, expires, recipient, other);
    }

    Issued withExpires(long other) {
      return new Issued(tableId, encodedPath, relativePath, other, recipient, sig);
    }

    Issued withRecipient(String other) {
      return new Issued(tableId, encodedPath, relativePath, expires, other, sig);
    }
  }

  static Issued anyFileOf(String table) {
    List<JsonNode> files = TableQueryTest.files(TableQueryTest.query(table, "{}"));
    return Issued.parse(files.get(0).get("url").asText());
  }

  /** The relative path from a query URL is only used to find the local file to compare with. */
  static byte[] localBytes(String table, Issued issued) throws Exception {
    return Files.readAllBytes(SampleLake.SAMPLE_LAKE.resolve(table).resolve(issued.relativePath()));
  }

  /** A URL query signed like the gateway signs one, naming no recipient. */
  static String signedQuery(String tableId, String relative, long expiresSeconds) {
    return "?sp=r&e=" + expiresSeconds + "&s=" + TEST_SIGNER.signShort(FileUrls.PURPOSE, compactPayload(tableId, relative, expiresSeconds, null));
  }

  /** The documented payload of a file URL's signature, written out independently of FileUrls. */
  static String compactPayload(String tableId, String relative, long expiresSeconds, String recipient) {
    return tableId + "\n" + relative.length() + ":" + relative + "\n" + expiresSeconds + "\n" + (recipient == null ? "" : "r:" + recipient);
  }

  static String encode(String relative) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(relative.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aFileUrlDownloadsTheExactBytesWithoutABearerToken() throws Exception {
    List<JsonNode> files = TableQueryTest.files(TableQueryTest.query(SALES, "{}"));
    for (JsonNode file : files) {
      Issued issued = Issued.parse(file.get("url").asText());
      byte[] body = given().urlEncodingEnabled(false).get(issued.path() + issued.query())
          .then().statusCode(200).header("Accept-Ranges", "bytes").extract().asByteArray();
      assertArrayEquals(localBytes("sales_daily", issued), body);
      assertEquals(file.get("size").asLong(), body.length);
    }
  }

  @Test
  void urlsOfUnicodePathsAreSignedAsTheDocumentedPayloadAndDownload() throws Exception {
    // Partition directories of characters across Unicode planes, Hive-escaped on disk and escaped
    // again in the log (%25..): the issued signature must be compactPayload's, which verification
    // computes.
    String table = "/delta-sharing/shares/conformance/schemas/lake/tables/brotli_mixed";
    List<JsonNode> files = Ndjson.actions(RowRestrictionTest.query(SampleLake.CONFORMANCE_TOKEN, table, "{}"), "file");
    assertTrue(files.stream().anyMatch(f -> Issued.parse(f.get("url").asText()).relativePath().contains("%F0%A0%AE%B7")), "a Hive-escaped astral character");
    for (JsonNode file : files) {
      Issued issued = Issued.parse(file.get("url").asText());
      assertEquals(
          TEST_SIGNER.signShort(FileUrls.PURPOSE, compactPayload(issued.tableId(), issued.relativePath(), issued.expires(), issued.recipient())),
          issued.sig(),
          issued.relativePath());
      byte[] body = given().urlEncodingEnabled(false).get(issued.path() + issued.query()).then().statusCode(200).extract().asByteArray();
      assertEquals(file.get("size").asLong(), body.length);
      assertArrayEquals(Files.readAllBytes(SampleLake.CONFORMANCE_LAKE.resolve("brotli_mixed").resolve(issued.relativePath())), body);
    }
  }

  @Test
  void theUrlIsAbsoluteAndWorksAsIssued() throws Exception {
    String url = TableQueryTest.files(TableQueryTest.query(SALES, "{}")).get(0).get("url").asText();
    URI uri = URI.create(url);
    assertEquals(RestAssured.port, uri.getPort());
    byte[] body = given().urlEncodingEnabled(false).get(url).then().statusCode(200).extract().asByteArray();
    assertEquals("PAR1", new String(Arrays.copyOfRange(body, 0, 4), StandardCharsets.US_ASCII));
  }

  @Test
  void rangeRequestsReturnPartialContent() throws Exception {
    Issued issued = anyFileOf(SALES);
    byte[] local = localBytes("sales_daily", issued);
    String q = issued.query();
    byte[] head = given().urlEncodingEnabled(false).header("Range", "bytes=0-3").get(issued.path() + q)
        .then().statusCode(206).header("Content-Range", "bytes 0-3/" + local.length).header("Content-Length", "4").extract().asByteArray();
    assertEquals("PAR1", new String(head, StandardCharsets.US_ASCII));
    byte[] tail = given().urlEncodingEnabled(false).header("Range", "bytes=-8").get(issued.path() + q).then().statusCode(206).extract().asByteArray();
    assertArrayEquals(Arrays.copyOfRange(local, local.length - 8, local.length), tail);
    byte[] rest = given().urlEncodingEnabled(false).header("Range", "bytes=100-").get(issued.path() + q).then().statusCode(206).extract().asByteArray();
    assertArrayEquals(Arrays.copyOfRange(local, 100, local.length), rest);
    given().urlEncodingEnabled(false).header("Range", "bytes=" + local.length + "-").get(issued.path() + q).then().statusCode(416)
        .header("Content-Range", "bytes */" + local.length);
    given().urlEncodingEnabled(false).head(issued.path() + q).then().statusCode(200).header("Content-Length", String.valueOf(local.length));
  }

  @Test
  void rangePositionsPast64BitsAreClampedOrUnsatisfiableNeverAnError() throws Exception {
    Issued issued = anyFileOf(SALES);
    byte[] local = localBytes("sales_daily", issued);
    String url = issued.path() + issued.query();
    String whole = "bytes 0-" + (local.length - 1) + "/" + local.length;
    for (String range : new String[] {"bytes=0-99999999999999999999", "bytes=-9999999999999999999999", "bytes=0-" + "9".repeat(4000)}) {
      byte[] body = given().urlEncodingEnabled(false).header("Range", range).get(url)
          .then().statusCode(206).header("Content-Range", whole).extract().asByteArray();
      assertArrayEquals(local, body, range);
      given().urlEncodingEnabled(false).header("Range", range).head(url)
          .then().statusCode(206).header("Content-Range", whole).header("Content-Length", String.valueOf(local.length));
    }
    for (String range : new String[] {"bytes=99999999999999999999-", "bytes=" + "1".repeat(4000) + "-"}) {
      given().urlEncodingEnabled(false).header("Range", range).get(url)
          .then().statusCode(416).header("Content-Range", "bytes */" + local.length);
      given().urlEncodingEnabled(false).header("Range", range).head(url)
          .then().statusCode(416).header("Content-Range", "bytes */" + local.length);
    }
  }

  @Test
  void anInvalidRangeHeaderIsIgnoredAndTheWholeFileServed() throws Exception {
    Issued issued = anyFileOf(SALES);
    byte[] local = localBytes("sales_daily", issued);
    String url = issued.path() + issued.query();
    for (String range : new String[] {"bytes=5-2", "bytes=x-", "bytes=0-1,4-5", "pages=0-3", "bytes=99999999999999999999-1"}) {
      byte[] body = given().urlEncodingEnabled(false).header("Range", range).get(url)
          .then().statusCode(200).header("Content-Length", String.valueOf(local.length)).extract().asByteArray();
      assertArrayEquals(local, body, range);
      given().urlEncodingEnabled(false).header("Range", range).head(url).then().statusCode(200);
    }
  }

  @Test
  void aTamperedSignatureIs403() {
    Issued issued = anyFileOf(SALES);
    String bad = (issued.sig().charAt(0) == 'A' ? "B" : "A") + issued.sig().substring(1);
    given().urlEncodingEnabled(false).get(issued.path() + issued.withSig(bad).query()).then().statusCode(403)
        .body("errorCode", equalTo("PERMISSION_DENIED"));
    given().urlEncodingEnabled(false).get(issued.path() + issued.withSig(issued.sig().substring(0, 21)).query()).then().statusCode(403);
    given().urlEncodingEnabled(false).get(issued.path() + "?sp=r&e=" + issued.expires() + "&r=" + issued.recipient()).then().statusCode(403);
  }

  @Test
  void anExtendedExpiryBreaksTheSignature() {
    Issued issued = anyFileOf(SALES);
    given().urlEncodingEnabled(false).get(issued.path() + issued.withExpires(issued.expires() + 1_000).query()).then().statusCode(403);
  }

  @Test
  void theRecipientIsBoundToTheSignature() {
    Issued issued = anyFileOf(SALES);
    given().urlEncodingEnabled(false).get(issued.path() + issued.withRecipient("someone-else").query()).then().statusCode(403);
    // Dropping the name does not make an anonymous URL either.
    given().urlEncodingEnabled(false).get(issued.path() + "?sp=r&e=" + issued.expires() + "&s=" + issued.sig()).then().statusCode(403);
  }

  @Test
  void aUrlOfTheFirstFormatStillDownloadsSoARollingUpgradeBreaksNoRead() throws Exception {
    Issued issued = anyFileOf(SALES);
    long expiresMillis = System.currentTimeMillis() + 60_000;
    String sig = TEST_SIGNER.sign(FileUrls.LEGACY_PURPOSE, FileUrls.payload(issued.tableId(), issued.relativePath(), expiresMillis));
    String rs = TEST_SIGNER.sign(FileUrls.RECIPIENT_PURPOSE, sig + "\n" + issued.recipient());
    byte[] body = given().urlEncodingEnabled(false)
        .get(issued.path() + "?sp=r&expires=" + expiresMillis + "&sig=" + sig + "&r=" + issued.recipient() + "&rs=" + rs)
        .then().statusCode(200).extract().asByteArray();
    assertArrayEquals(localBytes("sales_daily", issued), body);
    given().urlEncodingEnabled(false).get(issued.path() + "?sp=r&expires=" + (expiresMillis + 1) + "&sig=" + sig).then().statusCode(403);
  }

  @Test
  void anotherFilesPathUnderTheSameSignatureIs403() {
    List<JsonNode> files = TableQueryTest.files(TableQueryTest.query(SALES, "{}"));
    Issued a = Issued.parse(files.get(0).get("url").asText());
    Issued b = Issued.parse(files.get(1).get("url").asText());
    given().urlEncodingEnabled(false).get(RoutePaths.FILES + a.tableId() + "/" + b.encodedPath() + a.query())
        .then().statusCode(403);
  }

  @Test
  void anExpiredUrlIs403AndSaysSo() {
    Issued issued = anyFileOf(SALES);
    long past = System.currentTimeMillis() / 1000 - 1;
    given().urlEncodingEnabled(false)
        .get(issued.path().replace(issued.encodedPath(), encode(issued.relativePath())) + signedQuery(issued.tableId(), issued.relativePath(), past))
        .then().statusCode(403)
        .body("errorCode", equalTo("PERMISSION_DENIED"))
        .body("message", org.hamcrest.Matchers.containsString("expired"));
  }

  @Test
  void evenAValidlySignedPathCannotLeaveTheTableDirectory() {
    Issued issued = anyFileOf(SALES);
    long expires = System.currentTimeMillis() / 1000 + 60;
    for (String escape : new String[] {"../customer_features/_delta_log/00000000000000000000.json", "../../sample.yaml", "/etc/passwd", "sale_date=2026-01-05/../../../../../../etc/hostname"}) {
      given().urlEncodingEnabled(false)
          .get(RoutePaths.FILES + issued.tableId() + "/" + encode(escape) + signedQuery(issued.tableId(), escape, expires))
          .then().statusCode(403)
          .body("errorCode", equalTo("PERMISSION_DENIED"));
    }
  }

  @Test
  void aDataFileMissingFromDiskIsAClear404AndTheRestStillDownload() {
    List<JsonNode> files = TableQueryTest.files(TableQueryTest.query(PREFIX + "/shares/retail/schemas/history/tables/missing_file_customers", "{}"));
    assertEquals(3, files.size(), "the log still lists the file");
    int missing = 0;
    for (JsonNode file : files) {
      var response = given().urlEncodingEnabled(false).get(file.get("url").asText());
      if (response.statusCode() == 404) {
        missing++;
        response.then().body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST"))
            .body("message", org.hamcrest.Matchers.containsString("retail.history.missing_file_customers"));
      } else {
        response.then().statusCode(200);
      }
    }
    assertEquals(1, missing);
  }

  @Test
  void aSignedUrlForAMissingFileIs404() {
    Issued issued = anyFileOf(SALES);
    long expires = System.currentTimeMillis() / 1000 + 60;
    String missing = "sale_date=2026-01-05/no-such-file.parquet";
    given().urlEncodingEnabled(false)
        .get(RoutePaths.FILES + issued.tableId() + "/" + encode(missing) + signedQuery(issued.tableId(), missing, expires))
        .then().statusCode(404).body("errorCode", equalTo("RESOURCE_DOES_NOT_EXIST"));
    given().urlEncodingEnabled(false)
        .get(RoutePaths.FILES + "no-such-table/" + encode(missing) + signedQuery("no-such-table", missing, expires))
        .then().statusCode(404);
  }
}
