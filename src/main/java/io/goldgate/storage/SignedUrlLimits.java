package io.goldgate.storage;

import java.time.Duration;
import java.util.Optional;

/**
 * How long each object store lets a pre-signed URL live, so that a URL lifetime no store can honour
 * stops the gateway at start-up rather than failing every query of the tables in that store.
 */
public final class SignedUrlLimits {

  /** Google Cloud Storage V4 signed URLs: at most 7 days ({@code X-Goog-Expires} up to 604800). */
  public static final Duration GCS = Duration.ofDays(7);

  /** S3 SigV4 pre-signed URLs: at most 7 days ({@code X-Amz-Expires} up to 604800). */
  public static final Duration S3 = Duration.ofDays(7);

  private SignedUrlLimits() {}

  /** The longest URL lifetime of a provider, or empty when the gateway knows of no limit. */
  public static Optional<Duration> of(TableLocation.Provider provider) {
    return switch (provider) {
      case GCS -> Optional.of(GCS);
      case S3 -> Optional.of(S3);
      // Azure's limit depends on how the gateway signs in; AzureSettings checks it at start-up.
      case AZURE, LOCAL -> Optional.empty();
    };
  }

  /** The provider's name in messages to operators. */
  public static String storeName(TableLocation.Provider provider) {
    return switch (provider) {
      case GCS -> "Google Cloud Storage (V4 signed URLs)";
      case S3 -> "S3 (SigV4 pre-signed URLs)";
      case AZURE -> "Azure";
      case LOCAL -> "local disk";
    };
  }
}
