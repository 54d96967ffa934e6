package io.goldgate.flight;

import io.goldgate.GoldgateException;
import java.util.Arrays;

/**
 * The filter patterns of Flight SQL's GetDbSchemas and GetTables: {@code %} matches any run of
 * characters, {@code _} exactly one, and a backslash (the search string escape the server
 * advertises) makes the next character literal. Matching is by code point, so a character outside
 * the Basic Multilingual Plane is one character, and ignores case as catalog names do.
 *
 * <p>Matched with two pointers and one resume point instead of a regex: a run of {@code %} can
 * never make it backtrack more than once per name character, so a match costs at most pattern
 * length times name length steps, and patterns are limited to {@link #MAX_LENGTH} characters.
 */
final class LikePattern {

  /** The longest pattern accepted, in characters (code points). */
  static final int MAX_LENGTH = 1_024;

  private static final int ANY_RUN = -1;
  private static final int ANY_ONE = -2;
  private static final LikePattern EVERYTHING = new LikePattern(new int[] {ANY_RUN});

  /** Case-folded code points, or {@link #ANY_RUN} / {@link #ANY_ONE}; runs of % are one token. */
  private final int[] tokens;

  private LikePattern(int[] tokens) {
    this.tokens = tokens;
  }

  /** The pattern in {@code field}; null matches everything. */
  static LikePattern of(String pattern, String field) {
    if (pattern == null) return EVERYTHING;
    if (pattern.length() > MAX_LENGTH && pattern.codePointCount(0, pattern.length()) > MAX_LENGTH) {
      throw GoldgateException.invalid(field + " is " + pattern.codePointCount(0, pattern.length()) + " characters long; the limit is " + MAX_LENGTH);
    }
    int[] codePoints = pattern.codePoints().toArray();
    int[] tokens = new int[codePoints.length];
    int n = 0;
    for (int i = 0; i < codePoints.length; i++) {
      int c = codePoints[i];
      if (c == '\\') {
        if (++i == codePoints.length) {
          throw GoldgateException.invalid(field + " ends with the escape character '\\'; write '\\\\' for a backslash");
        }
        tokens[n++] = fold(codePoints[i]);
      } else if (c == '%') {
        if (n == 0 || tokens[n - 1] != ANY_RUN) tokens[n++] = ANY_RUN;
      } else if (c == '_') {
        tokens[n++] = ANY_ONE;
      } else {
        tokens[n++] = fold(c);
      }
    }
    return new LikePattern(Arrays.copyOf(tokens, n));
  }

  boolean matches(String name) {
    int[] s = name.codePoints().map(LikePattern::fold).toArray();
    int si = 0;
    int pi = 0;
    // Where the last % started and how much of the name it had taken: on a mismatch it takes one
    // character more. An earlier % never needs to take more, since the later one can.
    int run = -1;
    int runEnd = 0;
    while (si < s.length) {
      if (pi < tokens.length && tokens[pi] == ANY_RUN) {
        run = pi++;
        runEnd = si;
      } else if (pi < tokens.length && (tokens[pi] == ANY_ONE || tokens[pi] == s[si])) {
        pi++;
        si++;
      } else if (run >= 0) {
        pi = run + 1;
        si = ++runEnd;
      } else {
        return false;
      }
    }
    while (pi < tokens.length && tokens[pi] == ANY_RUN) pi++;
    return pi == tokens.length;
  }

  /** Case folding by code point, as {@code equalsIgnoreCase} compares characters. */
  static int fold(int codePoint) {
    return Character.toLowerCase(Character.toUpperCase(codePoint));
  }
}
