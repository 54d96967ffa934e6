package io.goldgate.sharing;

import io.goldgate.GoldgateException;
import io.goldgate.access.Signer;
import io.goldgate.catalog.SharedTable;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.http.RoutePaths;
import io.goldgate.lake.DataFile;
import io.goldgate.storage.Storage;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Pre-signed URLs to the gateway's own file endpoint, for tables on local disk. A URL names the
 * table by id and the file by its path inside the table, and carries an expiry and an HMAC over
 * all three: without the signing key none of them can be changed. URLs issued in a response to a
 * recipient also name it ({@code r}, with its own HMAC {@code rs}), so the audit log can attribute
 * downloads; dropping both only loses that attribution, changing the name fails verification.
 */
@ApplicationScoped
public class FileUrls {

  static final String PURPOSE = "file-url";
  static final String RECIPIENT_PURPOSE = "file-url-recipient";

  private final Signer signer;
  private final GoldgateConfig config;
  private final Storage storage;
  private final Clock clock;

  public FileUrls(Signer signer, GoldgateConfig config, Storage storage) {
    this.signer = signer;
    this.config = config;
    this.storage = storage;
    this.clock = Clock.systemUTC();
  }

  /** When URLs issued now expire, in epoch milliseconds. */
  public long expiryFromNow() {
    return clock.millis() + config.sharing().urlLifetime().toMillis();
  }

  /**
   * @param requestBase the base URI of the incoming request, used when no public URL is configured
   */
  public String url(URI requestBase, SharedTable table, DataFile file, long expiresAt) {
    return url(requestBase, table, file.path(), expiresAt);
  }

  /** @param logPath a path as the Delta log writes it: URL-encoded relative, or an absolute URI */
  public String url(URI requestBase, SharedTable table, String logPath, long expiresAt) {
    return url(requestBase, table, logPath, expiresAt, null);
  }

  /**
   * @param recipient who the URL is issued to, or null. Named in the URL ({@code r}) with its own
   *     signature ({@code rs}, over the URL's signature and the name) so that downloads are
   *     audited under the recipient; a changed name fails verification.
   */
  public String url(URI requestBase, SharedTable table, String logPath, long expiresAt, String recipient) {
    String relative = relativePath(table, logPath);
    if (table.location().isObjectStore()) {
      // Object stores serve their own files: the URL is theirs, pre-signed for the same lifetime.
      // Stores count signature lifetimes in whole seconds: round up so the URL outlives expiresAt.
      long seconds = Math.max(1, (expiresAt - clock.millis() + 999) / 1000);
      try {
        return storage.presign(table.location(), relative, Duration.ofSeconds(seconds));
      } catch (GoldgateException e) {
        throw new GoldgateException(e.kind(), "Table " + table.qualifiedName() + ": " + e.getMessage());
      }
    }
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(relative.getBytes(StandardCharsets.UTF_8));
    String base = config.sharing().publicUrl().map(u -> u.replaceAll("/+$", "")).orElseGet(() -> origin(requestBase));
    // "sp=r" (read-only) is how Delta kernels (delta-kernel-rs, used by the Python connector for
    // responseformat=delta) recognise a pre-signed URL to fetch over HTTP rather than open as a path.
    String sig = signer.sign(PURPOSE, payload(table.id(), relative, expiresAt));
    String url = base + RoutePaths.FILES + table.id() + "/" + encoded + "?sp=r&expires=" + expiresAt + "&sig=" + sig;
    if (recipient != null) {
      url += "&r=" + java.net.URLEncoder.encode(recipient, StandardCharsets.UTF_8).replace("+", "%20") + "&rs=" + signer.sign(RECIPIENT_PURPOSE, sig + "\n" + recipient);
    }
    return url;
  }

  /**
   * Refuses, before a response starts, a table whose store cannot issue URLs for its files (an
   * Azure account read with a SAS token, or an identity that gets no signing key).
   */
  public void requireUrls(SharedTable table) {
    java.util.Optional<String> refusal;
    try {
      refusal = storage.cannotPresign(table.location());
    } catch (GoldgateException e) {
      throw new GoldgateException(e.kind(), "Table " + table.qualifiedName() + ": " + e.getMessage());
    }
    refusal.ifPresent(reason -> {
      throw new GoldgateException(GoldgateException.Kind.UNSUPPORTED, "Table " + table.qualifiedName() + " cannot be shared as file URLs: " + reason);
    });
  }

  /**
   * The recipient a verified URL names, or null when it names none.
   *
   * @param signature the URL's {@code sig}, already verified
   */
  public String verifyRecipient(String signature, String recipient, String recipientSignature) {
    if (recipient == null && recipientSignature == null) {
      return null;
    }
    if (recipient == null || recipientSignature == null || !signer.verify(RECIPIENT_PURPOSE, signature + "\n" + recipient, recipientSignature)) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL has an invalid signature");
    }
    return recipient;
  }

  static String payload(String tableId, String relativePath, long expiresAt) {
    return tableId + "\n" + relativePath + "\n" + expiresAt;
  }

  private static String origin(URI base) {
    String s = base.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** Checks signature then expiry; returns the relative path the URL was issued for. */
  public String verify(String tableId, String encodedPath, String expires, String signature) {
    String relative;
    long expiresAt;
    try {
      relative = new String(Base64.getUrlDecoder().decode(encodedPath), StandardCharsets.UTF_8);
      expiresAt = Long.parseLong(expires);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL is malformed");
    }
    if (!signer.verify(PURPOSE, payload(tableId, relative, expiresAt), signature)) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL has an invalid signature");
    }
    if (clock.millis() >= expiresAt) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL expired at " + java.time.Instant.ofEpochMilli(expiresAt) + "; query the table again for fresh URLs");
    }
    return relative;
  }

  /**
   * The log's {@code add.path} as a plain path relative to the table root. Absolute paths are
   * accepted only when they point inside the table.
   */
  static String relativePath(SharedTable table, String logPath) {
    if (logPath.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      String prefix = table.location().uri() + "/";
      String absolute = logPath.startsWith("file:") ? io.goldgate.storage.LocalFileIO.toUri(io.goldgate.storage.LocalFileIO.toPath(logPath).normalize()) : logPath;
      if (!absolute.startsWith(prefix)) {
        throw new GoldgateException(
            GoldgateException.Kind.UNSUPPORTED, "Table " + table.qualifiedName() + " references files outside its own location, which are not shared");
      }
      return URLDecoder.decode(absolute.substring(prefix.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
    }
    return URLDecoder.decode(logPath.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /**
   * The file id of the protocol: stable for a file across requests, opaque to clients. Two schemes
   * exist (the {@code fileidhash} header picks one): {@code parquet} is 32 hex digits, {@code
   * delta} a UUID, both derived from the file's path in the log.
   */
  public static String fileId(String logPath, String scheme) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      if (scheme.equals("delta")) {
        sha.update("delta\u0000".getBytes(StandardCharsets.UTF_8));
        byte[] d = sha.digest(logPath.getBytes(StandardCharsets.UTF_8));
        String hex = HexFormat.of().formatHex(d, 0, 16);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20) + "-" + hex.substring(20);
      }
      return HexFormat.of().formatHex(sha.digest(logPath.getBytes(StandardCharsets.UTF_8)), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The id scheme a {@code fileidhash} header asks for; null header means the format's own. */
  public static String fileIdScheme(String header, ResponseFormat responseFormat) {
    if (header == null || header.isBlank()) {
      return responseFormat.wire();
    }
    String scheme = header.strip().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals(ResponseFormat.PARQUET.wire()) && !scheme.equals(ResponseFormat.DELTA.wire())) {
      throw io.goldgate.GoldgateException.invalid("fileidhash must be 'parquet' or 'delta', got '" + header + "'");
    }
    return scheme;
  }
}
