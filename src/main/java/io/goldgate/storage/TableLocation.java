package io.goldgate.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a Delta table lives, in the URI form Delta Kernel uses: {@code file:/abs/dir} for local
 * disk, {@code s3://bucket/prefix} for S3 and S3-compatible stores,
 * {@code abfss://container@account.dfs.core.windows.net/prefix} (or {@code abfs}, {@code wasbs},
 * {@code wasb}) for Azure, {@code gs://bucket/prefix} for Google Cloud Storage. Never ends with a
 * slash.
 */
public record TableLocation(String uri) {

  /** The kinds of store a location can name; each object store has its own client and URL signer. */
  public enum Provider {
    LOCAL,
    S3,
    AZURE,
    GCS;

    /** The provider of a URI scheme, or null when no store serves it. */
    public static Provider ofScheme(String scheme) {
      return ofScheme(scheme, scheme.length());
    }

    /** The provider of a path Kernel hands over; a path without a scheme is local. */
    public static Provider ofPath(String path) {
      int colon = path.indexOf(':');
      return colon < 0 ? LOCAL : ofScheme(path, colon);
    }

    /**
     * The provider of the scheme {@code text} starts with, {@code end} characters long; checked
     * without a substring, since every file URL of a query asks.
     */
    private static Provider ofScheme(String text, int end) {
      for (int i = 0; i < SCHEMES.length; i++) {
        if (SCHEMES[i].length() == end && text.regionMatches(true, 0, SCHEMES[i], 0, end)) {
          return PROVIDERS[i];
        }
      }
      return null;
    }

    private static final String[] SCHEMES = {"file", "s3", "s3a", "abfs", "abfss", "wasb", "wasbs", "gs"};
    private static final Provider[] PROVIDERS = {LOCAL, S3, S3, AZURE, AZURE, AZURE, AZURE, GCS};
  }

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

  /** The store this location is in, or null when no store serves its scheme. */
  public Provider provider() {
    int colon = uri.indexOf(':');
    return colon < 0 ? null : Provider.ofScheme(uri, colon);
  }

  public boolean isLocal() {
    return provider() == Provider.LOCAL;
  }

  /** Whether the table is in an object store, whose files recipients download from the store itself. */
  public boolean isObjectStore() {
    Provider provider = provider();
    return provider != null && provider != Provider.LOCAL;
  }

  public boolean isS3() {
    return provider() == Provider.S3;
  }

  /** The table directory on local disk; only for local tables. */
  public Path localRoot() {
    if (!isLocal()) {
      throw new IllegalStateException(uri + " is not on local disk");
    }
    return LocalFileIO.toPath(uri);
  }

  /**
   * The bucket of an object-store location: the S3 or GCS bucket, or the Azure container (the part
   * before {@code @}); null when the URI names none.
   */
  public String bucket() {
    URI parsed = URI.create(uri);
    return provider() == Provider.AZURE ? parsed.getUserInfo() : parsed.getHost();
  }

  /** The Azure storage account of the location (the first label of its host); only for Azure. */
  public String account() {
    if (provider() != Provider.AZURE) {
      throw new IllegalStateException(uri + " is not an Azure location");
    }
    String host = URI.create(uri).getHost();
    if (host == null) {
      return null;
    }
    int dot = host.indexOf('.');
    return dot < 0 ? host : host.substring(0, dot);
  }

  /** The key prefix of an object-store location, without leading or trailing slash. */
  public String keyPrefix() {
    String path = URI.create(uri).getPath();
    return path.startsWith("/") ? path.substring(1) : path;
  }

  /** The object key of a file of the table, given its path relative to the table root. */
  public String key(String relativePath) {
    return keyPrefix().isEmpty() ? relativePath : keyPrefix() + "/" + relativePath;
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
