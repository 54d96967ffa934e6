package io.goldgate.admin.model;

import io.goldgate.access.FederationPolicy;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /admin/recipients}.
 *
 * @param name lower-case letters, digits, '.', '_' and '-', at most 64 characters
 * @param shares names of shares of the catalog to grant
 * @param properties facts about the recipient that share definitions can use to restrict rows
 * @param ipAllowList CIDRs (IPv4 or IPv6) the recipient may connect from; empty or absent: anywhere
 * @param tokenLifetime ISO-8601 duration (e.g. {@code P90D}) of the token the activation link
 *     makes, counted from activation; absent: the token does not expire
 * @param featureServices names of feature services to grant (features of views over bare locations)
 * @param credential what the activation link delivers: {@code bearer_token} (default; a version-1
 *     profile with a bearer token), {@code oauth_client_credentials} (a version-2 profile with a
 *     client id and secret for the token endpoint) or {@code none} (no link: the recipient signs in
 *     with its own identity provider, by {@code federationPolicies})
 * @param federationPolicies identity providers whose tokens the recipient may sign in with
 */
public record CreateRecipientRequest(
    String name,
    String comment,
    List<String> shares,
    Map<String, String> properties,
    List<String> ipAllowList,
    String tokenLifetime,
    List<String> featureServices,
    String credential,
    List<FederationPolicy> federationPolicies) {}
