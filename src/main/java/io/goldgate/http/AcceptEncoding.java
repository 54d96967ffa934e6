package io.goldgate.http;

import java.util.Locale;

/**
 * Whether an {@code Accept-Encoding} header (RFC 9110 §12.5.3) accepts gzip: a {@code gzip} or
 * {@code x-gzip} coding, or {@code *}, with a non-zero weight. Scanned once, without regex, so a
 * header of any length costs linear time; anything unparseable counts as not accepting.
 */
public final class AcceptEncoding {

  private AcceptEncoding() {}

  public static boolean acceptsGzip(String header) {
    if (header == null || header.isEmpty()) {
      return false;
    }
    boolean gzip = false;
    boolean gzipRefused = false;
    boolean star = false;
    for (String member : header.split(",", 256)) {
      int semicolon = member.indexOf(';');
      String coding = (semicolon < 0 ? member : member.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
      boolean acceptable = semicolon < 0 || weight(member.substring(semicolon + 1)) > 0;
      switch (coding) {
        case "gzip", "x-gzip" -> {
          if (acceptable) gzip = true;
          else gzipRefused = true;
        }
        case "*" -> star = acceptable;
        default -> {}
      }
    }
    return gzip || (star && !gzipRefused);
  }

  /** The {@code q} of a coding's parameters; 1 when absent, 0 when malformed. */
  private static double weight(String parameters) {
    for (String parameter : parameters.split(";", 16)) {
      String p = parameter.strip();
      if (p.length() >= 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        String value = p.substring(2).strip();
        if (value.isEmpty() || value.length() > 5) {
          return 0;
        }
        try {
          return Double.parseDouble(value);
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }
}
