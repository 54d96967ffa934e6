package io.goldgate.console;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Whether a form post came from a page of this gateway, by its {@code Origin} header: a defence in
 * depth beside the SameSite=Strict cookie and the CSRF token. Browsers send {@code Origin} with
 * every form post; a request without one is not a cross-site browser request and passes. The
 * origin's host and port must be the ones the browser addressed: the {@code Host} header, the host
 * a trusted proxy forwarded, or the host of {@code goldgate.sharing.public-url}. The scheme is not
 * compared: behind a proxy that terminates TLS and is not declared trusted, the gateway cannot know
 * it, and a page on the same host over the other scheme is no other site's.
 */
final class SameOrigin {

  private SameOrigin() {}

  /**
   * @param origin the {@code Origin} header, or null
   * @param hosts the host[:port] values this gateway answers as (nulls are skipped)
   */
  static boolean allowed(String origin, String... hosts) {
    if (origin == null) {
      return true;
    }
    String authority = authority(origin);
    if (authority == null) {
      return false; // "null" (a sandboxed or file: page), or not an origin at all
    }
    for (String host : hosts) {
      if (host != null && authority.equals(normalize(host, scheme(origin)))) {
        return true;
      }
    }
    return false;
  }

  /** The host[:port] of a URL such as {@code https://share.example.com}, without a default port; null if it has none. */
  static String authorityOfUrl(String url) {
    return url == null ? null : authority(url);
  }

  private static String authority(String url) {
    try {
      URI uri = new URI(url.strip());
      if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getHost() == null) {
        return null;
      }
      return normalize(uri.getRawAuthority(), uri.getScheme());
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static String scheme(String origin) {
    int colon = origin.indexOf(':');
    return colon < 0 ? "" : origin.substring(0, colon);
  }

  /** Lower case, without the scheme's default port and without user info. */
  private static String normalize(String authority, String scheme) {
    String a = authority.strip().toLowerCase(Locale.ROOT);
    int at = a.lastIndexOf('@');
    if (at >= 0) {
      a = a.substring(at + 1);
    }
    String s = scheme.toLowerCase(Locale.ROOT);
    if (a.endsWith(":443") && s.equals("https") || a.endsWith(":80") && s.equals("http")) {
      a = a.substring(0, a.lastIndexOf(':'));
    }
    return a;
  }
}
