package io.goldgate.storage.gcs;

import io.goldgate.storage.TableLocation;
import io.goldgate.storage.ObjectStore;
import io.goldgate.storage.SignedUrlLimits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.auth.Credentials;
import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.HttpMethod;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.SignUrlOption;
import com.google.cloud.storage.StorageOptions;
import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.goldgate.GoldgateException;
import io.goldgate.config.GoldgateConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Google Cloud Storage through Google's Java client over the JSON API; files are shared as V4
 * signed URLs. Credentials are a service-account key file, or Application Default Credentials; a
 * service account signs URLs with its private key, metadata-server credentials (GCE, GKE workload
 * identity) through IAM {@code signBlob}, one call per URL.
 */
public final class GcsStore implements ObjectStore {

  private static final Logger LOG = Logger.getLogger(GcsStore.class);

  /** V4 signatures live at most this long (X-Goog-Expires is at most 604800). */
  static final Duration MAX_URL_LIFETIME = SignedUrlLimits.GCS;

  private final Storage gcs;
  private final Optional<String> endpoint;
  private final Credentials credentials;
  private final FileIO fileIO;
  /** Whether IAM has signed for these credentials once (keys of our own always sign). */
  private final AtomicBoolean signingWorks = new AtomicBoolean();

  public GcsStore(GoldgateConfig.Storage.Gcs config) {
    this(config.endpoint(), config.projectId(), credentials(config));
  }

  GcsStore(Optional<String> endpoint, Optional<String> projectId, Credentials credentials) {
    this.endpoint = endpoint.map(e -> e.endsWith("/") ? e.substring(0, e.length() - 1) : e);
    this.credentials = credentials;
    StorageOptions.Builder options = StorageOptions.http().setCredentials(credentials);
    this.endpoint.ifPresent(options::setHost);
    projectId.ifPresent(options::setProjectId);
    this.gcs = options.build().getService();
    this.fileIO = new GcsFileIO(gcs);
    LOG.infof("Google Cloud Storage: %s, endpoint %s%s", describe(credentials), this.endpoint.orElse("https://storage.googleapis.com"),
        credentials instanceof ServiceAccountSigner ? "" : "; these credentials cannot sign file URLs, so Delta Sharing queries of gs:// tables will fail");
  }

  /** The configured service-account key, else Application Default Credentials. */
  static GoogleCredentials credentials(GoldgateConfig.Storage.Gcs config) {
    if (config.credentialsFile().isPresent()) {
      return serviceAccount(config.credentialsFile().get());
    }
    try {
      return GoogleCredentials.getApplicationDefault();
    } catch (IOException e) {
      throw new IllegalStateException(
          "No Google credentials for gs:// tables: set goldgate.storage.gcs.credentials-file to a service-account key, or provide Application Default"
              + " Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud auth application-default login, or the GCE/GKE metadata server)");
    }
  }

  /**
   * Reads a service-account key. Failures name the file and what is wrong with it, never its
   * content: a parser's message may quote the private key.
   */
  static ServiceAccountCredentials serviceAccount(Path file) {
    String where = "goldgate.storage.gcs.credentials-file: " + file;
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(where + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException(where + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    String type;
    try {
      JsonNode node = JsonMapper.builder().build().readTree(json);
      type = node == null ? "" : node.path("type").asText("");
    } catch (IOException e) {
      throw new IllegalArgumentException(where + " is not JSON; it must be a service-account key (type service_account)");
    }
    if (!type.equals("service_account")) {
      String named = type.matches("[a-z_]{1,40}") ? "of type '" + type + "'" : "without a type";
      throw new IllegalArgumentException(where + " is " + named + "; it must be a service-account key (type service_account). Other credentials work as"
          + " Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS) without this key");
    }
    try {
      return ServiceAccountCredentials.fromStream(new ByteArrayInputStream(json));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(where + " is not a usable service-account key (it needs client_email, private_key_id and a PKCS#8 private_key)");
    }
  }

  /** What kind of credentials these are, for operators; never key material. */
  static String describe(Credentials credentials) {
    if (credentials instanceof ServiceAccountCredentials sa) {
      return "service account " + sa.getClientEmail() + " (key file)";
    }
    if (credentials instanceof ComputeEngineCredentials) {
      return "the metadata server's service account (GCE/GKE)";
    }
    if (credentials instanceof UserCredentials) {
      return "user credentials (gcloud application-default login)";
    }
    return credentials.getClass().getSimpleName();
  }

  @Override
  public FileIO fileIO() {
    return fileIO;
  }

  /**
   * A V4 signed GET URL of one object. Google truncates the signing time to the second, so the URL
   * is signed one second longer than asked to outlive the expiry the gateway reports, within V4's
   * 7 days; a lifetime beyond those is refused (the catalog refuses it at start-up already).
   */
  @Override
  public String presign(TableLocation table, String relativePath, Duration ttl) {
    if (!(credentials instanceof ServiceAccountSigner)) {
      throw cannotSign();
    }
    long seconds = signedSeconds(ttl);
    List<SignUrlOption> options = new ArrayList<>(List.of(SignUrlOption.withV4Signature(), SignUrlOption.httpMethod(HttpMethod.GET)));
    endpoint.ifPresent(e -> {
      options.add(SignUrlOption.withHostName(e));
      options.add(SignUrlOption.withPathStyle());
    });
    try {
      return gcs.signUrl(BlobInfo.newBuilder(BlobId.of(table.bucket(), table.key(relativePath))).build(), seconds, TimeUnit.SECONDS, options.toArray(SignUrlOption[]::new))
          .toString();
    } catch (ServiceAccountSigner.SigningException e) {
      throw signingFailed(e);
    } catch (RuntimeException e) {
      throw new GoldgateException(GoldgateException.Kind.DATA_ERROR, "signing a URL failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Credentials without a key of their own fail here; those that sign through IAM (metadata server,
   * impersonation) sign a probe once, so a missing permission also fails before a response starts.
   */
  @Override
  public void requireSigning(TableLocation table) {
    if (!(credentials instanceof ServiceAccountSigner signer)) {
      throw cannotSign();
    }
    if (credentials instanceof ServiceAccountCredentials || signingWorks.get()) {
      return;
    }
    try {
      signer.sign(new byte[] {0});
      signingWorks.set(true);
    } catch (ServiceAccountSigner.SigningException e) {
      throw signingFailed(e);
    }
  }

  private GoldgateException cannotSign() {
    return new GoldgateException(
        GoldgateException.Kind.DATA_ERROR,
        "the gateway's Google credentials (" + describe(credentials) + ") cannot sign URLs; set goldgate.storage.gcs.credentials-file to a service-account"
            + " key, or run as a service account (GCE, GKE workload identity) that holds roles/iam.serviceAccountTokenCreator on itself");
  }

  /** IAM's refusal (e.g. a missing permission) stays in the cause: it names the account, never a URL. */
  private GoldgateException signingFailed(ServiceAccountSigner.SigningException e) {
    return new GoldgateException(
        GoldgateException.Kind.DATA_ERROR,
        "signing through IAM failed (" + describe(credentials) + "); the service account needs roles/iam.serviceAccountTokenCreator on itself",
        e.getCause());
  }

  /** The lifetime to sign for {@code ttl}: whole seconds, one more for the truncated signing time, at most 7 days. */
  static long signedSeconds(Duration ttl) {
    long seconds = ttl.toSeconds() + (ttl.getNano() > 0 ? 1 : 0);
    if (seconds > MAX_URL_LIFETIME.toSeconds()) {
      throw new GoldgateException(
          GoldgateException.Kind.DATA_ERROR,
          "file URLs on Google Cloud Storage (V4 signed URLs) live at most 7 days; set goldgate.sharing.url-lifetime to 7d or less");
    }
    return Math.min(Math.max(1, seconds) + 1, MAX_URL_LIFETIME.toSeconds());
  }

  @Override
  public void close() {
    try {
      gcs.close();
    } catch (Exception e) {
      LOG.debugf("Closing the Google Cloud Storage client: %s", e.getClass().getSimpleName());
    }
  }
}
