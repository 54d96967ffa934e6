package io.goldgate.storage.azure;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One Azure URI taken apart: {@code abfss://container@account.dfs.core.windows.net/a/b} (or
 * {@code abfs}, {@code wasbs}, {@code wasb}, with a {@code .blob.} host) names blob {@code a/b} of
 * {@code container} in storage account {@code account}. Everything is reached through the Blob API,
 * which serves ADLS Gen2 accounts too.
 *
 * @param root what every URI of the same container starts with ({@code scheme://container@host}),
 *     kept as given so listed paths read like the ones Kernel asked for
 * @param endpoint the account's blob service endpoint, without trailing slash
 * @param blobName the blob's name (decoded path without its leading slash); empty for the
 *     container itself
 */
record AzurePath(String root, String account, String container, String endpoint, String blobName) {

  /** Azure's rule for storage account names. */
  private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");

  /**
   * @param endpointTemplate {@code goldgate.storage.azure.endpoint}, or null to use the blob
   *     endpoint of the URI's own host
   * @throws IllegalArgumentException when the URI names no container or account; the message
   *     shows the URI, which carries no credential
   */
  static AzurePath parse(String uri, String endpointTemplate) {
    URI parsed;
    try {
      parsed = URI.create(uri.replace(" ", "%20"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Not an Azure storage URI: " + uri);
    }
    String container = parsed.getUserInfo();
    String host = parsed.getHost();
    if (container == null || container.isEmpty() || host == null) {
      throw new IllegalArgumentException(
          "Azure location " + uri + " names no container: use abfss://container@account.dfs.core.windows.net/path");
    }
    String account = host.substring(0, host.indexOf('.') < 0 ? host.length() : host.indexOf('.')).toLowerCase(Locale.ROOT);
    if (!ACCOUNT.matcher(account).matches()) {
      throw new IllegalArgumentException(
          "Azure location " + uri + " does not start its host with a storage account name (3 to 24 lowercase letters and digits)");
    }
    String authority = parsed.getRawAuthority();
    String root = parsed.getScheme() + "://" + authority;
    String path = parsed.getPath() == null ? "" : parsed.getPath();
    String blobName = path.startsWith("/") ? path.substring(1) : path;
    return new AzurePath(root, account, container, endpoint(host, parsed.getPort(), account, endpointTemplate), blobName);
  }

  /**
   * The blob endpoint of an account: the template with {@code {account}} replaced when one is
   * configured, else {@code https://} and the location's host with its {@code dfs} label turned
   * into {@code blob} ({@code acct.dfs.core.chinacloudapi.cn} becomes {@code
   * acct.blob.core.chinacloudapi.cn}). Always https for derived endpoints, even for {@code abfs}
   * and {@code wasb} URIs: the gateway never sends a credential in the clear to a real account.
   */
  static String endpoint(String host, int port, String account, String endpointTemplate) {
    if (endpointTemplate != null) {
      String endpoint = endpointTemplate.replace("{account}", account);
      return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }
    String[] labels = host.toLowerCase(Locale.ROOT).split("\\.");
    if (labels.length < 3) {
      throw new IllegalArgumentException(
          "Azure host " + host + " is not a storage endpoint (account.dfs.core.windows.net or account.blob.core.windows.net);"
              + " set goldgate.storage.azure.endpoint for emulators and private endpoints");
    }
    if (labels[1].equals("dfs")) {
      labels[1] = "blob";
    }
    return "https://" + String.join(".", labels) + (port > 0 ? ":" + port : "");
  }

  /** The URI of another blob of the same container, in this URI's form. */
  String sibling(String otherBlobName) {
    return root + "/" + otherBlobName;
  }
}
