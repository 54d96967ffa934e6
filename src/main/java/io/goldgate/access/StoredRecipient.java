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
    List<String> featureServices) {

  public StoredRecipient {
    featureServices = featureServices == null ? List.of() : List.copyOf(featureServices);
    shares = shares == null ? List.of() : List.copyOf(shares);
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    ipAllowList = ipAllowList == null ? List.of() : List.copyOf(ipAllowList);
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
  }

  /**
   * A bearer token, by hash.
   *
   * @param sha256 lower-case hex SHA-256 of the token's UTF-8 bytes
   * @param expiresAt when it stops working (lifetime or rotation grace), null for never
   * @param revokedAt when the operator revoked it, null while not revoked
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StoredToken(String sha256, Instant issuedAt, Instant expiresAt, Instant revokedAt) {

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
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Activation(String codeSha256, Instant createdAt, Instant expiresAt, Long tokenLifetimeSeconds, Instant usedAt) {}

  public StoredRecipient withTokens(List<StoredToken> newTokens, Instant now) {
    return new StoredRecipient(name, comment, shares, properties, ipAllowList, newTokens, activation, createdAt, now, featureServices);
  }

  public StoredRecipient withActivation(Activation newActivation, Instant now) {
    return new StoredRecipient(name, comment, shares, properties, ipAllowList, tokens, newActivation, createdAt, now, featureServices);
  }

  public StoredRecipient withShares(List<String> newShares, Instant now) {
    return new StoredRecipient(name, comment, newShares, properties, ipAllowList, tokens, activation, createdAt, now, featureServices);
  }

  public StoredRecipient withFeatureServices(List<String> newServices, Instant now) {
    return new StoredRecipient(name, comment, shares, properties, ipAllowList, tokens, activation, createdAt, now, newServices);
  }

  public StoredRecipient withDetails(String newComment, Map<String, String> newProperties, List<String> newIpAllowList, Instant now) {
    return new StoredRecipient(name, newComment, shares, newProperties, newIpAllowList, tokens, activation, createdAt, now, featureServices);
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

  /** The hashes a store indexes for look-ups: every token's, plus the activation code's. */
  public Set<String> tokenHashes() {
    return Set.copyOf(tokens.stream().map(StoredToken::sha256).toList());
  }

  public String activationHash() {
    return activation == null ? null : activation.codeSha256();
  }

  /** The view the authenticator works with. */
  public Recipient toRecipient() {
    var recipientTokens =
        tokens.stream().map(t -> new Recipient.Token(HexFormat.of().parseHex(t.sha256()), t.endsAt())).toList();
    return new Recipient(name, recipientTokens, Set.copyOf(shares), properties, ipAllowList.stream().map(IpRange::parse).toList(), Set.copyOf(featureServices));
  }
}
