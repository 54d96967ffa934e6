package io.goldgate.access;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One entry of a recipient's IP allow-list: an IPv4 or IPv6 network in CIDR notation ({@code
 * 10.0.0.0/8}, {@code 2001:db8::/32}), or a single address (a {@code /32} or {@code /128}).
 */
public final class IpRange {

  /** Longer text is no IP literal (the longest, an IPv4-mapped IPv6 address, has 45 characters). */
  private static final int MAX_LITERAL = 64;

  private final String text;
  private final byte[] network;
  private final int prefix;

  private IpRange(String text, byte[] network, int prefix) {
    this.text = text;
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * @throws IllegalArgumentException with a message naming what is wrong with {@code cidr}
   */
  public static IpRange parse(String cidr) {
    if (cidr == null || cidr.isBlank()) {
      throw new IllegalArgumentException("an empty entry is not a CIDR");
    }
    String s = cidr.strip();
    int slash = s.indexOf('/');
    String addressPart = slash < 0 ? s : s.substring(0, slash);
    InetAddress address = literal(addressPart);
    if (address == null) {
      throw new IllegalArgumentException("'" + cidr + "' is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32");
    }
    byte[] bytes = address.getAddress();
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String bits = s.substring(slash + 1);
      if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > max) {
        throw new IllegalArgumentException("'" + cidr + "' has an invalid prefix length: use 0 to " + max);
      }
      prefix = Integer.parseInt(bits);
    }
    byte[] masked = mask(bytes, prefix);
    if (!java.util.Arrays.equals(masked, bytes)) {
      String network;
      try {
        network = InetAddress.getByAddress(masked).getHostAddress();
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
      throw new IllegalArgumentException("'" + cidr + "' has bits set after the prefix: did you mean " + network + "/" + prefix + "?");
    }
    return new IpRange(s, masked, prefix);
  }

  /**
   * The address a textual IP stands for, or null when it is not an IP literal. Never resolves host
   * names: {@link InetAddress#getByName} only ever sees literals here.
   */
  public static InetAddress literal(String text) {
    if (text == null) {
      return null;
    }
    String s = text.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    if (s.length() > MAX_LITERAL || !(ipv4(s) || ipv6(s))) {
      return null;
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  // Both shapes start with a digit, a hex digit or ':', which makes InetAddress parse the text as a
  // literal and never fall back to a DNS look-up (it throws for a malformed literal instead).
  private static boolean ipv4(String s) {
    int groups = 0;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits > 3) {
          return false;
        }
      } else if (c == '.' && digits > 0 && groups < 3) {
        groups++;
        digits = 0;
      } else {
        return false;
      }
    }
    return groups == 3 && digits > 0;
  }

  private static boolean ipv6(String s) {
    if (s.isEmpty() || s.indexOf(':') < 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && (c != '.' || i == 0)) {
        return false;
      }
    }
    return true;
  }

  public boolean contains(InetAddress address) {
    if (address == null) {
      return false;
    }
    byte[] bytes = address.getAddress();
    if (bytes.length != network.length) {
      return false;
    }
    return java.util.Arrays.equals(mask(bytes, prefix), network);
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - keep)));
    }
    return out;
  }

  /** The entry as the operator wrote it (trimmed). */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpRange other && other.prefix == prefix && java.util.Arrays.equals(other.network, network);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(network) * 31 + prefix;
  }
}
