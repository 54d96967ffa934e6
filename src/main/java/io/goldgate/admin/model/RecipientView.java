package io.goldgate.admin.model;

import io.goldgate.access.FederationPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A recipient as the admin API shows it: never a token or a hash of one.
 *
 * @param source {@code api} (created through this API, modifiable) or {@code catalog} (declared in
 *     shares/*.yaml, read-only here)
 * @param featureServices the granted feature services (features of views over bare locations)
 * @param federationPolicies the identity providers whose tokens it may sign in with
 */
public record RecipientView(
    String name,
    String source,
    String comment,
    List<String> shares,
    Map<String, String> properties,
    List<String> ipAllowList,
    List<TokenView> tokens,
    ActivationView activation,
    Instant createdAt,
    Instant updatedAt,
    List<String> featureServices,
    List<FederationPolicy> federationPolicies) {

  /**
   * @param state {@code active}, {@code expired} or {@code revoked}
   * @param type {@code bearer_token}, or {@code client_secret} (of the OAuth client whose id is the
   *     recipient's name)
   */
  public record TokenView(String state, Instant issuedAt, Instant expiresAt, Instant revokedAt, String type) {}

  /** @param state {@code pending}, {@code used} or {@code expired} */
  public record ActivationView(String state, Instant createdAt, Instant expiresAt, Instant usedAt) {}
}
