package io.goldgate.admin;

import io.goldgate.GoldgateException;
import java.time.Duration;

/**
 * The durations of the admin API: one ISO-8601 unit ({@code P<n>D}, {@code PT<n>H}, {@code PT<n>M}
 * or {@code PT<n>S}, upper case, digits only, no leading zeros) with at most a set number of digits per unit, so the
 * limit is in the grammar itself and the OpenAPI document can state it exactly as a pattern. Read
 * by hand, character by character: no regex and no overflow on any input.
 *
 * @param what the field, for error messages
 * @param maxDigits the most digits allowed for days, hours, minutes and seconds, in that order
 * @param zeroAllowed whether a zero duration is valid (a grace period of none)
 */
record AdminDuration(String what, int[] maxDigits, boolean zeroAllowed) {

  /** Up to 99 days (P99D), 999 hours, 99999 minutes or 999999 seconds; zero: the old tokens stop now. */
  static final AdminDuration GRACE_PERIOD = new AdminDuration("gracePeriod", new int[] {2, 3, 5, 6}, true);
  /** Up to 9999 days (P9999D, about 27 years), 99999 hours, 9999999 minutes or 999999999 seconds; never zero. */
  static final AdminDuration TOKEN_LIFETIME = new AdminDuration("tokenLifetime", new int[] {4, 5, 7, 9}, false);

  private static final char[] UNITS = {'D', 'H', 'M', 'S'};
  private static final long[] SECONDS = {86_400, 3_600, 60, 1};

  /** The duration, or null when {@code text} is null (the field is absent). */
  Duration parse(String text) {
    if (text == null) {
      return null;
    }
    boolean time = text.startsWith("PT");
    int at = time ? 2 : text.startsWith("P") ? 1 : -1;
    int digitsEnd = at;
    while (at >= 0 && digitsEnd < text.length() && text.charAt(digitsEnd) >= '0' && text.charAt(digitsEnd) <= '9') {
      digitsEnd++;
    }
    int unit = -1;
    if (at >= 0 && digitsEnd > at && digitsEnd == text.length() - 1) {
      char u = text.charAt(digitsEnd);
      for (int i = time ? 1 : 0; i < (time ? UNITS.length : 1); i++) {
        if (UNITS[i] == u) {
          unit = i;
        }
      }
    }
    boolean leadingZero = digitsEnd - at > 1 && text.charAt(at) == '0';
    if (unit < 0 || leadingZero || digitsEnd - at > maxDigits[unit]) {
      throw GoldgateException.invalid(what + ": '" + shorten(text) + "' is not " + grammar());
    }
    long amount = Long.parseLong(text, at, digitsEnd, 10);
    if (amount == 0 && !zeroAllowed) {
      throw GoldgateException.invalid(what + ": must be more than zero, got " + text);
    }
    return Duration.ofSeconds(amount * SECONDS[unit]);
  }

  /** The rule, as error messages and the documentation state it. */
  String grammar() {
    return "one ISO-8601 unit: P<days>D (at most " + maxDigits[0] + " digits), PT<hours>H (" + maxDigits[1] + "), PT<minutes>M ("
        + maxDigits[2] + ") or PT<seconds>S (" + maxDigits[3] + "), no leading zeros, such as PT24H or P90D" + (zeroAllowed ? "" : ", more than zero");
  }

  private static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
