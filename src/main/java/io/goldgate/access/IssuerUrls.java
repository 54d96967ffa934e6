package io.goldgate.access;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Which identity provider addresses the gateway will fetch keys from. Keys decide who may read
 * shared data, so they come over TLS; plain http only from this host (a test identity provider),
 * or anywhere when the operator allows it (an in-cluster provider behind a mesh that does TLS).
 */
final class IssuerUrls {

  private IssuerUrls() {}

  /** Why {@code url} cannot be an issuer or key set address, or null when it can. */
  static String problem(String url, boolean allowHttp) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "not a URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "must be an absolute https URL with a host and no user, query or fragment";
    }
    if (scheme.equals("https")) {
      return null;
    }
    if (scheme.equals("http") && (allowHttp || isLoopback(uri.getHost()))) {
      return null;
    }
    return scheme.equals("http")
        ? "must be https (plain http only on loopback, or with goldgate.federation.allow-http=true)"
        : "must be an https URL";
  }

  private static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Only literals: resolving a name here would let DNS decide what counts as loopback.
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
