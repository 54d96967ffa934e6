package io.goldgate.storage.azure;

import io.goldgate.storage.Storage;
import io.goldgate.storage.TableLocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.goldgate.GoldgateException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the Azure store says when the service refuses, and what its URLs look like. A stand-in
 * service on loopback answers like Azure at its most talkative: its error body echoes the request
 * URL (with any SAS in it) and the secrets, as an AuthenticationErrorDetail may. None of that may
 * reach a message.
 */
class AzureStoreErrorsTest {

  static final String KEY = AzureSettingsTest.KEY;
  static final String SAS = AzureSettingsTest.SAS;
  static final String TABLE = "abfss://lake@acct01.dfs.core.windows.net/gold/t";

  HttpServer server;
  String endpoint;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String uri = exchange.getRequestURI().toString();
      String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
      boolean missing = exchange.getRequestURI().getPath().endsWith("/missing.parquet");
      String code = missing ? "BlobNotFound" : "AuthenticationFailed";
      byte[] body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>Server failed to authenticate"
          + " http://" + exchange.getRequestHeaders().getFirst("Host") + uri + "</Message><AuthenticationErrorDetail>Authorization " + auth
          + " key " + KEY + " sig=" + SAS + "</AuthenticationErrorDetail></Error>").replace("&", "&amp;").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("x-ms-error-code", code);
      exchange.getResponseHeaders().add("Content-Type", "application/xml");
      exchange.sendResponseHeaders(missing ? 404 : 403, "HEAD".equals(exchange.getRequestMethod()) ? -1 : body.length);
      if (!"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
    endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/{account}";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private AzureStore store(AzureTestConfig config) {
    return new AzureStore(AzureSettings.of(config.withEndpoint(endpoint), Duration.ofHours(1)));
  }

  private static void assertClean(String message) {
    assertFalse(message.contains(KEY), message);
    assertFalse(message.contains("sig="), message);
    assertFalse(message.contains("c2VjcmV0"), message);
    assertFalse(message.contains("http://"), message);
  }

  @Test
  void aRefusedReadListOrStatusSaysTheStatusAndErrorCodeOnly() {
    for (AzureTestConfig config : List.of(AzureTestConfig.none().withAccountKey(KEY), AzureTestConfig.none().withSasToken(SAS))) {
      FileIO io = store(config).fileIO();
      IOException status = assertThrows(IOException.class, () -> io.getFileStatus(TABLE + "/_delta_log/00000000000000000000.json"));
      assertEquals("Cannot read " + TABLE + "/_delta_log/00000000000000000000.json: HTTP 403 (AuthenticationFailed)", status.getMessage());
      IOException list = assertThrows(IOException.class, () -> io.listFrom(TABLE + "/_delta_log/00000000000000000000.json"));
      assertEquals("Cannot list " + TABLE + "/_delta_log/00000000000000000000.json: HTTP 403 (AuthenticationFailed)", list.getMessage());
      IOException read = assertThrows(IOException.class, () -> {
        try (InputStream in = io.newInputFile(TABLE + "/part-0.parquet", 10).newStream()) {
          in.read();
        }
      });
      assertEquals("Cannot read " + TABLE + "/part-0.parquet: HTTP 403 (AuthenticationFailed)", read.getMessage());
      for (IOException e : List.of(status, list, read)) {
        assertEquals(null, e.getCause(), "the SDK exception, whose message holds the body, is not kept");
        assertClean(e.getMessage());
      }
    }
  }

  @Test
  void aMissingBlobIsFileNotFound() {
    FileIO io = store(AzureTestConfig.none().withAccountKey(KEY)).fileIO();
    assertThrows(FileNotFoundException.class, () -> io.getFileStatus(TABLE + "/missing.parquet"));
    assertThrows(FileNotFoundException.class, () -> io.newInputFile(TABLE + "/missing.parquet", 10).newStream().read());
  }

  @Test
  void aStoreReadWithASasTokenRefusesToSignWithoutShowingTheToken() {
    AzureStore store = store(AzureTestConfig.none().withSasToken(SAS));
    TableLocation table = new TableLocation(TABLE);
    String reason = "the gateway reads its Azure storage with a SAS token (goldgate.storage.azure.sas-token), from which it"
        + " cannot sign per-file URLs; configure an account key or an Azure AD identity to share it over Delta Sharing";
    GoldgateException early = assertThrows(GoldgateException.class, () -> store.requireSigning(table));
    assertEquals(GoldgateException.Kind.UNSUPPORTED, early.kind());
    assertEquals(reason, early.getMessage());
    GoldgateException refused = assertThrows(GoldgateException.class, () -> store.presign(table, "part-0.parquet", Duration.ofHours(1)));
    assertEquals(reason, refused.getMessage());
  }

  @Test
  void anAccountKeySignsAReadOnlyUrlForOneBlobLivingAtLeastTheTtl() {
    AzureStore store = store(AzureTestConfig.none().withAccountKey(KEY));
    TableLocation table = new TableLocation(TABLE);
    store.requireSigning(table);
    Instant before = Instant.now();
    String url = store.presign(table, "date=2024-01-01/part 0.parquet", Duration.ofMillis(1500));
    String base = endpoint.replace("{account}", "acct01");
    assertTrue(url.startsWith(base + "/lake/gold/t/date%3D2024-01-01/part%200.parquet?"), url);
    Map<String, String> query = java.util.Arrays.stream(url.substring(url.indexOf('?') + 1).split("&"))
        .map(p -> p.split("=", 2)).collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    assertEquals("r", query.get("sp"), "read only");
    assertEquals("b", query.get("sr"), "one blob");
    assertEquals("https,http", query.get("spr"), "http allowed only because the endpoint is http");
    Instant expiry = Instant.parse(query.get("se"));
    assertTrue(!expiry.isBefore(before.plusMillis(1500)), "rounded up to whole seconds, never down: " + expiry);
    assertTrue(expiry.isBefore(Instant.now().plusSeconds(3)), expiry.toString());
    assertTrue(Instant.parse(query.get("st")).isBefore(before.minusSeconds(60)), "starts minutes back for clock skew");
    assertTrue(query.containsKey("sig"));
  }

  @Test
  void anIdentityThatGetsNoDelegationKeyFailsBeforeAnyUrlWithoutTheTokenOrUrl() {
    String token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.secret-bearer-token";
    AzureStore store = new AzureStore(
        // Nothing listens on port 1: the bearer token goes over https only, and this test has no certificate to serve.
        AzureSettings.of(AzureTestConfig.none().withEndpoint("https://127.0.0.1:1/{account}"), Duration.ofHours(1)), java.time.Clock.systemUTC(),
        request -> reactor.core.publisher.Mono.just(new com.azure.core.credential.AccessToken(token, java.time.OffsetDateTime.now().plusHours(1))));
    TableLocation table = new TableLocation(TABLE);
    GoldgateException refused = assertThrows(GoldgateException.class, () -> store.requireSigning(table));
    assertEquals(GoldgateException.Kind.UNAVAILABLE, refused.kind());
    assertTrue(refused.getMessage().startsWith("Azure storage account acct01 gave no user delegation key to sign file URLs with ("), refused.getMessage());
    assertTrue(refused.getMessage().endsWith("); the account must be reachable and the gateway's identity needs a role with generateUserDelegationKey, e.g. Storage Blob Delegator"), refused.getMessage());
    assertFalse(refused.getMessage().contains(token) || refused.getMessage().contains("https://"), refused.getMessage());
    assertEquals(null, refused.getCause());
    assertThrows(GoldgateException.class, () -> store.presign(table, "part-0.parquet", Duration.ofHours(1)));
  }

  @Test
  void anHttpsEndpointGetsHttpsOnlyUrls() {
    AzureStore store = new AzureStore(AzureSettings.of(AzureTestConfig.none().withAccountKey(KEY), Duration.ofHours(1)));
    String url = store.presign(new TableLocation(TABLE), "part-0.parquet", Duration.ofHours(1));
    assertTrue(url.startsWith("https://acct01.blob.core.windows.net/lake/gold/t/part-0.parquet?"), url);
    assertTrue(url.contains("&spr=https&"), url);
  }
}
