package io.goldgate.storage.azure;

import io.goldgate.storage.Storage;

import io.goldgate.config.GoldgateConfig;
import java.util.Optional;

/** A {@code goldgate.storage.azure} configuration built in tests, key by key. */
record AzureTestConfig(
    Optional<String> endpoint, Optional<String> accountKey, Optional<String> sasToken, Optional<String> tenantId, Optional<String> clientId,
    Optional<String> clientSecret)
    implements GoldgateConfig.Storage.Azure {

  static AzureTestConfig none() {
    return new AzureTestConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  AzureTestConfig withEndpoint(String v) {
    return new AzureTestConfig(Optional.of(v), accountKey, sasToken, tenantId, clientId, clientSecret);
  }

  AzureTestConfig withAccountKey(String v) {
    return new AzureTestConfig(endpoint, Optional.of(v), sasToken, tenantId, clientId, clientSecret);
  }

  AzureTestConfig withSasToken(String v) {
    return new AzureTestConfig(endpoint, accountKey, Optional.of(v), tenantId, clientId, clientSecret);
  }

  AzureTestConfig withTenantId(String v) {
    return new AzureTestConfig(endpoint, accountKey, sasToken, Optional.of(v), clientId, clientSecret);
  }

  AzureTestConfig withClientId(String v) {
    return new AzureTestConfig(endpoint, accountKey, sasToken, tenantId, Optional.of(v), clientSecret);
  }

  AzureTestConfig withClientSecret(String v) {
    return new AzureTestConfig(endpoint, accountKey, sasToken, tenantId, clientId, Optional.of(v));
  }
}
