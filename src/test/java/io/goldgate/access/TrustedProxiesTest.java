package io.goldgate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.goldgate.config.ForwardedHeader;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

  private static final TrustedProxies XFF = new TrustedProxies(List.of(IpRange.parse("10.0.0.0/8"), IpRange.parse("2001:db8::/32")), ForwardedHeader.X_FORWARDED_FOR);
  private static final TrustedProxies RFC7239 = new TrustedProxies(List.of(IpRange.parse("10.0.0.0/8")), ForwardedHeader.FORWARDED);

  private static String client(TrustedProxies proxies, String peer, String... header) {
    InetAddress address = proxies.resolve(IpRange.literal(peer), List.of(header));
    return address == null ? null : address.getHostAddress();
  }

  @Test
  void givenAnUntrustedPeer_thenItsForwardingHeaderIsIgnored() {
    assertEquals("203.0.113.9", client(XFF, "203.0.113.9", "10.1.2.3"));
    assertEquals("127.0.0.1", client(TrustedProxies.none(), "127.0.0.1", "10.1.2.3"));
    assertEquals("127.0.0.1", client(TrustedProxies.none(), "127.0.0.1", "10.1.2.3, 203.0.113.9"));
  }

  @Test
  void givenATrustedPeer_thenTheRightmostUntrustedEntryIsTheClient() {
    assertEquals("203.0.113.9", client(XFF, "10.0.0.1", "203.0.113.9"));
    // A forged leftmost entry is what the client sent; the proxy appended the real one.
    assertEquals("203.0.113.9", client(XFF, "10.0.0.1", "10.1.2.3, 203.0.113.9"));
    assertEquals("203.0.113.9", client(XFF, "10.0.0.1", "198.51.100.1, 203.0.113.9, 10.0.0.7"), "trusted hops are skipped");
    assertEquals("203.0.113.9", client(XFF, "10.0.0.1", "198.51.100.1", "203.0.113.9, 10.0.0.7"), "several header lines form one list");
    assertEquals("10.0.0.3", client(XFF, "10.0.0.1", "10.0.0.3, 10.0.0.7"), "only proxies: the farthest one");
    assertEquals("10.0.0.1", client(XFF, "10.0.0.1"), "no header: the proxy itself");
    assertEquals("203.0.113.9", client(XFF, "10.0.0.1", "203.0.113.9:4711"));
    assertEquals("2001:db9:0:0:0:0:0:1", client(XFF, "2001:db8::5", "[2001:db9::1]:443"));
    assertEquals("2001:db9:0:0:0:0:0:1", client(XFF, "10.0.0.1", "2001:db9::1"));
  }

  @Test
  void givenMalformedEntries_thenTheWalkStopsAtTheProxyThatWroteThem() {
    assertEquals("10.0.0.1", client(XFF, "10.0.0.1", "evil.example.com"));
    assertEquals("10.0.0.1", client(XFF, "10.0.0.1", "unknown"));
    assertEquals("10.0.0.7", client(XFF, "10.0.0.1", "203.0.113.9, garbage, 10.0.0.7"));
    assertEquals("10.0.0.1", client(XFF, "10.0.0.1", "1.2.3.4.5"));
    assertEquals("10.0.0.1", client(XFF, "10.0.0.1", "1.2.3.4:99999999"));
    assertEquals("10.0.0.1", client(XFF, "10.0.0.1", "1234.2.3.4"));
    assertEquals("10.0.0.1", client(XFF, "10.0.0.1", "[::1"));
    assertEquals("203.0.113.9", client(XFF, "10.0.0.1", "garbage, 203.0.113.9 , "), "empty entries are skipped");
  }

  @Test
  void givenHugeHeaders_thenParsingIsBounded() {
    String longEntry = "1".repeat(TrustedProxies.MAX_ENTRY_LENGTH + 1);
    assertEquals("10.0.0.1", client(XFF, "10.0.0.1", longEntry));
    assertEquals("10.0.0.1", client(XFF, "10.0.0.1", "203.0.113.9," + " ".repeat(100_000)), "an overlong entry is malformed");
    String manyProxies = "203.0.113.9" + ", 10.0.0.2".repeat(TrustedProxies.MAX_ENTRIES);
    assertEquals("10.0.0.2", client(XFF, "10.0.0.1", manyProxies), "the walk stops after " + TrustedProxies.MAX_ENTRIES + " entries");
    String fewer = "203.0.113.9" + ", 10.0.0.2".repeat(TrustedProxies.MAX_ENTRIES - 1);
    assertEquals("203.0.113.9", client(XFF, "10.0.0.1", fewer));
    assertEquals("203.0.113.9", client(XFF, "10.0.0.1", "x".repeat(1_000_000) + ", 203.0.113.9"), "only the right end is read");
  }

  @Test
  void givenRfc7239_thenTheForParameterIsRead() {
    assertEquals("203.0.113.9", client(RFC7239, "10.0.0.1", "for=10.1.2.3, for=203.0.113.9;proto=https;by=10.0.0.1"));
    assertEquals("2001:db8:cafe:0:0:0:0:17", client(RFC7239, "10.0.0.1", "For=\"[2001:db8:cafe::17]:4711\""));
    assertEquals("203.0.113.9", client(RFC7239, "10.0.0.1", "proto=https;for=203.0.113.9, for=10.0.0.5"));
    assertEquals("10.0.0.1", client(RFC7239, "10.0.0.1", "for=unknown"));
    assertEquals("10.0.0.1", client(RFC7239, "10.0.0.1", "for=_hidden"));
    assertEquals("10.0.0.1", client(RFC7239, "10.0.0.1", "proto=https"), "an element without for= is malformed");
    assertEquals("10.0.0.1", client(RFC7239, "10.0.0.1", "for=\"203.0.113.9"));
    assertEquals("10.0.0.1", client(RFC7239, "10.0.0.1", "203.0.113.9"), "X-Forwarded-For syntax is not RFC 7239");
  }

  @Test
  void givenNoPeer_thenTheClientIsUnknown() {
    assertNull(XFF.resolve(null, List.of("203.0.113.9")));
  }

  @Test
  void givenForwardedValues_thenTheNearestProxysEntryIsRead() {
    assertEquals("https", TrustedProxies.nearest(List.of("https"), null));
    assertEquals("http", TrustedProxies.nearest(List.of("https, http"), null), "the rightmost entry: the nearest proxy wrote it");
    assertEquals("http", TrustedProxies.nearest(List.of("https", "http"), null), "the last header line");
    assertNull(TrustedProxies.nearest(List.of(), null));
    assertNull(TrustedProxies.nearest(List.of("https, "), null));
    assertNull(TrustedProxies.nearest(List.of("x".repeat(TrustedProxies.MAX_ENTRY_LENGTH + 1)), null));
    assertEquals("https", TrustedProxies.nearest(List.of("for=192.0.2.1;proto=http, for=198.51.100.2;proto=https"), "proto"));
    assertEquals("share.example.com", TrustedProxies.nearest(List.of("for=192.0.2.1; Host=\"share.example.com\"; proto=https"), "host"));
    assertNull(TrustedProxies.nearest(List.of("for=192.0.2.1"), "proto"));
    assertNull(TrustedProxies.nearest(List.of("proto=\"ht\"tps\""), "proto"));
  }
}
