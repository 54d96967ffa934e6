package io.goldgate.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 9110 byte ranges against a 1000-byte file: every edge, including positions past 64 bits. */
class ByteRangeTest {

  private static final long SIZE = 1000;

  private static ByteRange parse(String header) {
    return ByteRange.parse(header, SIZE);
  }

  private static ByteRange part(long first, long last) {
    return new ByteRange.Part(first, last);
  }

  @Test
  void aRangeInsideTheFileIsServedAsAsked() {
    assertEquals(part(0, 3), parse("bytes=0-3"));
    assertEquals(part(999, 999), parse("bytes=999-999"));
    assertEquals(part(100, 999), parse("bytes=100-"));
    assertEquals(part(992, 999), parse("bytes=-8"));
    assertEquals(part(5, 9), parse("  BYTES=5-9  "));
    assertEquals(part(5, 9), parse("bytes= 5-9"));
    assertEquals(part(7, 7), parse("bytes=007-0007"));
  }

  @Test
  void aLastPositionPastTheEndIsClampedToTheEnd() {
    assertEquals(part(0, 999), parse("bytes=0-1000"));
    assertEquals(part(0, 999), parse("bytes=0-99999999999999999999"));
    assertEquals(part(0, 999), parse("bytes=0-" + Long.MAX_VALUE));
    assertEquals(part(500, 999), parse("bytes=500-9223372036854775808"));
    assertEquals(part(0, 999), parse("bytes=0-" + "9".repeat(5000)));
  }

  @Test
  void aSuffixLongerThanTheFileSelectsAllOfIt() {
    assertEquals(part(0, 999), parse("bytes=-1000"));
    assertEquals(part(0, 999), parse("bytes=-1001"));
    assertEquals(part(0, 999), parse("bytes=-9999999999999999999999"));
    assertEquals(part(0, 999), parse("bytes=-" + "7".repeat(10_000)));
  }

  @Test
  void aFirstPositionAtOrPastTheEndIsUnsatisfiable() {
    assertEquals(ByteRange.UNSATISFIABLE, parse("bytes=1000-"));
    assertEquals(ByteRange.UNSATISFIABLE, parse("bytes=1000-2000"));
    assertEquals(ByteRange.UNSATISFIABLE, parse("bytes=99999999999999999999-"));
    assertEquals(ByteRange.UNSATISFIABLE, parse("bytes=99999999999999999999-99999999999999999999"));
    assertEquals(ByteRange.UNSATISFIABLE, parse("bytes=" + "1".repeat(8000) + "-"));
    assertEquals(ByteRange.UNSATISFIABLE, parse("bytes=-0"));
    assertEquals(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=0-", 0));
    assertEquals(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-5", 0));
  }

  @Test
  void aHeaderThatIsNotOneValidByteRangeIsIgnored() {
    for (String header : new String[] {
        null, "", "bytes=", "bytes=-", "bytes", "bytes 0-3", "items=0-3", "bytes=a-3", "bytes=0-b", "bytes=3-0",
        "bytes=0-3,5-7", "bytes=--3", "bytes=0--3", "bytes=+1-3", "bytes=0x10-20", "bytes=1 -3", "bytes=1-3 4",
        "bytes=９-10", "bytes=" + "9".repeat(5000) + "-1", "bytes=" + "-".repeat(10_000)}) {
      assertEquals(ByteRange.WHOLE, parse(header), String.valueOf(header));
    }
  }
}
