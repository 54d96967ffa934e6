package io.goldgate.access;

import io.goldgate.GoldgateException;

/** Reading the token out of an {@code Authorization: Bearer} header, for every API that takes one. */
public final class BearerHeaders {

  private BearerHeaders() {}

  /**
   * The token of the header (scheme name case-insensitive, surrounding blanks ignored).
   *
   * @param missing the message of the 401 when there is no header at all
   */
  public static String token(String authorizationHeader, String missing) {
    if (authorizationHeader == null || authorizationHeader.isBlank()) {
      throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, missing);
    }
    String header = authorizationHeader.strip();
    if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new GoldgateException(GoldgateException.Kind.UNAUTHENTICATED, "The Authorization header must use the Bearer scheme");
    }
    return header.substring(7).strip();
  }
}
