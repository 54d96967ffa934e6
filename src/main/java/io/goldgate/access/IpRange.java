package io.goldgate.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One entry of a recipient's IP allow-list: an IPv4 or IPv6 network in CIDR notation ({@code
 * 10.0.0.0/8}, {@code 2001:db8::/32}), or a single address (a {@code /32} or {@code /128}).
 */
public final class IpRange {

  // Both start with a hex digit or ':', which makes InetAddress parse them as literals and never
  // fall back to a DNS look-up (it throws for a malformed literal instead).
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F:.]*");

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
    if (!IPV4.matcher(s).matches() && !(s.indexOf(':') >= 0 && IPV6.matcher(s).matches())) {
      return null;
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      return null;
    }
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
