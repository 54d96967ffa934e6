package io.goldgate.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.goldgate.access.FederationPolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One {@code shares/*.yaml} file as written by an operator. Several files are merged into one
 * {@link ShareCatalog}.
 */
public record CatalogFile(
    List<@NotNull @Valid ShareDef> shares,
    List<@NotNull @Valid RecipientDef> recipients) {

  /** Protocol rule for share names: no space, slash or control character, at most 255 chars. */
  public static final String SHARE_NAME = "[^\\s/\\x00-\\x1f\\x7f]{1,255}";

  /** Schema and table names additionally exclude the period. */
  public static final String OBJECT_NAME = "[^\\s/.\\x00-\\x1f\\x7f]{1,255}";

  public CatalogFile {
    shares = shares == null ? List.of() : shares;
    recipients = recipients == null ? List.of() : recipients;
  }

  public record ShareDef(
      @NotBlank @Pattern(regexp = SHARE_NAME, message = "must be 1-255 characters without space, '/' or control characters") String name,
      String id,
      @Size(max = 65536) String comment,
      Map<String, String> properties,
      @NotNull List<@NotNull @Valid SchemaDef> schemas) {}

  public record SchemaDef(
      @NotBlank @Pattern(regexp = OBJECT_NAME, message = "must be 1-255 characters without space, '/', '.' or control characters") String name,
      @NotNull List<@NotNull @Valid TableDef> tables) {}

  public record TableDef(
      @NotBlank @Pattern(regexp = OBJECT_NAME, message = "must be 1-255 characters without space, '/', '.' or control characters") String name,
      @NotBlank String location,
      String id,
      @JsonProperty("historyShared") Boolean historyShared,
      @Size(max = 65536) String comment,
      Map<String, String> recipientPartitionFilter) {

    public boolean isHistoryShared() {
      return Boolean.TRUE.equals(historyShared);
    }
  }

  /**
   * A recipient, with at least one way to sign in: bearer tokens, client secrets of its OAuth client
   * (whose client id is its name), or federation policies.
   */
  public record RecipientDef(
      @NotBlank @Pattern(regexp = SHARE_NAME, message = "must be 1-255 characters without space, '/' or control characters") String name,
      String comment,
      List<@NotNull @Valid TokenDef> tokens,
      @NotNull List<@NotBlank String> shares,
      Map<@NotBlank String, @NotNull String> properties,
      List<@NotBlank String> featureServices,
      List<@NotNull @Valid TokenDef> clientSecrets,
      @Size(max = FederationPolicy.MAX_PER_RECIPIENT) List<@NotNull FederationPolicy> federationPolicies) {

    public RecipientDef {
      tokens = tokens == null ? List.of() : tokens;
      clientSecrets = clientSecrets == null ? List.of() : clientSecrets;
      federationPolicies = federationPolicies == null ? List.of() : federationPolicies;
    }
  }

  /** A bearer token or a client secret, by the hash of its value. */
  public record TokenDef(
      @NotBlank
          @Pattern(
              regexp = "sha256:[0-9a-f]{64}",
              message = "must be 'sha256:' followed by the 64 lower-case hex digits of the token's SHA-256")
          String hash,
      Instant expiresAt) {}
}
