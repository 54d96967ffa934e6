package io.goldgate.storage.azure;

import io.goldgate.storage.Storage;
import io.goldgate.storage.TableLocation;
import io.goldgate.storage.ObjectStore;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.util.Context;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.common.sas.SasProtocol;
import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.goldgate.GoldgateException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Azure Blob Storage and ADLS Gen2 through the Blob API (which serves both), one client per
 * storage account. Files are shared as SAS URLs for one blob, read-only: service SAS signed with
 * the account key, or user delegation SAS when the gateway signs in with Azure AD.
 */
public final class AzureStore implements ObjectStore {

  private final AzureSettings settings;
  private final Clock clock;
  private final HttpClient http = new NettyAsyncHttpClientBuilder().build();
  private final TokenCredential token;
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();
  private final AzureFileIO fileIO = new AzureFileIO(this);

  /** A storage account's client and, with Azure AD, its user delegation key. */
  private record Account(String name, String endpoint, BlobServiceClient client, DelegationKeys keys) {}

  /**
   * Checks the settings now, so that a configuration that cannot work stops start-up, and builds
   * the store (its clients and credentials) only when an Azure location is first used.
   */
  public static java.util.function.Supplier<ObjectStore> validated(io.goldgate.config.GoldgateConfig.Storage.Azure config, Duration urlLifetime) {
    AzureSettings settings = AzureSettings.of(config, urlLifetime);
    return () -> new AzureStore(settings);
  }

  AzureStore(AzureSettings settings) {
    this(settings, Clock.systemUTC(), null);
  }

  /** @param token the Azure AD credential to use instead of the configured one (tests), or null */
  AzureStore(AzureSettings settings, Clock clock, TokenCredential token) {
    this.settings = settings;
    this.clock = clock;
    this.token = token != null ? token : settings.credential().isAzureAd() ? tokenCredential(settings) : null;
  }

  private static TokenCredential tokenCredential(AzureSettings settings) {
    if (settings.credential() == AzureSettings.Credential.SERVICE_PRINCIPAL) {
      return new ClientSecretCredentialBuilder().tenantId(settings.tenantId()).clientId(settings.clientId()).clientSecret(settings.clientSecret()).build();
    }
    DefaultAzureCredentialBuilder chain = new DefaultAzureCredentialBuilder();
    if (settings.tenantId() != null) {
      chain.tenantId(settings.tenantId());
    }
    if (settings.clientId() != null) {
      chain.managedIdentityClientId(settings.clientId()).workloadIdentityClientId(settings.clientId());
    }
    return chain.build();
  }

  @Override
  public FileIO fileIO() {
    return fileIO;
  }

  /** Takes an Azure URI apart, with this gateway's endpoint rule. */
  AzurePath path(String uri) {
    return AzurePath.parse(uri, settings.endpoint());
  }

  BlobContainerClient container(AzurePath path) {
    return account(path).client().getBlobContainerClient(path.container());
  }

  private Account account(AzurePath path) {
    return accounts.computeIfAbsent(path.account() + " " + path.endpoint(), k -> open(path.account(), path.endpoint()));
  }

  private Account open(String name, String endpoint) {
    BlobServiceClientBuilder builder =
        new BlobServiceClientBuilder()
            .endpoint(endpoint)
            .httpClient(http)
            // Give up after seconds of retries, not the SDK's default minutes, so a query is
            // answered while its client still waits.
            .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3, (Duration) null, Duration.ofMillis(500), Duration.ofSeconds(4), null));
    switch (settings.credential()) {
      case ACCOUNT_KEY -> builder.credential(new StorageSharedKeyCredential(name, settings.accountKey()));
      case SAS_TOKEN -> builder.credential(new AzureSasCredential(settings.sasToken()));
      case SERVICE_PRINCIPAL, DEFAULT_CHAIN -> builder.credential(token);
    }
    BlobServiceClient client = builder.buildClient();
    DelegationKeys keys = settings.credential().isAzureAd() ? new DelegationKeys((start, expiry) -> delegationKey(client, name, start, expiry), clock) : null;
    return new Account(name, endpoint, client, keys);
  }

  private static UserDelegationKey delegationKey(BlobServiceClient client, String account, OffsetDateTime start, OffsetDateTime expiry) {
    try {
      return client.getUserDelegationKey(start, expiry);
    } catch (RuntimeException e) {
      throw new GoldgateException(
          GoldgateException.Kind.UNAVAILABLE,
          "Azure storage account " + account + " gave no user delegation key to sign file URLs with (" + AzureErrors.describe(e)
              + "); the account must be reachable and the gateway's identity needs a role with generateUserDelegationKey, e.g. Storage Blob Delegator");
    }
  }

  /**
   * With an Azure AD identity, also makes sure the account's user delegation key is at hand
   * (fetching it the first time), so an identity that may not get one fails the query before its
   * response starts rather than in the middle of it.
   */
  @Override
  public void requireSigning(TableLocation table) {
    if (settings.credential() == AzureSettings.Credential.SAS_TOKEN) {
      throw new GoldgateException(
          GoldgateException.Kind.UNSUPPORTED,
          "the gateway reads its Azure storage with a SAS token (goldgate.storage.azure.sas-token), from which it cannot sign"
              + " per-file URLs; configure an account key or an Azure AD identity to share it over Delta Sharing");
    }
    Account account = account(path(table.uri()));
    if (account.keys() != null) {
      account.keys().covering(Duration.ZERO);
    }
  }

  @Override
  public String presign(TableLocation table, String relativePath, Duration ttl) {
    requireSigning(table);
    AzurePath root = path(table.uri());
    String blobName = root.blobName().isEmpty() ? relativePath : root.blobName() + "/" + relativePath;
    Account account = account(root);
    BlobClient blob = account.client().getBlobContainerClient(root.container()).getBlobClient(blobName);
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    // SAS times are whole seconds: round the expiry up so the URL lives at least ttl.
    OffsetDateTime expiry = now.plus(ttl).withNano(0);
    if (expiry.isBefore(now.plus(ttl))) {
      expiry = expiry.plusSeconds(1);
    }
    BlobServiceSasSignatureValues values =
        new BlobServiceSasSignatureValues(expiry, new BlobSasPermission().setReadPermission(true))
            // Valid from a few minutes back: a store whose clock runs behind ours would refuse a
            // URL that starts "now" until its clock caught up.
            .setStartTime(now.minus(DelegationKeys.CLOCK_SKEW).withNano(0))
            // https only, unless the store itself is plain http (an emulator on loopback).
            .setProtocol(account.endpoint().regionMatches(true, 0, "http:", 0, 5) ? SasProtocol.HTTPS_HTTP : SasProtocol.HTTPS_ONLY);
    String sas;
    if (account.keys() == null) {
      sas = blob.generateSas(values);
    } else {
      UserDelegationKey key = account.keys().covering(Duration.between(now, expiry));
      sas = blob.generateUserDelegationSas(values, key, account.name(), Context.NONE);
    }
    return account.endpoint() + "/" + root.container() + "/" + encodePath(blobName) + "?" + sas;
  }

  /**
   * A blob name as a URL path: each segment percent-encoded, the slashes kept (the SDK's own blob
   * URL encodes them as {@code %2F}, which Azure accepts but makes URLs unreadable).
   */
  static String encodePath(String blobName) {
    StringBuilder out = new StringBuilder(blobName.length() + 16);
    String[] segments = blobName.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      if (i > 0) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }

  @Override
  public void close() {
    // Clients hold no resources of their own: connections live in the shared reactor-netty pool.
    accounts.clear();
  }
}
