package io.goldgate.storage.s3;

import io.goldgate.storage.Storage;
import io.goldgate.storage.TableLocation;
import io.goldgate.storage.ObjectStore;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.goldgate.config.GoldgateConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** S3 and S3-compatible stores through the AWS SDK; files are shared as SigV4 pre-signed URLs. */
public final class S3Store implements ObjectStore {

  private final S3Client client;
  private final S3Presigner presigner;
  private final FileIO fileIO;

  public S3Store(GoldgateConfig.Storage.S3 config) {
    AwsCredentialsProvider credentials = credentials(config);
    S3Configuration service = S3Configuration.builder().pathStyleAccessEnabled(config.pathStyleAccess()).build();
    var clientBuilder =
        S3Client.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .region(Region.of(config.region()))
            .credentialsProvider(credentials)
            .serviceConfiguration(service);
    var presignerBuilder = S3Presigner.builder().region(Region.of(config.region())).credentialsProvider(credentials).serviceConfiguration(service);
    config.endpoint().ifPresent(e -> {
      clientBuilder.endpointOverride(URI.create(e));
      presignerBuilder.endpointOverride(URI.create(e));
    });
    this.client = clientBuilder.build();
    this.presigner = presignerBuilder.build();
    this.fileIO = new S3FileIO(client);
  }

  private static AwsCredentialsProvider credentials(GoldgateConfig.Storage.S3 config) {
    if (config.accessKeyId().isPresent() && config.secretAccessKey().isPresent()) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId().get(), config.secretAccessKey().get()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public FileIO fileIO() {
    return fileIO;
  }

  @Override
  public String presign(TableLocation table, String relativePath, Duration ttl) {
    // SigV4 counts X-Amz-Expires in whole seconds: round up, never down.
    Duration seconds = Duration.ofSeconds(Math.ceilDiv(ttl.toMillis(), 1000));
    return presigner
        .presignGetObject(b -> b.signatureDuration(seconds).getObjectRequest(g -> g.bucket(table.bucket()).key(table.key(relativePath))))
        .url()
        .toString();
  }

  @Override
  public void close() {
    client.close();
    presigner.close();
  }
}
