package io.goldgate.config;

/** The header trusted proxies write the client's address into ({@code goldgate.http.forwarded-header}). */
public enum ForwardedHeader {
  /** {@code X-Forwarded-For: client, proxy1, proxy2}. */
  X_FORWARDED_FOR("x-forwarded-for"),
  /** RFC 7239 {@code Forwarded: for=client, for=proxy1}. */
  FORWARDED("forwarded");

  private final String name;

  ForwardedHeader(String name) {
    this.name = name;
  }

  /** The header's name in lower case, as HTTP/2 and gRPC metadata spell it. */
  public String headerName() {
    return name;
  }
}
