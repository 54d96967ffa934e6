package io.goldgate.http;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
  /** The OAuth 2.0 token endpoint (client credentials grant) of recipients' clients. */
  public static final String OAUTH_TOKEN = SHARING + "/oauth/token";
  /** Feast's online lookup. */
  public static final String ONLINE_FEATURES = "/get-online-features";
  /** The writes and materializations of Feast's feature server API ({@code feast serve}): each is audited. */
  public static final List<String> FEATURE_WRITES = List.of("/push", "/write-to-online-store", "/materialize", "/materialize-incremental");
  /** The rest of Feast's feature server API ({@code feast serve}), beside the lookup: the writes and its health check. */
  public static final Set<String> FEATURE_SERVER = Stream.concat(FEATURE_WRITES.stream(), Stream.of("/health")).collect(Collectors.toUnmodifiableSet());
  /** The operator API. */
  public static final String ADMIN = "/admin";
  /** The operator console in the browser (HTML pages over the operator API). */
  public static final String CONSOLE = "/console";

  private RoutePaths() {}

  /** Whether {@code path} is {@code prefix} itself or lies under it. */
  public static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
  }
}
