package io.goldgate.storage.gcs;

import io.goldgate.storage.TableLocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import com.google.cloud.NoCredentials;
import com.sun.net.httpserver.HttpServer;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.goldgate.GoldgateException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the GCS store does without an emulator: its configuration checks, the lifetime rule of V4
 * signed URLs, the URLs' shape, the refusal of credentials that cannot sign, and what its errors
 * say (and never say). The interop suite reads real tables through fake-gcs-server.
 */
class GcsStoreTest {

  private static final TableLocation TABLE = new TableLocation("gs://lake/gold/sales");
  private static final String SECRET = "S3CR3T-SIGNATURE-0123456789";
  private static KeyPair keys;

  @TempDir Path dir;
  private HttpServer server;

  @BeforeAll
  static void generateKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static ServiceAccountCredentials serviceAccount() {
    return ServiceAccountCredentials.newBuilder()
        .setClientEmail("reader@project.iam.gserviceaccount.com")
        .setPrivateKey(keys.getPrivate())
        .setPrivateKeyId("key-1")
        .setProjectId("project")
        .build();
  }

  private static Map<String, String> query(String url) {
    var params = new java.util.LinkedHashMap<String, String>();
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }

  // --- signed URLs ---

  @Test
  void givenAnEndpoint_whenPresigned_thenAPathStyleV4GetUrlOnTheEndpointLivesOneSecondLonger() {
    GcsStore store = new GcsStore(Optional.of("http://127.0.0.1:4443/"), Optional.empty(), serviceAccount());
    String url = store.presign(TABLE, "date=2024-01-01/part 1.parquet", Duration.ofSeconds(3600));
    assertTrue(url.startsWith("http://127.0.0.1:4443/lake/gold/sales/date%3D2024-01-01/part%201.parquet?"), url);
    Map<String, String> q = query(url);
    assertEquals("GOOG4-RSA-SHA256", q.get("X-Goog-Algorithm"));
    assertEquals("3601", q.get("X-Goog-Expires"));
    assertEquals("host", q.get("X-Goog-SignedHeaders"));
    assertTrue(q.get("X-Goog-Credential").startsWith("reader@project.iam.gserviceaccount.com/"), q.get("X-Goog-Credential"));
    assertTrue(q.get("X-Goog-Signature").matches("[0-9a-f]{512}"), "RSA-2048 signature in hex");
    store.close();
  }

  @Test
  void givenNoEndpoint_whenPresigned_thenTheUrlIsGoogles() {
    GcsStore store = new GcsStore(Optional.empty(), Optional.empty(), serviceAccount());
    assertTrue(store.presign(TABLE, "a.parquet", Duration.ofMinutes(5)).startsWith("https://storage.googleapis.com/lake/gold/sales/a.parquet?X-Goog-Algorithm="));
    store.close();
  }

  @Test
  void givenLifetimes_thenUrlsAreSignedForWholeSecondsPlusOneWithinSevenDays() {
    assertEquals(3601, GcsStore.signedSeconds(Duration.ofHours(1)));
    assertEquals(3, GcsStore.signedSeconds(Duration.ofMillis(1500)));
    assertEquals(604800, GcsStore.signedSeconds(Duration.ofDays(7)), "V4's maximum is never exceeded");
    GoldgateException e = assertThrows(GoldgateException.class, () -> GcsStore.signedSeconds(Duration.ofDays(7).plusSeconds(1)));
    assertEquals(GoldgateException.Kind.DATA_ERROR, e.kind());
    assertEquals("file URLs on Google Cloud Storage (V4 signed URLs) live at most 7 days; set goldgate.sharing.url-lifetime to 7d or less", e.getMessage());
  }

  @Test
  void givenCredentialsThatCannotSign_whenPresigned_thenTheErrorSaysHowToFixItWithoutAStackTrace() {
    UserCredentials user = UserCredentials.newBuilder().setClientId("client").setClientSecret(SECRET).setRefreshToken(SECRET).build();
    GcsStore store = new GcsStore(Optional.empty(), Optional.empty(), user);
    GoldgateException e = assertThrows(GoldgateException.class, () -> store.requireSigning(TABLE));
    assertEquals(e.getMessage(), assertThrows(GoldgateException.class, () -> store.presign(TABLE, "a.parquet", Duration.ofHours(1))).getMessage());
    assertEquals(GoldgateException.Kind.DATA_ERROR, e.kind());
    assertEquals(
        "the gateway's Google credentials (user credentials (gcloud application-default login)) cannot sign URLs; set goldgate.storage.gcs.credentials-file"
            + " to a service-account key, or run as a service account (GCE, GKE workload identity) that holds roles/iam.serviceAccountTokenCreator on itself",
        e.getMessage());
    assertNull(e.getCause(), "logged without a stack trace");
    store.close();
  }

  /** Credentials that sign through IAM, as metadata-server credentials do: IAM grants or refuses. */
  private static final class IamSigner extends GoogleCredentials implements ServiceAccountSigner {
    private final boolean refuse;
    private int calls;

    IamSigner(boolean refuse) {
      this.refuse = refuse;
    }

    @Override
    public String getAccount() {
      return "node@project.iam.gserviceaccount.com";
    }

    @Override
    public byte[] sign(byte[] toSign) {
      calls++;
      if (refuse) {
        throw new SigningException("Failed to sign the provided bytes", new IOException("Error code 403 trying to sign provided bytes: Permission denied"));
      }
      return new byte[] {1, 2, 3};
    }
  }

  @Test
  void givenIamRefusesToSign_thenTheCheckBeforeAResponseSaysWhichRoleIsMissingAndKeepsIamsAnswerForTheLog() {
    IamSigner iam = new IamSigner(true);
    GcsStore store = new GcsStore(Optional.empty(), Optional.of("project"), iam);
    GoldgateException e = assertThrows(GoldgateException.class, () -> store.requireSigning(TABLE));
    assertEquals("signing through IAM failed (IamSigner); the service account needs roles/iam.serviceAccountTokenCreator on itself", e.getMessage());
    assertEquals("Error code 403 trying to sign provided bytes: Permission denied", e.getCause().getMessage());
    store.close();
  }

  @Test
  void givenIamSigns_thenItIsProbedOnceNotBeforeEveryResponse() {
    IamSigner iam = new IamSigner(false);
    GcsStore store = new GcsStore(Optional.empty(), Optional.of("project"), iam);
    store.requireSigning(TABLE);
    store.requireSigning(TABLE);
    assertEquals(1, iam.calls);
    assertTrue(store.presign(TABLE, "a.parquet", Duration.ofMinutes(1)).contains("X-Goog-Signature=010203"), "IAM's signature, in hex");
    store.close();
  }

  @Test
  void givenAKeyOfItsOwn_thenNoProbeIsNeeded() {
    GcsStore store = new GcsStore(Optional.empty(), Optional.empty(), serviceAccount());
    store.requireSigning(TABLE);
    store.close();
  }

  // --- credentials file ---

  private String keyJson(String type, String privateKeyPem) {
    return "{\"type\":\"" + type + "\",\"project_id\":\"project\",\"private_key_id\":\"key-1\",\"private_key\":\"" + privateKeyPem.replace("\n", "\\n")
        + "\",\"client_email\":\"reader@project.iam.gserviceaccount.com\",\"client_id\":\"1\",\"token_uri\":\"https://oauth2.googleapis.com/token\"}";
  }

  private static String pem(byte[] der) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) + "\n-----END PRIVATE KEY-----\n";
  }

  private IllegalArgumentException refusedKey(String content) throws IOException {
    Path file = dir.resolve("key.json");
    Files.writeString(file, content);
    return assertThrows(IllegalArgumentException.class, () -> GcsStore.serviceAccount(file));
  }

  @Test
  void givenAServiceAccountKeyFile_thenItsAccountSigns() throws IOException {
    Path file = dir.resolve("key.json");
    Files.writeString(file, keyJson("service_account", pem(keys.getPrivate().getEncoded())));
    ServiceAccountCredentials credentials = GcsStore.serviceAccount(file);
    assertEquals("reader@project.iam.gserviceaccount.com", credentials.getClientEmail());
    assertEquals("service account reader@project.iam.gserviceaccount.com (key file)", GcsStore.describe(credentials));
  }

  @Test
  void givenAMissingKeyFile_thenTheErrorNamesTheSetting() {
    Path file = dir.resolve("absent.json");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GcsStore.serviceAccount(file));
    assertEquals("goldgate.storage.gcs.credentials-file: " + file + " does not exist", e.getMessage());
  }

  @Test
  void givenABrokenKeyFile_thenTheErrorNeverQuotesIt() throws IOException {
    String broken = pem((SECRET + SECRET).getBytes(StandardCharsets.US_ASCII));
    for (String content : List.of("{\"type\": \"service_account\", \"private_key\": \"" + SECRET, keyJson("service_account", broken), SECRET)) {
      IllegalArgumentException e = refusedKey(content);
      assertTrue(e.getMessage().startsWith("goldgate.storage.gcs.credentials-file: " + dir.resolve("key.json") + " is "), e.getMessage());
      assertFalse(e.getMessage().contains(SECRET) || e.getMessage().contains(Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.US_ASCII)).substring(0, 12)), e.getMessage());
      assertNull(e.getCause(), "no parser message travels with it");
    }
  }

  @Test
  void givenAnotherKindOfCredentialsFile_thenTheErrorNamesItsTypeAndTheAlternative() throws IOException {
    IllegalArgumentException e = refusedKey("{\"type\":\"authorized_user\",\"client_secret\":\"" + SECRET + "\"}");
    assertEquals(
        "goldgate.storage.gcs.credentials-file: " + dir.resolve("key.json") + " is of type 'authorized_user'; it must be a service-account key (type"
            + " service_account). Other credentials work as Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS) without this key",
        e.getMessage());
  }

  // --- file access against a stub JSON API ---

  private final List<String> requests = new CopyOnWriteArrayList<>();

  /** A stub of the JSON API on loopback: {@code answer} maps a request (path?query) to status and body. */
  private GcsStore stubbedStore(Function<String, Map.Entry<Integer, String>> answer) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String target = exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery();
      requests.add(URLDecoder.decode(target, StandardCharsets.UTF_8));
      Map.Entry<Integer, String> response = answer.apply(target);
      byte[] body = response.getValue().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(response.getKey(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return new GcsStore(Optional.of("http://127.0.0.1:" + server.getAddress().getPort()), Optional.of("project"), NoCredentials.getInstance());
  }

  private static Map.Entry<Integer, String> forbidden() {
    // A server whose error text quotes a signed URL: none of it may reach our messages.
    String message = "Access denied to https://storage.googleapis.com/lake/x?X-Goog-Signature=" + SECRET;
    return Map.entry(403, "{\"error\":{\"code\":403,\"message\":\"" + message + "\",\"errors\":[{\"reason\":\"forbidden\",\"message\":\"" + message + "\"}]}}");
  }

  @Test
  void givenTheStoreRefuses_thenEveryErrorNamesTheObjectAndStatusButNotTheServersText() throws IOException {
    GcsStore store = stubbedStore(target -> forbidden());
    var io = store.fileIO();
    IOException status = assertThrows(IOException.class, () -> io.getFileStatus("gs://lake/gold/sales/a.parquet"));
    assertEquals("Cannot read gs://lake/gold/sales/a.parquet on Google Cloud Storage: HTTP 403 forbidden", status.getMessage());
    IOException list = assertThrows(IOException.class, () -> io.listFrom("gs://lake/gold/sales/_delta_log/00000000000000000000.json"));
    assertEquals("Cannot list gs://lake/gold/sales/_delta_log/ on Google Cloud Storage: HTTP 403 forbidden", list.getMessage());
    IOException read = assertThrows(IOException.class, () -> {
      try (InputStream in = io.newInputFile("gs://lake/gold/sales/a.parquet", 10).newStream()) {
        in.read();
      }
    });
    assertEquals("Cannot read gs://lake/gold/sales/a.parquet on Google Cloud Storage: HTTP 403 forbidden", read.getMessage());
    for (IOException e : List.of(status, list, read)) {
      assertFalse(e.getMessage().contains(SECRET) || e.getMessage().contains("X-Goog"), e.getMessage());
    }
    store.close();
  }

  @Test
  void givenAMissingObject_thenKernelGetsFileNotFound() throws IOException {
    GcsStore store = stubbedStore(target -> Map.entry(404, "{\"error\":{\"code\":404,\"message\":\"No such object: lake/gold/sales/a.parquet\"}}"));
    assertThrows(FileNotFoundException.class, () -> store.fileIO().getFileStatus("gs://lake/gold/sales/a.parquet"));
    // Only what a FileStatus needs comes back (the client adds bucket and name itself).
    assertEquals(List.of("/storage/v1/b/lake/o/gold/sales/a.parquet?fields=bucket,name,size,updated&projection=full"), requests);
    store.close();
  }

  @Test
  void givenALogDirectory_whenListedFromAVersion_thenOneInclusiveSortedLevelComesFromOneFilteredListing() throws IOException {
    String listing =
        "{\"items\":[{\"bucket\":\"lake\",\"name\":\"gold/sales/_delta_log/00000000000000000002.json\",\"size\":\"7\",\"updated\":\"2024-05-01T10:00:00.000Z\"},"
            + "{\"bucket\":\"lake\",\"name\":\"gold/sales/_delta_log/00000000000000000003.json\",\"size\":\"9\",\"updated\":\"2024-05-01T11:00:00.000Z\"}],"
            + "\"prefixes\":[\"gold/sales/_delta_log/_sidecars/\"]}";
    GcsStore store = stubbedStore(target -> Map.entry(200, listing));
    List<FileStatus> found = new ArrayList<>();
    try (CloseableIterator<FileStatus> it = store.fileIO().listFrom("gs://lake/gold/sales/_delta_log/00000000000000000002.json")) {
      it.forEachRemaining(found::add);
    }
    assertEquals(List.of("gs://lake/gold/sales/_delta_log/00000000000000000002.json", "gs://lake/gold/sales/_delta_log/00000000000000000003.json"),
        found.stream().map(FileStatus::getPath).toList());
    assertEquals(List.of(7L, 9L), found.stream().map(FileStatus::getSize).toList());
    assertEquals(1714557600000L, found.get(0).getModificationTime());
    assertEquals(1, requests.size(), requests.toString());
    String request = requests.get(0);
    assertTrue(request.startsWith("/storage/v1/b/lake/o?"), request);
    for (String param : List.of("prefix=gold/sales/_delta_log/", "delimiter=/", "startOffset=gold/sales/_delta_log/00000000000000000002.json")) {
      assertTrue(request.contains(param), param + " in " + request);
    }
    store.close();
  }

  @Test
  void givenAnEmptyDirectory_whenListed_thenKernelGetsFileNotFound() throws IOException {
    GcsStore store = stubbedStore(target -> Map.entry(200, "{}"));
    assertThrows(FileNotFoundException.class, () -> store.fileIO().listFrom("gs://lake/gold/none/_delta_log/00000000000000000000.json"));
    store.close();
  }
}
