package io.goldgate.access;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Someone outside the lake who may read some shares.
 *
 * @param grantedShares lower-cased names of the shares this recipient may read
 * @param properties operator-set facts about the recipient (e.g. {@code region=emea}) that share
 *     definitions can use to restrict which rows it receives
 * @param ipAllowList the networks it may connect from; empty means from anywhere
 * @param grantedFeatureServices names of the feature services whose features it may read although
 *     they come from no shared table (views over a {@code location:}); features of shared tables
 *     follow the grants of their tables' shares alone
 * @param federationPolicies the identity providers' tokens it may sign in with (OIDC federation)
 */
public record Recipient(
    String name,
    List<Token> tokens,
    Set<String> grantedShares,
    Map<String, String> properties,
    List<IpRange> ipAllowList,
    Set<String> grantedFeatureServices,
    List<FederationPolicy> federationPolicies) {

  public Recipient {
    federationPolicies = federationPolicies == null ? List.of() : List.copyOf(federationPolicies);
    tokens = List.copyOf(tokens);
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    ipAllowList = ipAllowList == null ? List.of() : List.copyOf(ipAllowList);
    grantedShares =
        grantedShares.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    grantedFeatureServices = grantedFeatureServices == null ? Set.of() : Set.copyOf(grantedFeatureServices);
  }

  public Recipient(
      String name, List<Token> tokens, Set<String> grantedShares, Map<String, String> properties, List<IpRange> ipAllowList, Set<String> grantedFeatureServices) {
    this(name, tokens, grantedShares, properties, ipAllowList, grantedFeatureServices, List.of());
  }

  public Recipient(String name, List<Token> tokens, Set<String> grantedShares, Map<String, String> properties, List<IpRange> ipAllowList) {
    this(name, tokens, grantedShares, properties, ipAllowList, Set.of());
  }

  public Recipient(String name, List<Token> tokens, Set<String> grantedShares, Map<String, String> properties) {
    this(name, tokens, grantedShares, properties, List.of());
  }

  public Recipient(String name, List<Token> tokens, Set<String> grantedShares) {
    this(name, tokens, grantedShares, Map.of());
  }

  /** Whether a client at {@code address} (null when unknown) may act as this recipient. */
  public boolean mayConnectFrom(java.net.InetAddress address) {
    return ipAllowList.isEmpty() || ipAllowList.stream().anyMatch(range -> range.contains(address));
  }

  public boolean mayRead(String share) {
    return grantedShares.contains(share.toLowerCase(Locale.ROOT));
  }

  /** Whether it has a federation policy naming this issuer. */
  public boolean federatesWith(String issuer) {
    return federationPolicies.stream().anyMatch(p -> p.issuer().equals(issuer));
  }

  /**
   * A secret of the recipient as stored: never the secret itself, only its SHA-256.
   *
   * @param sha256 the 32 bytes of SHA-256 over the secret's UTF-8 bytes
   * @param expiresAt when the secret stops working, or null for never
   * @param kind what the secret is presented as
   */
  public record Token(byte[] sha256, Instant expiresAt, CredentialKind kind) {

    public Token {
      kind = kind == null ? CredentialKind.BEARER_TOKEN : kind;
    }

    public Token(byte[] sha256, Instant expiresAt) {
      this(sha256, expiresAt, CredentialKind.BEARER_TOKEN);
    }
  }
}
