package io.goldgate.admin.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** The Delta Sharing profile file a recipient's client reads (shareCredentialsVersion 1). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SharingProfile(int shareCredentialsVersion, String endpoint, String bearerToken, Instant expirationTime) {}
