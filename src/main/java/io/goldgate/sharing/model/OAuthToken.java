package io.goldgate.sharing.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A successful token response (RFC 6749 section 5.1). */
public record OAuthToken(
    @JsonProperty("access_token") String accessToken,
    @JsonProperty("token_type") String tokenType,
    @JsonProperty("expires_in") long expiresIn) {}
