package io.goldgate.access;

import java.util.HexFormat;

/**
 * What a recipient's secret is presented as. The two are kept apart: a client secret used as a
 * bearer token would make the long-lived secret the OAuth flow is there to avoid sending on every
 * request, so each kind is accepted in its own place only.
 */
public enum CredentialKind {
  /** Sent as {@code Authorization: Bearer <token>} on every request (profile version 1). */
  BEARER_TOKEN("bearer_token"),
  /** Sent only to the token endpoint, for short-lived access tokens (OAuth client credentials). */
  CLIENT_SECRET("client_secret");

  private final String wireName;

  CredentialKind(String wireName) {
    this.wireName = wireName;
  }

  /** The name in stored records, catalog files and the admin API. */
  public String wireName() {
    return wireName;
  }

  /** The kind of a stored name; null (records written before client secrets existed) is a bearer token. */
  public static CredentialKind ofWireName(String name) {
    if (name == null) {
      return BEARER_TOKEN;
    }
    for (CredentialKind kind : values()) {
      if (kind.wireName.equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("Unknown credential kind '" + name + "'");
  }

  /**
   * The id an access token names its client secret by: the first 64 bits of the secret's hash,
   * enough to tell a recipient's few secrets apart and nothing to guess the secret from.
   */
  public static String secretId(byte[] sha256) {
    return HexFormat.of().formatHex(sha256, 0, 8);
  }
}
