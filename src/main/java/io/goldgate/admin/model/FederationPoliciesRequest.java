package io.goldgate.admin.model;

import io.goldgate.access.FederationPolicy;
import java.util.List;

/**
 * {@code PUT /admin/recipients/{name}/federation-policies}: the recipient's whole list of policies,
 * replacing the one it had. An empty list stops every federated sign-in of the recipient from the
 * next request.
 */
public record FederationPoliciesRequest(List<FederationPolicy> federationPolicies) {}
