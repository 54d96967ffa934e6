package io.goldgate.http;

/**
 * The HTTP paths of every face, in one place: faces serve under them, and the pieces that watch all
 * traffic (audit, metrics) classify requests by them, without importing any face.
 */
public final class RoutePaths {

  /** The Delta Sharing REST API. */
  public static final String SHARING = "/delta-sharing";
  /** Data files of local tables, behind signed URLs. */
  public static final String FILES = SHARING + "/files/";
  /** One-time activation links of recipients; the code follows. */
  public static final String ACTIVATION = SHARING + "/activation/";
  /** Feast's online lookup. */
  public static final String ONLINE_FEATURES = "/get-online-features";
  /** The writes and materializations of Feast's feature server API ({@code feast serve}): each is audited. */
  public static final java.util.List<String> FEATURE_WRITES = java.util.List.of("/push", "/write-to-online-store", "/materialize", "/materialize-incremental");
  /** The rest of Feast's feature server API ({@code feast serve}), beside the lookup. */
  public static final java.util.Set<String> FEATURE_SERVER =
      java.util.Set.of("/push", "/write-to-online-store", "/materialize", "/materialize-incremental", "/health");
  /** The operator API. */
  public static final String ADMIN = "/admin";

  private RoutePaths() {}

  /** Whether {@code path} is {@code prefix} itself or lies under it. */
  public static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
  }
}
