package io.goldgate.sharing;

import java.util.Locale;

/**
 * One {@code Range} header against a representation of a known size, read as RFC 9110 §14 says:
 * positions of any length are read without overflow (a position past 64 bits is simply past the
 * end), a last position past the end is clamped to it, a suffix longer than the representation
 * selects all of it, a first position at or past the end is unsatisfiable (416), and a header that
 * is not a single valid byte range is ignored (the whole representation, 200). Several ranges are
 * ignored too: the server may always answer a range request with the full representation.
 *
 * <p>Scanned character by character (no regex), so a header of any length costs linear time.
 */
public sealed interface ByteRange {

  /** The Range header does not apply: answer the whole representation with 200. */
  record Whole() implements ByteRange {}

  /** Answer {@code first..last} (inclusive) with 206. */
  record Part(long first, long last) implements ByteRange {
    public long length() {
      return last - first + 1;
    }
  }

  /** Answer 416 with {@code Content-Range: bytes *}{@code /size}. */
  record Unsatisfiable() implements ByteRange {}

  ByteRange WHOLE = new Whole();
  ByteRange UNSATISFIABLE = new Unsatisfiable();

  /** A position that does not fit in a long: past the end of every representation. */
  long HUGE = Long.MAX_VALUE;

  static ByteRange parse(String header, long size) {
    if (header == null) {
      return WHOLE;
    }
    String value = header.strip();
    int equals = value.indexOf('=');
    if (equals < 0 || !value.substring(0, equals).toLowerCase(Locale.ROOT).equals("bytes")) {
      return WHOLE;
    }
    String spec = value.substring(equals + 1).strip();
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.indexOf('-', dash + 1) >= 0) {
      return WHOLE;
    }
    String firstText = spec.substring(0, dash);
    String lastText = spec.substring(dash + 1);
    if (firstText.isEmpty()) {
      long suffix = digits(lastText);
      if (suffix < 0) {
        return WHOLE;
      }
      if (suffix == 0 || size == 0) {
        return UNSATISFIABLE;
      }
      return new Part(suffix >= size ? 0 : size - suffix, size - 1);
    }
    long first = digits(firstText);
    if (first < 0) {
      return WHOLE;
    }
    long last;
    if (lastText.isEmpty()) {
      last = HUGE;
    } else {
      last = digits(lastText);
      if (last < 0 || last < first) {
        return WHOLE;
      }
    }
    if (first >= size) {
      return UNSATISFIABLE;
    }
    return new Part(first, Math.min(last, size - 1));
  }

  /**
   * The value of a non-empty run of ASCII digits, saturated at {@link #HUGE}; -1 when the text is
   * empty or holds anything else.
   */
  private static long digits(String text) {
    if (text.isEmpty()) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      int digit = c - '0';
      value = value > (HUGE - digit) / 10 ? HUGE : value * 10 + digit;
    }
    return value;
  }
}
