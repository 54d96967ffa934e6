package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.GoldgateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LikePatternTest {

  /** Literal characters: ASCII in both cases, accented, and two outside the BMP (surrogate pairs). */
  private static final String[] LITERALS = {"a", "A", "b", "é", "É", "#", "😀", "𝔸", "\u0000"};

  @Test
  void percentAndUnderscoreByCodePointIgnoringCase() {
    assertTrue(LikePattern.of("sales%", "p").matches("SALES_2026"));
    assertTrue(LikePattern.of("s_les", "p").matches("sales"));
    assertFalse(LikePattern.of("s_les", "p").matches("sles"));
    assertTrue(LikePattern.of("%", "p").matches(""));
    assertTrue(LikePattern.of(null, "p").matches("anything"));
    assertTrue(LikePattern.of("a_b", "p").matches("a😀b"), "a character outside the BMP is one character");
    assertFalse(LikePattern.of("a__b", "p").matches("a😀b"));
    assertTrue(LikePattern.of("ÉTÉ", "p").matches("été"));
  }

  @Test
  void backslashEscapesTheWildcards() {
    assertTrue(LikePattern.of("my\\_table", "p").matches("my_table"));
    assertFalse(LikePattern.of("my\\_table", "p").matches("myXtable"));
    assertTrue(LikePattern.of("100\\%", "p").matches("100%"));
    assertFalse(LikePattern.of("100\\%", "p").matches("1000"));
    assertTrue(LikePattern.of("a\\\\b", "p").matches("a\\b"));
    GoldgateException e = assertThrows(GoldgateException.class, () -> LikePattern.of("abc\\", "table_name_filter_pattern"));
    assertEquals(GoldgateException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("table_name_filter_pattern ends with the escape character '\\'; write '\\\\' for a backslash", e.getMessage());
  }

  @Test
  void patternsAreLimitedInLength() {
    assertTrue(LikePattern.of("%".repeat(LikePattern.MAX_LENGTH), "p").matches("x"));
    assertTrue(LikePattern.of("😀".repeat(LikePattern.MAX_LENGTH), "p").matches("😀".repeat(LikePattern.MAX_LENGTH)), "characters are code points");
    GoldgateException e = assertThrows(GoldgateException.class, () -> LikePattern.of("%".repeat(LikePattern.MAX_LENGTH + 1), "db_schema_filter_pattern"));
    assertEquals(GoldgateException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("db_schema_filter_pattern is 1025 characters long; the limit is 1024", e.getMessage());
  }

  @Test
  void theInputThatPinnedACoreIsAnsweredInOnePass() {
    // As a regex this backtracked for minutes; two pointers take at most pattern x name steps.
    LikePattern hostile = LikePattern.of("%".repeat(200) + "#", "p");
    assertFalse(hostile.matches("x".repeat(10_000)));
    assertTrue(hostile.matches("x".repeat(10_000) + "#"));
    LikePattern alternating = LikePattern.of("%a".repeat(500) + "#", "p");
    assertFalse(alternating.matches("a".repeat(5_000)));
  }

  @Test
  void agreesWithADynamicProgrammingReferenceOnRandomInputs() {
    Random random = new Random(20261207L);
    for (int round = 0; round < 50_000; round++) {
      String pattern = randomPattern(random);
      String name = randomName(random, pattern);
      boolean expected = reference(pattern, name);
      assertEquals(expected, LikePattern.of(pattern, "p").matches(name), () -> "pattern " + pattern + " name " + name);
    }
  }

  private static String randomPattern(Random random) {
    StringBuilder p = new StringBuilder();
    int length = random.nextInt(9);
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(10);
      if (kind < 3) {
        p.append('%');
      } else if (kind < 5) {
        p.append('_');
      } else if (kind == 5) {
        p.append('\\').append("%_\\a😀".codePoints().mapToObj(Character::toString).toList().get(random.nextInt(5)));
      } else {
        p.append(LITERALS[random.nextInt(LITERALS.length)]);
      }
    }
    return p.toString();
  }

  /** Half the names are built from the pattern so that matches are as common as mismatches. */
  private static String randomName(Random random, String pattern) {
    StringBuilder s = new StringBuilder();
    if (random.nextBoolean()) {
      List<Integer> cps = pattern.codePoints().boxed().toList();
      for (int i = 0; i < cps.size(); i++) {
        int c = cps.get(i);
        if (c == '\\' && i + 1 < cps.size()) {
          s.appendCodePoint(cps.get(++i));
        } else if (c == '%') {
          for (int k = random.nextInt(3); k > 0; k--) s.append(LITERALS[random.nextInt(LITERALS.length)]);
        } else if (c == '_') {
          s.append(LITERALS[random.nextInt(LITERALS.length)]);
        } else {
          s.appendCodePoint(random.nextBoolean() ? Character.toUpperCase(c) : c);
        }
      }
      if (random.nextInt(4) == 0 && !s.isEmpty()) s.setLength(s.length() - 1);
    } else {
      for (int k = random.nextInt(8); k > 0; k--) s.append(LITERALS[random.nextInt(LITERALS.length)]);
    }
    return s.toString();
  }

  /** The textbook table: m[i][j] says whether the first i pattern tokens match the first j code points. */
  private static boolean reference(String pattern, String name) {
    List<int[]> tokens = new ArrayList<>(); // {kind, codePoint}: 0 literal, 1 one, 2 run
    int[] p = pattern.codePoints().toArray();
    for (int i = 0; i < p.length; i++) {
      if (p[i] == '\\') tokens.add(new int[] {0, p[++i]});
      else if (p[i] == '%') tokens.add(new int[] {2, 0});
      else if (p[i] == '_') tokens.add(new int[] {1, 0});
      else tokens.add(new int[] {0, p[i]});
    }
    int[] s = name.codePoints().toArray();
    boolean[][] m = new boolean[tokens.size() + 1][s.length + 1];
    m[0][0] = true;
    for (int i = 1; i <= tokens.size(); i++) {
      int[] t = tokens.get(i - 1);
      for (int j = 0; j <= s.length; j++) {
        m[i][j] = switch (t[0]) {
          case 2 -> m[i - 1][j] || j > 0 && m[i][j - 1];
          case 1 -> j > 0 && m[i - 1][j - 1];
          default -> j > 0 && m[i - 1][j - 1] && sameIgnoringCase(t[1], s[j - 1]);
        };
      }
    }
    return m[tokens.size()][s.length];
  }

  private static boolean sameIgnoringCase(int a, int b) {
    return a == b || Character.toUpperCase(a) == Character.toUpperCase(b) || Character.toLowerCase(a) == Character.toLowerCase(b);
  }
}
