package io.goldgate.console;

import io.goldgate.http.RoutePaths;
import java.util.Locale;

/**
 * Where the sign-in page may send the browser afterwards ({@code next}): only a path of the console
 * itself, so a link to the sign-in page can never become an open redirect to another site (no
 * scheme, no {@code //host}, no backslash, which browsers read as a slash) nor climb out of {@code
 * /console} with dot segments, literal or percent-encoded. Anything else falls back to the
 * overview.
 */
final class LocalRedirects {

  static final String HOME = RoutePaths.CONSOLE + "/";
  static final int MAX_LENGTH = 1024;

  private LocalRedirects() {}

  /** {@code next} when it is a safe console path (with an optional query), else {@link #HOME}. */
  static String safe(String next) {
    return isSafe(next) ? next : HOME;
  }

  static boolean isSafe(String next) {
    if (next == null || next.isEmpty() || next.length() > MAX_LENGTH) {
      return false;
    }
    if (!next.equals(RoutePaths.CONSOLE) && !next.startsWith(HOME) && !next.startsWith(RoutePaths.CONSOLE + "?")) {
      return false;
    }
    for (int i = 0; i < next.length(); i++) {
      char c = next.charAt(i);
      boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=:@/%?".indexOf(c) >= 0;
      if (!allowed) {
        return false;
      }
    }
    int query = next.indexOf('?');
    String path = (query < 0 ? next : next.substring(0, query)).toLowerCase(Locale.ROOT);
    if (path.contains("//") || path.contains("%2e") || path.contains("%2f") || path.contains("%5c")) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
