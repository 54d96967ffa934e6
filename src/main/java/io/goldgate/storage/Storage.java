package io.goldgate.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.goldgate.config.GoldgateConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The one place that knows how to reach each kind of table location: file access for Delta Kernel
 * and, for object stores, pre-signed URLs that recipients download from directly. Adding Azure or
 * GCS means adding a {@link FileIO} and a presigner here; nothing else changes.
 */
@ApplicationScoped
public class Storage {

  private final GoldgateConfig.Storage.S3 config;
  private volatile S3Client s3;
  private volatile S3Presigner presigner;
  private final FileIO fileIO = new RoutingFileIO(() -> new S3FileIO(s3Client()));

  public Storage(GoldgateConfig config) {
    this.config = config.storage().s3();
  }

  /** File access for Delta Kernel, for every supported scheme. */
  public FileIO fileIO() {
    return fileIO;
  }

  /** Whether the file exists; other failures propagate. */
  public boolean exists(String uri) throws IOException {
    try {
      fileIO.getFileStatus(uri);
      return true;
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  /**
   * Copies one file of a table to the local file {@code target}, for readers that need a local
   * file (Arrow's native Parquet reader).
   *
   * @param relativePath the file's path under the table, decoded
   * @param size the file's size as the log records it
   * @throws java.io.FileNotFoundException when the store has no such file
   */
  public void copyToLocal(TableLocation table, String relativePath, long size, java.nio.file.Path target) throws IOException {
    try (java.io.InputStream in = fileIO.newInputFile(table.resolve(relativePath), size).newStream();
        java.io.OutputStream out = java.nio.file.Files.newOutputStream(target)) {
      in.transferTo(out);
    }
  }

  /** A URL the store itself will serve the object at, for {@code ttl}; only for object stores. */
  public String presign(TableLocation table, String relativePath, Duration ttl) {
    if (!table.isS3()) {
      throw new IllegalArgumentException(table + " is not in an object store");
    }
    String key = table.keyPrefix().isEmpty() ? relativePath : table.keyPrefix() + "/" + relativePath;
    return presigner().presignGetObject(b -> b.signatureDuration(ttl).getObjectRequest(g -> g.bucket(table.bucket()).key(key))).url().toString();
  }

  private S3Client s3Client() {
    S3Client client = s3;
    if (client == null) {
      synchronized (this) {
        if (s3 == null) {
          s3 = configure(S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())).build();
        }
        client = s3;
      }
    }
    return client;
  }

  private S3Presigner presigner() {
    S3Presigner p = presigner;
    if (p == null) {
      synchronized (this) {
        if (presigner == null) {
          var builder =
              S3Presigner.builder()
                  .region(Region.of(config.region()))
                  .credentialsProvider(credentials())
                  .serviceConfiguration(serviceConfiguration());
          config.endpoint().ifPresent(e -> builder.endpointOverride(URI.create(e)));
          presigner = builder.build();
        }
        p = presigner;
      }
    }
    return p;
  }

  private S3ClientBuilder configure(S3ClientBuilder builder) {
    builder.region(Region.of(config.region())).credentialsProvider(credentials()).serviceConfiguration(serviceConfiguration());
    config.endpoint().ifPresent(e -> builder.endpointOverride(URI.create(e)));
    return builder;
  }

  private S3Configuration serviceConfiguration() {
    return S3Configuration.builder().pathStyleAccessEnabled(config.pathStyleAccess()).build();
  }

  private AwsCredentialsProvider credentials() {
    if (config.accessKeyId().isPresent() && config.secretAccessKey().isPresent()) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId().get(), config.secretAccessKey().get()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @PreDestroy
  void close() {
    if (s3 != null) s3.close();
    if (presigner != null) presigner.close();
  }
}
