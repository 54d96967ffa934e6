package io.goldgate.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a Delta table lives, in the URI form Delta Kernel uses: {@code file:/abs/dir} for local
 * disk, {@code s3://bucket/prefix} for S3 and S3-compatible stores. Never ends with a slash.
 */
public record TableLocation(String uri) {

  public TableLocation {
    while (uri.endsWith("/") && !uri.endsWith("://")) {
      uri = uri.substring(0, uri.length() - 1);
    }
  }

  public static TableLocation local(Path directory) {
    return new TableLocation(LocalFileIO.toUri(directory.toAbsolutePath().normalize()));
  }

  public String scheme() {
    int colon = uri.indexOf(':');
    return uri.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  public boolean isLocal() {
    return scheme().equals("file");
  }

  public boolean isS3() {
    return scheme().equals("s3") || scheme().equals("s3a");
  }

  /** The table directory on local disk; only for local tables. */
  public Path localRoot() {
    if (!isLocal()) {
      throw new IllegalStateException(uri + " is not on local disk");
    }
    return LocalFileIO.toPath(uri);
  }

  /** The bucket of an object-store location. */
  public String bucket() {
    return URI.create(uri).getHost();
  }

  /** The key prefix of an object-store location, without leading or trailing slash. */
  public String keyPrefix() {
    String path = URI.create(uri).getPath();
    return path.startsWith("/") ? path.substring(1) : path;
  }

  /** The URI of a file of the table, given its path relative to the table root. */
  public String resolve(String relativePath) {
    return uri + "/" + relativePath;
  }

  @Override
  public String toString() {
    return uri;
  }
}
