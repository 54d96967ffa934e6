package io.goldgate.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.lake.predicate.ValueOrder;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one value order of the gateway against its definitions: strings by their UTF-8 bytes (as
 * Delta, Parquet and Arrow order them), binary by unsigned bytes, numbers by value, floating point
 * as SQL orders it. The property checks draw from a seeded generator: a failure names its case and
 * reruns the same way.
 */
class ValueOrderTest {

  private static final long SEED = 20261207L;
  private static final int CASES = 20_000;

  /** Up to six code points from every plane, weighted towards the ranges whose orders differ. */
  private static String unicode(Random random) {
    int[] codePoints = new int[random.nextInt(7)];
    for (int i = 0; i < codePoints.length; i++) {
      codePoints[i] =
          switch (random.nextInt(4)) {
            case 0 -> random.nextInt(0x80);
            case 1 -> 0xE000 + random.nextInt(0x2000);
            case 2 -> 0x10000 + random.nextInt(0x100000);
            default -> 0x80 + random.nextInt(0xD800 - 0x80);
          };
    }
    return new String(codePoints, 0, codePoints.length);
  }

  @Test
  void stringsCompareAsTheirUtf8Bytes() {
    Random random = new Random(SEED);
    for (int i = 0; i < CASES; i++) {
      String a = unicode(random);
      String b = random.nextInt(8) == 0 ? a : unicode(random);
      int expected = Integer.signum(Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
      assertEquals(expected, Integer.signum(ValueOrder.compareStrings(a, b)), codePoints(a) + " vs " + codePoints(b));
      assertEquals(expected, Integer.signum(ValueOrder.compare(a, b)));
    }
  }

  @Test
  void binaryComparesAsUnsignedBytes() {
    Random random = new Random(SEED);
    for (int i = 0; i < CASES; i++) {
      byte[] a = new byte[random.nextInt(5)];
      byte[] b = new byte[random.nextInt(5)];
      random.nextBytes(a);
      random.nextBytes(b);
      int expected = 0;
      for (int k = 0; k < Math.min(a.length, b.length) && expected == 0; k++) {
        expected = Integer.compare(a[k] & 0xFF, b[k] & 0xFF);
      }
      if (expected == 0) {
        expected = Integer.compare(a.length, b.length);
      }
      assertEquals(Integer.signum(expected), Integer.signum(ValueOrder.compare(a, b)), Arrays.toString(a) + " vs " + Arrays.toString(b));
    }
  }

  @Test
  void numbersCompareByValueWhateverTheirType() {
    Random random = new Random(SEED);
    for (int i = 0; i < CASES; i++) {
      long a = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(200) - 100;
      long b = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(200) - 100;
      int expected = Long.signum(Long.compare(a, b));
      assertEquals(expected, Integer.signum(ValueOrder.compare(a, b)));
      assertEquals(expected, Integer.signum(ValueOrder.compare(BigDecimal.valueOf(a).setScale(3), b)));
      assertEquals(expected, Integer.signum(ValueOrder.compare(a, BigDecimal.valueOf(b))));
      double x = random.nextGaussian() * 1e6;
      double y = random.nextInt(8) == 0 ? x : random.nextGaussian() * 1e6;
      assertEquals(Integer.signum(Double.compare(x, y)), Integer.signum(ValueOrder.compare(x, y)));
      assertEquals(Integer.signum(Double.compare(x, y)), Integer.signum(ValueOrder.compare(new BigDecimal(x), y)));
    }
  }

  @Test
  void charactersAboveTheBasicPlaneSortAboveHalfwidthForms() {
    assertTrue(ValueOrder.compare("ｱ", "𠮷") < 0, "U+FF71 < U+20BB7");
    assertTrue("ｱ".compareTo("𠮷") > 0, "which String.compareTo gets wrong");
    assertTrue(ValueOrder.compare("\uffff", "😀") < 0);
    assertTrue(ValueOrder.compare("a😀", "aｱ") > 0);
    assertTrue(ValueOrder.compare("", "\u0000") < 0);
    assertEquals(0, ValueOrder.compare("𠮷", "𠮷"));
  }

  @Test
  void floatingPointFollowsSql() {
    assertEquals(0, ValueOrder.compare(-0.0, 0.0), "-0.0 = 0.0");
    assertEquals(0, ValueOrder.compare(Double.NaN, Double.NaN), "NaN = NaN");
    for (Object other : List.of(Double.POSITIVE_INFINITY, Double.MAX_VALUE, 0.0, Long.MAX_VALUE, new BigDecimal("1e400"))) {
      assertTrue(ValueOrder.compare(Double.NaN, other) > 0, "NaN above " + other);
      assertTrue(ValueOrder.compare(other, Double.NaN) < 0, other + " below NaN");
    }
    assertTrue(ValueOrder.compare(Double.POSITIVE_INFINITY, new BigDecimal("1e400")) > 0);
    assertTrue(ValueOrder.compare(Double.NEGATIVE_INFINITY, Long.MIN_VALUE) < 0);
    assertTrue(ValueOrder.compare(0.1, new BigDecimal("0.1")) > 0, "the double 0.1 is 0.1000000000000000055...");
    assertEquals(0, ValueOrder.compare(new BigDecimal("1.50"), new BigDecimal("1.5")), "decimal scale does not matter");
    assertEquals(0, ValueOrder.compare(2L, 2.0));
  }

  private static String codePoints(String s) {
    return s.codePoints().mapToObj(c -> "U+" + Integer.toHexString(c).toUpperCase()).toList().toString();
  }
}
