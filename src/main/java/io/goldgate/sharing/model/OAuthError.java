package io.goldgate.sharing.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A token endpoint error (RFC 6749 section 5.2). */
public record OAuthError(String error, @JsonProperty("error_description") String errorDescription) {}
