package io.goldgate.access;

/**
 * Who a request acts for: the recipient, and, when it came with a signed access token, whom the
 * token was issued to and by whom (for the audit log).
 *
 * @param subject the token's {@code sub}; null for a bearer token
 * @param issuer the token's {@code iss}; null for a bearer token
 */
public record Principal(Recipient recipient, String subject, String issuer) {

  /** A recipient that presented one of its bearer tokens. */
  public static Principal of(Recipient recipient) {
    return new Principal(recipient, null, null);
  }

  public String name() {
    return recipient.name();
  }
}
