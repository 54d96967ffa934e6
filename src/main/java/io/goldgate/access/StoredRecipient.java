package io.goldgate.access;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A recipient created through the admin API, as the {@link RecipientStore} keeps it. Secrets are
 * never part of it: tokens and activation codes appear only as the hex SHA-256 of their value.
 *
 * @param name unique, lower-case
 * @param shares the names of the granted shares, as the catalog spells them
 * @param ipAllowList CIDRs the recipient may connect from; empty means anywhere
 * @param tokens every token issued and not yet forgotten, oldest first
 * @param activation the last activation link issued, or null
 * @param featureServices the names of the granted feature services (features of views over bare
 *     locations)
 * @param federationPolicies the identity providers' tokens it may sign in with
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredRecipient(
    String name,
    String comment,
    List<String> shares,
    Map<String, String> properties,
    List<String> ipAllowList,
    List<StoredToken> tokens,
    Activation activation,
    Instant createdAt,
    Instant updatedAt,
    List<String> featureServices,
    List<FederationPolicy> federationPolicies) {

  public StoredRecipient {
    federationPolicies = federationPolicies == null ? List.of() : List.copyOf(federationPolicies);
    featureServices = featureServices == null ? List.of() : List.copyOf(featureServices);
    shares = shares == null ? List.of() : List.copyOf(shares);
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    ipAllowList = ipAllowList == null ? List.of() : List.copyOf(ipAllowList);
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
  }

  /**
   * A bearer token or a client secret, by hash.
   *
   * @param sha256 lower-case hex SHA-256 of the secret's UTF-8 bytes
   * @param expiresAt when it stops working (lifetime or rotation grace), null for never
   * @param revokedAt when the operator revoked it, null while not revoked
   * @param type {@link CredentialKind#wireName()}; absent for a bearer token
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StoredToken(String sha256, Instant issuedAt, Instant expiresAt, Instant revokedAt, String type) {

    public StoredToken {
      type = type == null || type.equals(CredentialKind.BEARER_TOKEN.wireName()) ? null : type;
    }

    public StoredToken(String sha256, Instant issuedAt, Instant expiresAt, Instant revokedAt) {
      this(sha256, issuedAt, expiresAt, revokedAt, null);
    }

    public CredentialKind kind() {
      return CredentialKind.ofWireName(type);
    }

    /** The same secret ending at {@code end}. */
    public StoredToken endingAt(Instant end) {
      return new StoredToken(sha256, issuedAt, end, revokedAt, type);
    }

    /** The same secret revoked at {@code when}. */
    public StoredToken revokedAt(Instant when) {
      return new StoredToken(sha256, issuedAt, expiresAt, when, type);
    }

    /** When the token stops (or stopped) working, null for never. */
    public Instant endsAt() {
      if (revokedAt == null) return expiresAt;
      return expiresAt == null || revokedAt.isBefore(expiresAt) ? revokedAt : expiresAt;
    }

    public boolean activeAt(Instant now) {
      Instant end = endsAt();
      return end == null || now.isBefore(end);
    }
  }

  /**
   * A one-time activation link. The token is made when the link is opened, so it never exists at
   * rest in plain form.
   *
   * @param codeSha256 lower-case hex SHA-256 of the code in the link
   * @param expiresAt when the link stops working if unused
   * @param tokenLifetimeSeconds lifetime of the token it will make, null for no expiry
   * @param usedAt when the link was opened, null while unused
   * @param credential {@link CredentialKind#wireName()} of what opening it makes; absent for a
   *     bearer token
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Activation(String codeSha256, Instant createdAt, Instant expiresAt, Long tokenLifetimeSeconds, Instant usedAt, String credential) {

    public Activation {
      credential = credential == null || credential.equals(CredentialKind.BEARER_TOKEN.wireName()) ? null : credential;
    }

    public CredentialKind kind() {
      return CredentialKind.ofWireName(credential);
    }

    /** The link, opened at {@code when}. */
    public Activation usedAt(Instant when) {
      return new Activation(codeSha256, createdAt, expiresAt, tokenLifetimeSeconds, when, credential);
    }
  }

  public StoredRecipient withTokens(List<StoredToken> newTokens, Instant now) {
    return new StoredRecipient(name, comment, shares, properties, ipAllowList, newTokens, activation, createdAt, now, featureServices, federationPolicies);
  }

  public StoredRecipient withActivation(Activation newActivation, Instant now) {
    return new StoredRecipient(name, comment, shares, properties, ipAllowList, tokens, newActivation, createdAt, now, featureServices, federationPolicies);
  }

  public StoredRecipient withShares(List<String> newShares, Instant now) {
    return new StoredRecipient(name, comment, newShares, properties, ipAllowList, tokens, activation, createdAt, now, featureServices, federationPolicies);
  }

  public StoredRecipient withFeatureServices(List<String> newServices, Instant now) {
    return new StoredRecipient(name, comment, shares, properties, ipAllowList, tokens, activation, createdAt, now, newServices, federationPolicies);
  }

  public StoredRecipient withDetails(String newComment, Map<String, String> newProperties, List<String> newIpAllowList, Instant now) {
    return new StoredRecipient(name, newComment, shares, newProperties, newIpAllowList, tokens, activation, createdAt, now, featureServices, federationPolicies);
  }

  public StoredRecipient withFederationPolicies(List<FederationPolicy> policies, Instant now) {
    return new StoredRecipient(name, comment, shares, properties, ipAllowList, tokens, activation, createdAt, now, featureServices, policies);
  }

  /** Every token with {@code change} applied. */
  public List<StoredToken> mapTokens(UnaryOperator<StoredToken> change) {
    var out = new ArrayList<StoredToken>(tokens.size());
    tokens.forEach(t -> out.add(change.apply(t)));
    return out;
  }

  public Optional<StoredToken> token(String sha256) {
    return tokens.stream().filter(t -> t.sha256().equals(sha256)).findFirst();
  }

  /**
   * The hashes a store indexes for bearer token look-ups. Client secrets are not among them: they
   * are only ever checked at the token endpoint, against the recipient its client id names.
   */
  public Set<String> tokenHashes() {
    return Set.copyOf(tokens.stream().filter(t -> t.kind() == CredentialKind.BEARER_TOKEN).map(StoredToken::sha256).toList());
  }

  /** The issuers its federation policies name, which a store indexes for token look-ups. */
  public Set<String> federationIssuers() {
    return FederationPolicy.issuers(federationPolicies);
  }

  public String activationHash() {
    return activation == null ? null : activation.codeSha256();
  }

  /** The view the authenticator works with. */
  public Recipient toRecipient() {
    var recipientTokens =
        tokens.stream().map(t -> new Recipient.Token(HexFormat.of().parseHex(t.sha256()), t.endsAt(), t.kind())).toList();
    return new Recipient(
        name,
        recipientTokens,
        Set.copyOf(shares),
        properties,
        ipAllowList.stream().map(IpRange::parse).toList(),
        Set.copyOf(featureServices),
        federationPolicies);
  }
}
