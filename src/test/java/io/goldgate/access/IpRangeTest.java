package io.goldgate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpRangeTest {

  static boolean contains(String cidr, String address) {
    return IpRange.parse(cidr).contains(IpRange.literal(address));
  }

  @Test
  void givenIpv4Networks_thenMembershipFollowsThePrefix() {
    assertTrue(contains("10.0.0.0/8", "10.255.1.2"));
    assertFalse(contains("10.0.0.0/8", "11.0.0.1"));
    assertTrue(contains("192.168.4.0/22", "192.168.7.255"));
    assertFalse(contains("192.168.4.0/22", "192.168.8.0"));
    assertTrue(contains("0.0.0.0/0", "203.0.113.9"));
    assertTrue(contains("127.0.0.1", "127.0.0.1"), "a bare address is a /32");
    assertFalse(contains("127.0.0.1", "127.0.0.2"));
  }

  @Test
  void givenIpv6Networks_thenMembershipFollowsThePrefixAndFamiliesNeverMix() {
    assertTrue(contains("2001:db8::/32", "2001:db8:ffff::1"));
    assertFalse(contains("2001:db8::/32", "2001:db9::1"));
    assertTrue(contains("::1/128", "[::1]"));
    assertTrue(contains("fe80::/10", "fe80::1%eth0"), "a zone id is ignored");
    assertFalse(contains("::/0", "127.0.0.1"), "an IPv6 range never holds an IPv4 client");
    assertFalse(contains("0.0.0.0/0", "::1"));
    assertTrue(contains("10.0.0.0/8", "::ffff:10.1.2.3"), "an IPv4-mapped client is its IPv4 address");
  }

  @Test
  void givenMalformedEntries_thenEachIsRefusedWithItsReason() {
    for (var bad : List.of(
        List.of("10.0.0.0/33", "'10.0.0.0/33' has an invalid prefix length: use 0 to 32"),
        List.of("10.0.0.0/-1", "'10.0.0.0/-1' has an invalid prefix length: use 0 to 32"),
        List.of("2001:db8::/200", "'2001:db8::/200' has an invalid prefix length: use 0 to 128"),
        List.of("example.com/24", "'example.com/24' is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32"),
        List.of("300.1.1.1/32", "'300.1.1.1/32' is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32"),
        List.of("10.1.0.0/8", "'10.1.0.0/8' has bits set after the prefix: did you mean 10.0.0.0/8?"),
        List.of(" ", "an empty entry is not a CIDR"))) {
      var e = assertThrows(IllegalArgumentException.class, () -> IpRange.parse(bad.get(0)));
      assertEquals(bad.get(1), e.getMessage());
    }
  }

  @Test
  void givenAHostName_thenItIsNeverResolved() {
    assertNull(IpRange.literal("localhost"));
    assertNull(IpRange.literal(null));
  }
}
