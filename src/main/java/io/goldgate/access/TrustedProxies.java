package io.goldgate.access;

import io.goldgate.config.ForwardedHeader;
import io.goldgate.config.GoldgateConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The one rule for a client's address, on every face (Delta Sharing, online features, Flight) and
 * in the audit log: the socket peer, unless that peer is a configured trusted proxy
 * ({@code goldgate.http.trusted-proxies}); then the forwarding header is read from the right, past
 * every entry that is itself a trusted proxy, and the first other address is the client's (the one
 * the nearest trusted proxy saw). Entries left of it were written by the client and are never
 * believed.
 *
 * <p>The socket peer is read from the connection, never from Vert.x's request address, so Quarkus'
 * own {@code quarkus.http.proxy.proxy-address-forwarding} (which believes any client) changes
 * nothing here.
 *
 * <p>Parsing is bounded and regex-free: at most {@link #MAX_ENTRIES} entries of at most {@link
 * #MAX_ENTRY_LENGTH} characters are looked at, from the right; a malformed, obfuscated or {@code
 * unknown} entry stops the walk at the proxy that wrote it.
 */
@Startup
@ApplicationScoped
public class TrustedProxies {

  /** Forwarding entries examined per request, at most, counted from the right. */
  public static final int MAX_ENTRIES = 16;

  /** Longest entry (an address, or one RFC 7239 element) that is parsed; a longer one is malformed. */
  public static final int MAX_ENTRY_LENGTH = 256;

  private final List<IpRange> trusted;
  private final ForwardedHeader header;

  @Inject
  public TrustedProxies(GoldgateConfig config) {
    this(parse(config.http().trustedProxies().orElse(List.of())), config.http().forwardedHeader());
  }

  public TrustedProxies(List<IpRange> trusted, ForwardedHeader header) {
    this.trusted = List.copyOf(trusted);
    this.header = header;
  }

  /** No trusted proxy: forwarding headers are ignored, the socket peer is the client. */
  public static TrustedProxies none() {
    return new TrustedProxies(List.of(), ForwardedHeader.X_FORWARDED_FOR);
  }

  private static List<IpRange> parse(List<String> cidrs) {
    List<IpRange> ranges = new ArrayList<>();
    for (String cidr : cidrs) {
      try {
        ranges.add(IpRange.parse(cidr));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("goldgate.http.trusted-proxies: " + e.getMessage(), e);
      }
    }
    return ranges;
  }

  /** The header trusted proxies are expected to write. */
  public ForwardedHeader header() {
    return header;
  }

  /** The client address of the HTTP request being served, each time it is asked; null outside one. */
  public Supplier<String> currentClientAddress(CurrentVertxRequest current) {
    return () -> {
      RoutingContext context = current.getCurrent();
      return context == null ? null : clientAddress(context);
    };
  }

  /** The client address of an HTTP request, as text, or null when the socket peer is unknown. */
  public String clientAddress(RoutingContext context) {
    var request = context.request();
    SocketAddress socket = request.connection() == null ? null : request.connection().remoteAddress();
    InetAddress peer = socket == null ? null : IpRange.literal(socket.hostAddress());
    if (peer == null) {
      return socket == null ? null : socket.hostAddress();
    }
    InetAddress client = resolve(peer, isTrusted(peer) ? request.headers().getAll(header.headerName()) : List.of());
    return client.getHostAddress();
  }

  /**
   * Whether the client reached the gateway over HTTPS: TLS on this connection, or, when the socket
   * peer is a trusted proxy, {@code https} in what the nearest proxy forwarded ({@code
   * X-Forwarded-Proto}, or {@code proto=} of RFC 7239 {@code Forwarded}, after {@link #header()}).
   * Forwarded values from any other peer are ignored: the client wrote them.
   */
  public boolean overHttps(RoutingContext context) {
    if (context.request().isSSL()) {
      return true;
    }
    return "https".equalsIgnoreCase(forwarded(context, "x-forwarded-proto", "proto"));
  }

  /**
   * The host the client asked for, as the nearest trusted proxy forwarded it ({@code
   * X-Forwarded-Host}, or {@code host=} of RFC 7239 {@code Forwarded}); null when the socket peer is
   * not a trusted proxy or it forwarded none.
   */
  public String forwardedHost(RoutingContext context) {
    return forwarded(context, "x-forwarded-host", "host");
  }

  private String forwarded(RoutingContext context, String xHeader, String parameter) {
    var request = context.request();
    SocketAddress socket = request.connection() == null ? null : request.connection().remoteAddress();
    InetAddress peer = socket == null ? null : IpRange.literal(socket.hostAddress());
    if (peer == null || !isTrusted(peer)) {
      return null;
    }
    return header == ForwardedHeader.FORWARDED
        ? nearest(request.headers().getAll(ForwardedHeader.FORWARDED.headerName()), parameter)
        : nearest(request.headers().getAll(xHeader), null);
  }

  /**
   * The rightmost entry of a forwarding header (what the nearest proxy wrote), or with {@code
   * parameter} that entry's RFC 7239 parameter, unquoted; null when there is none, or it is longer
   * than {@link #MAX_ENTRY_LENGTH}.
   */
  static String nearest(List<String> headerValues, String parameter) {
    if (headerValues == null || headerValues.isEmpty()) {
      return null;
    }
    String value = headerValues.get(headerValues.size() - 1);
    int end = value == null ? 0 : value.length();
    int comma = end == 0 ? -1 : previousComma(value, end);
    if (end == 0 || comma == TOO_LONG) {
      return null;
    }
    String entry = value.substring(comma + 1, end).strip();
    if (parameter == null) {
      return entry.isEmpty() ? null : entry;
    }
    for (String pair : entry.split(";", 16)) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase(parameter)) {
        String found = pair.substring(eq + 1).strip();
        if (found.length() >= 2 && found.charAt(0) == '"' && found.charAt(found.length() - 1) == '"') {
          found = found.substring(1, found.length() - 1);
        }
        return found.isEmpty() || found.indexOf('"') >= 0 ? null : found;
      }
    }
    return null;
  }

  /**
   * The client behind {@code peer} (the socket's remote address, null when unknown), given the
   * values of the forwarding header in the order received; the header is only read when {@code
   * peer} is a trusted proxy.
   */
  public InetAddress resolve(InetAddress peer, List<String> headerValues) {
    if (peer == null || !isTrusted(peer) || headerValues == null || headerValues.isEmpty()) {
      return peer;
    }
    InetAddress current = peer;
    int examined = 0;
    // Several header lines form one list, in order; walked from the last line's last entry.
    for (int line = headerValues.size() - 1; line >= 0; line--) {
      String value = headerValues.get(line);
      int end = value == null ? 0 : value.length();
      while (end > 0) {
        if (examined++ == MAX_ENTRIES) {
          return current;
        }
        int comma = previousComma(value, end);
        if (comma == TOO_LONG) {
          return current;
        }
        String entry = value.substring(comma + 1, end).strip();
        end = Math.max(comma, 0);
        if (entry.isEmpty()) {
          continue;
        }
        InetAddress next = header == ForwardedHeader.FORWARDED ? forwardedFor(entry) : node(entry);
        if (next == null) {
          return current;
        }
        current = next;
        if (!isTrusted(next)) {
          return next;
        }
      }
    }
    return current;
  }

  private static final int TOO_LONG = -2;

  /**
   * The index of the comma before {@code end} (-1 at the start of the value), looking back no
   * further than one entry may be long; {@link #TOO_LONG} when the entry is longer.
   */
  private static int previousComma(String value, int end) {
    int stop = Math.max(0, end - MAX_ENTRY_LENGTH - 1);
    for (int i = end - 1; i >= stop; i--) {
      if (value.charAt(i) == ',') {
        return i;
      }
    }
    return end <= MAX_ENTRY_LENGTH ? -1 : TOO_LONG;
  }

  private boolean isTrusted(InetAddress address) {
    for (IpRange range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The {@code for=} node of one RFC 7239 element ({@code for=x;proto=https;by=y}), or null. */
  static InetAddress forwardedFor(String element) {
    int from = 0;
    while (from <= element.length()) {
      int semicolon = element.indexOf(';', from);
      int to = semicolon < 0 ? element.length() : semicolon;
      String pair = element.substring(from, to).strip();
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("for")) {
        String value = pair.substring(eq + 1).strip();
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
          value = value.substring(1, value.length() - 1);
        } else if (value.indexOf('"') >= 0) {
          return null;
        }
        return node(value);
      }
      if (semicolon < 0) {
        return null;
      }
      from = semicolon + 1;
    }
    return null;
  }

  /**
   * An address with an optional port: {@code 192.0.2.1}, {@code 192.0.2.1:443}, {@code 2001:db8::1},
   * {@code [2001:db8::1]}, {@code [2001:db8::1]:443}; null for anything else ({@code unknown}, an
   * obfuscated {@code _name}, a host name).
   */
  static InetAddress node(String text) {
    String s = text.strip();
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || !validPort(s, close + 1)) {
        return null;
      }
      return IpRange.literal(s.substring(0, close + 1));
    }
    int colon = s.indexOf(':');
    if (colon >= 0 && colon == s.lastIndexOf(':')) {
      // One colon: an IPv4 address and a port.
      if (!validPort(s, colon)) {
        return null;
      }
      s = s.substring(0, colon);
    }
    return IpRange.literal(s);
  }

  private static boolean validPort(String s, int at) {
    if (at == s.length()) {
      return true;
    }
    if (s.charAt(at) != ':' || at + 1 == s.length() || s.length() - at - 1 > 5) {
      return false;
    }
    for (int i = at + 1; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
