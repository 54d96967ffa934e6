package io.goldgate.admin.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The Delta Sharing profile file a recipient's client reads: version 1 with a bearer token, or
 * version 2 of type {@code oauth_client_credentials}, whose client fetches short-lived access
 * tokens from {@code tokenEndpoint} with {@code clientId} and {@code clientSecret}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SharingProfile(
    int shareCredentialsVersion,
    String type,
    String endpoint,
    String tokenEndpoint,
    String clientId,
    String clientSecret,
    String bearerToken,
    Instant expirationTime) {

  public static SharingProfile bearerToken(String endpoint, String bearerToken, Instant expirationTime) {
    return new SharingProfile(1, null, endpoint, null, null, null, bearerToken, expirationTime);
  }

  public static SharingProfile clientCredentials(String endpoint, String tokenEndpoint, String clientId, String clientSecret) {
    return new SharingProfile(2, "oauth_client_credentials", endpoint, tokenEndpoint, clientId, clientSecret, null, null);
  }
}
