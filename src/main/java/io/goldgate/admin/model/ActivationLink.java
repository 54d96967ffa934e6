package io.goldgate.admin.model;

import java.time.Instant;

/**
 * A one-time link to hand to the recipient: opening it returns the Delta Sharing profile with a
 * new token, once.
 *
 * @param tokenLifetime ISO-8601 lifetime of the token it makes, null for none
 */
public record ActivationLink(String url, Instant expiresAt, String tokenLifetime) {}
