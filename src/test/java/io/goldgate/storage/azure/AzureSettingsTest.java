package io.goldgate.storage.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.goldgate.storage.azure.AzureSettings.Credential;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AzureSettingsTest {

  static final String KEY = "c2VjcmV0LWFjY291bnQta2V5LWZvci10ZXN0cy0wMTIzNDU2Nzg5";
  static final String SAS = "sv=2025-01-05&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&sig=c2VjcmV0LXNhcy1zaWduYXR1cmU%3D";
  static final Duration HOUR = Duration.ofHours(1);

  private static String refusal(AzureTestConfig config, Duration urlLifetime) {
    return assertThrows(IllegalArgumentException.class, () -> AzureSettings.of(config, urlLifetime)).getMessage();
  }

  @Test
  void eachCredentialIsPickedByItsKeys() {
    assertEquals(Credential.DEFAULT_CHAIN, AzureSettings.of(AzureTestConfig.none(), HOUR).credential());
    assertEquals(Credential.ACCOUNT_KEY, AzureSettings.of(AzureTestConfig.none().withAccountKey(KEY), HOUR).credential());
    AzureSettings sas = AzureSettings.of(AzureTestConfig.none().withSasToken("?" + SAS), HOUR);
    assertEquals(Credential.SAS_TOKEN, sas.credential());
    assertEquals(SAS, sas.sasToken(), "the leading ? the portal shows is dropped");
    AzureSettings principal = AzureSettings.of(AzureTestConfig.none().withTenantId("t").withClientId("c").withClientSecret("s"), HOUR);
    assertEquals(Credential.SERVICE_PRINCIPAL, principal.credential());
    // A client id without a secret selects a user-assigned managed identity in the default chain.
    AzureSettings managed = AzureSettings.of(AzureTestConfig.none().withClientId("c"), HOUR);
    assertEquals(Credential.DEFAULT_CHAIN, managed.credential());
    assertEquals("c", managed.clientId());
    // Blank values (an env variable set to "") count as absent.
    assertEquals(Credential.DEFAULT_CHAIN, AzureSettings.of(AzureTestConfig.none().withAccountKey(" "), HOUR).credential());
    assertNull(AzureSettings.of(AzureTestConfig.none(), HOUR).endpoint());
  }

  @Test
  void contradictoryOrIncompleteCredentialsFailNamingTheKeys() {
    assertEquals(
        "Invalid Azure storage configuration: goldgate.storage.azure.client-secret needs goldgate.storage.azure.client-id and"
            + " goldgate.storage.azure.tenant-id (the service principal it belongs to)",
        refusal(AzureTestConfig.none().withClientSecret("s").withTenantId("t"), HOUR));
    refusal(AzureTestConfig.none().withClientSecret("s").withClientId("c"), HOUR);
    assertEquals(
        "Invalid Azure storage configuration: set one of goldgate.storage.azure.account-key and goldgate.storage.azure.sas-token, not both",
        refusal(AzureTestConfig.none().withAccountKey(KEY).withSasToken(SAS), HOUR));
    assertEquals(
        "Invalid Azure storage configuration: goldgate.storage.azure.account-key is set, so goldgate.storage.azure.tenant-id, client-id"
            + " and client-secret (an Azure AD identity) must not be",
        refusal(AzureTestConfig.none().withAccountKey(KEY).withClientId("c"), HOUR));
    refusal(AzureTestConfig.none().withSasToken(SAS).withClientSecret("s").withClientId("c").withTenantId("t"), HOUR);
  }

  @Test
  void malformedSecretsAreRefusedWithoutEchoingThem() {
    String notBase64 = "not*base64*secret-value";
    String message = refusal(AzureTestConfig.none().withAccountKey(notBase64), HOUR);
    assertEquals("Invalid Azure storage configuration: goldgate.storage.azure.account-key is not Base64 (an Azure storage account key is, as the portal shows it)", message);
    String sasUrl = "https://acct01.blob.core.windows.net/c?" + SAS;
    message = refusal(AzureTestConfig.none().withSasToken(sasUrl), HOUR);
    assertEquals("Invalid Azure storage configuration: goldgate.storage.azure.sas-token must be a SAS token's query string (sv=...&sig=...), not a URL", message);
    refusal(AzureTestConfig.none().withSasToken("sv=2025-01-05&sp=r"), HOUR);
    String printed = AzureSettings.of(AzureTestConfig.none().withAccountKey(KEY), HOUR).toString() + AzureSettings.of(AzureTestConfig.none().withSasToken(SAS), HOUR)
        + AzureSettings.of(AzureTestConfig.none().withTenantId("t").withClientId("c").withClientSecret("the-client-secret"), HOUR);
    assertFalse(printed.contains(KEY) || printed.contains("sig=") || printed.contains("the-client-secret"), printed);
  }

  @Test
  void theEndpointMustBeAnHttpUrlWithoutCredentials() {
    assertEquals("http://127.0.0.1:10000/{account}", AzureSettings.of(AzureTestConfig.none().withEndpoint("http://127.0.0.1:10000/{account}").withAccountKey(KEY), HOUR).endpoint());
    refusal(AzureTestConfig.none().withEndpoint("127.0.0.1:10000"), HOUR);
    refusal(AzureTestConfig.none().withEndpoint("ftp://host/{account}"), HOUR);
    assertEquals(
        "Invalid Azure storage configuration: goldgate.storage.azure.endpoint must not carry a query, fragment or user info: put credentials in their own keys",
        refusal(AzureTestConfig.none().withEndpoint("https://host/{account}?" + SAS), HOUR));
  }

  @Test
  void anAzureAdIdentityNeedsAnHttpsEndpoint() {
    assertEquals(
        "Invalid Azure storage configuration: goldgate.storage.azure.endpoint is plain http, but an Azure AD identity (no account-key or"
            + " sas-token set) sends bearer tokens, which go over https only; use an https endpoint or set goldgate.storage.azure.account-key",
        refusal(AzureTestConfig.none().withEndpoint("http://127.0.0.1:10000/{account}"), HOUR));
    assertEquals(Credential.DEFAULT_CHAIN, AzureSettings.of(AzureTestConfig.none().withEndpoint("https://127.0.0.1:10000/{account}"), HOUR).credential());
    assertEquals(Credential.SAS_TOKEN, AzureSettings.of(AzureTestConfig.none().withEndpoint("http://127.0.0.1:10000/{account}").withSasToken(SAS), HOUR).credential());
  }

  @Test
  void anAzureAdIdentityCannotSignUrlsLongerThanDelegationKeysLive() {
    Duration week = Duration.ofDays(7);
    assertEquals(
        "Invalid Azure storage configuration: goldgate.sharing.url-lifetime is PT168H, but file URLs signed with an Azure AD identity"
            + " (user delegation SAS) live at most 6 days under Azure's 7-day cap; shorten it or set goldgate.storage.azure.account-key",
        refusal(AzureTestConfig.none(), week));
    refusal(AzureTestConfig.none().withTenantId("t").withClientId("c").withClientSecret("s"), week);
    assertEquals(Credential.DEFAULT_CHAIN, AzureSettings.of(AzureTestConfig.none(), Duration.ofDays(6)).credential());
    assertEquals(Credential.ACCOUNT_KEY, AzureSettings.of(AzureTestConfig.none().withAccountKey(KEY), Duration.ofDays(30)).credential());
  }
}
