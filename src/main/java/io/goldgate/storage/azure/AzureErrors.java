package io.goldgate.storage.azure;

import com.azure.storage.blob.models.BlobStorageException;
import java.util.regex.Pattern;

/**
 * What the gateway says about an Azure failure. The SDK's own messages may carry request URLs
 * (with a SAS), response bodies (Azure echoes the string it signed) or, from the identity
 * libraries, endpoints: none of that is passed on. A storage failure is told by its status and
 * Azure's error code; any other failure by its type and a message with every URL and signature
 * cut out. The SDK exception is never kept as a cause, so no log line prints it either.
 */
final class AzureErrors {

  private static final Pattern URL = Pattern.compile("(?i)\\b(https?|abfss?|wasbs?)://\\S*");
  private static final Pattern SIGNATURE = Pattern.compile("(?i)\\b(sig|se|st|skoid|sktid|skt|ske|sks|skv|sv|sp|sr|spr)=[^&\\s\"']*");

  private AzureErrors() {}

  /** A description of {@code failure} fit for messages and logs. */
  static String describe(Throwable failure) {
    if (failure instanceof BlobStorageException e) {
      return "HTTP " + e.getStatusCode() + (e.getErrorCode() == null ? "" : " (" + e.getErrorCode() + ")");
    }
    String message = failure.getMessage();
    String type = failure.getClass().getSimpleName();
    return message == null ? type : type + ": " + scrub(message);
  }

  /** {@code message} with URLs and SAS parameters cut out, and at most 300 characters of it. */
  static String scrub(String message) {
    String scrubbed = SIGNATURE.matcher(URL.matcher(message).replaceAll("<url>")).replaceAll("$1=<redacted>");
    return scrubbed.length() > 300 ? scrubbed.substring(0, 300) + "..." : scrubbed;
  }

  /** The status of a storage failure, or -1 for any other failure. */
  static int status(Throwable failure) {
    return failure instanceof BlobStorageException e ? e.getStatusCode() : -1;
  }
}
