package io.goldgate.observability;

import io.goldgate.admin.AdminAuthFilter;
import io.goldgate.sharing.FileUrls;

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
    if (uri.startsWith(FileUrls.PATH)) {
      return FILES;
    }
    if (uri.startsWith("/delta-sharing/") || uri.equals("/delta-sharing")) {
      return SHARING;
    }
    if (uri.equals("/get-online-features") || uri.startsWith("/features/")) {
      return FEATURES;
    }
    if (uri.equals(AdminAuthFilter.PATH) || uri.startsWith(AdminAuthFilter.PATH + "/")) {
      return ADMIN;
    }
    return OTHER;
  }
}
