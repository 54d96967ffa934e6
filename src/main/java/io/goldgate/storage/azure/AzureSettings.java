package io.goldgate.storage.azure;

import io.goldgate.storage.Storage;

import io.goldgate.config.GoldgateConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The Azure configuration checked once, at startup, without loading the Azure SDK: a wrong
 * combination of keys fails the boot with a message naming the keys, never their values.
 *
 * @param endpoint blob endpoint template ({@code {account}} replaced), or null to derive it from
 *     each location's host
 * @param credential how the gateway authenticates, which also decides how file URLs are signed
 */
record AzureSettings(
    String endpoint, Credential credential, String accountKey, String sasToken, String tenantId, String clientId, String clientSecret) {

  /**
   * Longest file URL lifetime with an Azure AD identity: user delegation keys live at most 7 days
   * (Azure's cap, counted on its clock); the gateway asks for a little less and renews a key well
   * before a URL could outlive it (see {@link DelegationKeys}).
   */
  static final Duration MAX_USER_DELEGATION_URL_LIFETIME = Duration.ofDays(6);

  private static final String PREFIX = "goldgate.storage.azure.";

  enum Credential {
    /** Shared Key: requests signed with the key, files shared as service SAS. */
    ACCOUNT_KEY,
    /** An operator-given SAS: reads only; no per-file URL can be derived from it. */
    SAS_TOKEN,
    /** Azure AD service principal with a client secret; files shared as user delegation SAS. */
    SERVICE_PRINCIPAL,
    /** Azure AD through the default chain (managed identity, workload identity, env, CLI). */
    DEFAULT_CHAIN;

    boolean isAzureAd() {
      return this == SERVICE_PRINCIPAL || this == DEFAULT_CHAIN;
    }
  }

  /**
   * @param urlLifetime how long file URLs live ({@code goldgate.sharing.url-lifetime}), checked
   *     against what user delegation SAS allow
   * @throws IllegalArgumentException naming the offending keys
   */
  static AzureSettings of(GoldgateConfig.Storage.Azure config, Duration urlLifetime) {
    String endpoint = present(config.endpoint());
    String accountKey = present(config.accountKey());
    String sasToken = present(config.sasToken());
    String tenantId = present(config.tenantId());
    String clientId = present(config.clientId());
    String clientSecret = present(config.clientSecret());
    if (endpoint != null) {
      checkEndpoint(endpoint);
    }
    if (accountKey != null && sasToken != null) {
      throw invalid("set one of " + PREFIX + "account-key and " + PREFIX + "sas-token, not both");
    }
    Credential credential;
    if (accountKey != null || sasToken != null) {
      String chosen = PREFIX + (accountKey != null ? "account-key" : "sas-token");
      if (clientSecret != null || clientId != null || tenantId != null) {
        throw invalid(chosen + " is set, so " + PREFIX + "tenant-id, client-id and client-secret (an Azure AD identity) must not be");
      }
      if (accountKey != null) {
        checkAccountKey(accountKey);
        credential = Credential.ACCOUNT_KEY;
      } else {
        sasToken = sasToken.startsWith("?") ? sasToken.substring(1) : sasToken;
        checkSasToken(sasToken);
        credential = Credential.SAS_TOKEN;
      }
    } else if (clientSecret != null) {
      if (clientId == null || tenantId == null) {
        throw invalid(PREFIX + "client-secret needs " + PREFIX + "client-id and " + PREFIX + "tenant-id (the service principal it belongs to)");
      }
      credential = Credential.SERVICE_PRINCIPAL;
    } else {
      credential = Credential.DEFAULT_CHAIN;
    }
    if (credential.isAzureAd() && endpoint != null && !endpoint.regionMatches(true, 0, "https:", 0, 6)) {
      throw invalid(PREFIX + "endpoint is plain http, but an Azure AD identity (no account-key or sas-token set) sends bearer tokens,"
          + " which go over https only; use an https endpoint or set " + PREFIX + "account-key");
    }
    if (credential.isAzureAd() && urlLifetime.compareTo(MAX_USER_DELEGATION_URL_LIFETIME) > 0) {
      throw invalid(
          "goldgate.sharing.url-lifetime is " + urlLifetime + ", but file URLs signed with an Azure AD identity (user delegation SAS)"
              + " live at most " + MAX_USER_DELEGATION_URL_LIFETIME.toDays() + " days under Azure's 7-day cap; shorten it or set " + PREFIX + "account-key");
    }
    return new AzureSettings(endpoint, credential, accountKey, sasToken, tenantId, clientId, clientSecret);
  }

  private static void checkEndpoint(String endpoint) {
    URI uri;
    try {
      uri = URI.create(endpoint.replace("{account}", "account"));
    } catch (IllegalArgumentException e) {
      throw invalid(PREFIX + "endpoint '" + endpoint + "' is not a URL");
    }
    String scheme = uri.getScheme();
    if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || uri.getHost() == null) {
      throw invalid(PREFIX + "endpoint '" + endpoint + "' must be an http(s) URL with a host, e.g. http://127.0.0.1:10000/{account}");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw invalid(PREFIX + "endpoint must not carry a query, fragment or user info: put credentials in their own keys");
    }
  }

  private static void checkAccountKey(String key) {
    try {
      if (Base64.getDecoder().decode(key).length == 0) {
        throw invalid(PREFIX + "account-key is empty");
      }
    } catch (IllegalArgumentException e) {
      // The key itself is never echoed.
      throw invalid(PREFIX + "account-key is not Base64 (an Azure storage account key is, as the portal shows it)");
    }
  }

  private static void checkSasToken(String token) {
    if (token.contains("://") || !(token.startsWith("sig=") || token.contains("&sig="))) {
      throw invalid(PREFIX + "sas-token must be a SAS token's query string (sv=...&sig=...), not a URL");
    }
  }

  private static String present(Optional<String> value) {
    return value.map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
  }

  private static IllegalArgumentException invalid(String message) {
    return new IllegalArgumentException("Invalid Azure storage configuration: " + message);
  }

  @Override
  public String toString() {
    // Records print every component; this one holds secrets.
    return "AzureSettings[endpoint=" + endpoint + ", credential=" + credential + "]";
  }
}
