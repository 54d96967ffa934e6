package io.goldgate;

/**
 * A failure a caller can act on. Each protocol front end (Delta Sharing REST, Flight) turns the
 * {@link Kind} into its own status and error body; the message is shown to the caller, so it must
 * never carry secrets or internal paths.
 */
public class GoldgateException extends RuntimeException {

  public enum Kind {
    /** The object does not exist, or the caller may not know it exists. */
    NOT_FOUND,
    /** A parameter has a value this call cannot accept. */
    INVALID_ARGUMENT,
    /** The request body or a token cannot be parsed at all. */
    MALFORMED,
    /** No credentials, unknown credentials or expired credentials. */
    UNAUTHENTICATED,
    /** Known caller, but this operation is not allowed (expired or tampered URL, ...). */
    PERMISSION_DENIED,
    /** The request clashes with the current state (the name is taken, the object is read-only). */
    CONFLICT,
    /** Valid request for something this server or this table does not support. */
    UNSUPPORTED,
    /** The data behind the request is broken (corrupt log, missing file). */
    DATA_ERROR,
    /** A backing service (the online store) is down or too slow; retrying later may work. */
    UNAVAILABLE
  }

  private final Kind kind;

  public GoldgateException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public GoldgateException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * A one-word reason clients can act on (an UNAUTHENTICATED refusal of a signed token says
   * {@code expired}, {@code wrong_audience}, ...), or null when the message is all there is.
   */
  public String reason() {
    return null;
  }

  public static GoldgateException notFound(String message) {
    return new GoldgateException(Kind.NOT_FOUND, message);
  }

  public static GoldgateException invalid(String message) {
    return new GoldgateException(Kind.INVALID_ARGUMENT, message);
  }
}
