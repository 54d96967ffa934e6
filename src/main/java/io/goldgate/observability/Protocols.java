package io.goldgate.observability;

import io.goldgate.http.RoutePaths;

/** The {@code protocol} tag shared by every request meter: which face of the gateway served it. */
public final class Protocols {

  public static final String TAG = "protocol";
  public static final String SHARING = "sharing";
  public static final String FILES = "files";
  public static final String FEATURES = "features";
  public static final String ADMIN = "admin";
  public static final String FLIGHT = "flight";
  public static final String OTHER = "other";

  private Protocols() {}

  /** The protocol of an HTTP request, from its templated URI ({@code /delta-sharing/shares/{share}}). */
  public static String ofUri(String uri) {
    if (uri == null) {
      return OTHER;
    }
    if (uri.startsWith(RoutePaths.FILES)) {
      return FILES;
    }
    if (RoutePaths.under(uri, RoutePaths.SHARING)) {
      return SHARING;
    }
    if (uri.equals(RoutePaths.ONLINE_FEATURES) || RoutePaths.FEATURE_SERVER.contains(uri) || uri.startsWith("/features/")) {
      return FEATURES;
    }
    if (RoutePaths.under(uri, RoutePaths.ADMIN)) {
      return ADMIN;
    }
    return OTHER;
  }
}
