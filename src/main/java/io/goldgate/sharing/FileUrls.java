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

  static final String PURPOSE = "file-url-2";
  /** The purpose of the first URL format's signatures, still verified. */
  static final String LEGACY_PURPOSE = "file-url";
  static final String RECIPIENT_PURPOSE = "file-url-recipient";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** One digest per thread: looking the algorithm up for each of a query's files cost more than hashing. */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(() -> {
        try {
          return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      });

  private final Signer signer;
  private final GoldgateConfig config;
  private final Storage storage;
  private final Clock clock;
  /** The configured public URL without trailing slashes, or null to use each request's own. */
  private final String publicBase;

  public FileUrls(Signer signer, GoldgateConfig config, Storage storage) {
    this.signer = signer;
    this.config = config;
    this.storage = storage;
    this.clock = Clock.systemUTC();
    this.publicBase = config.sharing().publicUrl().map(FileUrls::withoutTrailingSlashes).orElse(null);
  }

  static String withoutTrailingSlashes(String url) {
    int end = url.length();
    while (end > 0 && url.charAt(end - 1) == '/') {
      end--;
    }
    return url.substring(0, end);
  }

  /**
   * When URLs of the table issued now expire, in epoch milliseconds: a whole second, since URLs
   * carry their expiry in seconds and the response's {@code expirationTimestamp} must name the
   * same instant. Fails first, before a response starts streaming, when the table's store cannot
   * sign URLs.
   */
  public long expiryFromNow(SharedTable table) {
    try {
      storage.requireSigning(table.location());
    } catch (GoldgateException e) {
      throw forTable(table, e);
    }
    return Math.ceilDiv(clock.millis() + config.sharing().urlLifetime().toMillis(), 1000) * 1000;
  }

  /** A store's signing failure, which says what is wrong, with the table it was for. */
  private static GoldgateException forTable(SharedTable table, GoldgateException e) {
    return new GoldgateException(e.kind(), "Cannot issue file URLs for table " + table.qualifiedName() + ": " + e.getMessage(), e.getCause());
  }

  /**
   * A file's URL: {@code <base>/delta-sharing/files/<table id>/<path, base64url>?sp=r&e=<expiry,
   * epoch seconds>[&r=<recipient>]&s=<signature>}. One 128-bit signature covers table, path,
   * expiry and recipient, so none can be changed and downloads are audited under the recipient;
   * a query response holds one URL per file, so every character saved counts a hundred thousand
   * times.
   *
   * @param requestBase the base URI of the incoming request, used when no public URL is configured
   * @param logPath a path as the Delta log writes it: URL-encoded relative, or an absolute URI
   * @param recipient who the URL is issued to, or null
   */
  public String url(URI requestBase, SharedTable table, String logPath, long expiresAt, String recipient) {
    return issuer(requestBase, table, expiresAt, recipient).url(logPath);
  }

  /** Issues the file URLs of one response: what all of them share is worked out once. */
  public Issuer issuer(URI requestBase, SharedTable table, long expiresAt, String recipient) {
    return new Issuer(requestBase, table, expiresAt, recipient);
  }

  /** The URLs of one response's files: one table, one expiry, one recipient. */
  public final class Issuer {
    private final SharedTable table;
    private final long expiresAt;
    /** {@code <base>/delta-sharing/files/<table id>/} */
    private final String prefix;
    /** {@code ?sp=r&e=<expiry>[&r=<recipient>]&s=} */
    private final String query;
    /** What {@link #payload} puts before and after the path, the same for every file. */
    private final byte[] payloadHead;
    private final byte[] payloadTail;

    private Issuer(URI requestBase, SharedTable table, long expiresAt, String recipient) {
      this.table = table;
      this.expiresAt = expiresAt;
      long expires = Math.ceilDiv(expiresAt, 1000);
      // Metadata answers issue no URLs and may come without a request base.
      String base = publicBase != null ? publicBase : requestBase == null ? null : origin(requestBase);
      this.prefix = base == null ? null : base + RoutePaths.FILES + table.id() + "/";
      // "sp=r" (read-only) is how Delta kernels (delta-kernel-rs, used by the Python connector for
      // responseformat=delta) recognise a pre-signed URL to fetch over HTTP rather than open as a path.
      this.query = "?sp=r&e=" + expires + (recipient == null ? "" : "&r=" + java.net.URLEncoder.encode(recipient, StandardCharsets.UTF_8).replace("+", "%20")) + "&s=";
      this.payloadHead = payloadHead(table.id());
      this.payloadTail = payloadTail(expires, recipient);
    }

    /** @param logPath a path as the Delta log writes it: URL-encoded relative, or an absolute URI */
    public String url(String logPath) {
      String relative = relativePath(table, logPath);
      if (table.location().isObjectStore()) {
        // Object stores serve their own files: the URL is theirs, pre-signed for the same lifetime.
        // Each store rounds it up to the whole seconds it counts in, so the URL outlives expiresAt.
        Duration ttl = Duration.ofMillis(Math.max(1000, expiresAt - clock.millis()));
        try {
          return storage.presign(table.location(), relative, ttl);
        } catch (GoldgateException e) {
          throw forTable(table, e);
        }
      }
      if (prefix == null) {
        throw new IllegalStateException("File URLs need the request's base URL or goldgate.sharing.public-url");
      }
      byte[] path = relative.getBytes(StandardCharsets.UTF_8);
      byte[] sig = signer.signShortBytes(PURPOSE, payload(payloadHead, relative, path, payloadTail));
      byte[] encoded = B64.encode(path);
      StringBuilder url = new StringBuilder(prefix.length() + encoded.length + query.length() + sig.length);
      url.append(prefix);
      appendAscii(url, encoded);
      url.append(query);
      appendAscii(url, sig);
      return url.toString();
    }
  }

  private static void appendAscii(StringBuilder to, byte[] ascii) {
    for (byte b : ascii) {
      to.append((char) b);
    }
  }

  /** What a verified file URL grants: a file of a table, to a recipient (null when it names none). */
  public record Grant(String relativePath, String recipient) {}

  /**
   * Checks a file URL's signature, then its expiry.
   *
   * @param param the URL's query parameters by name
   */
  public Grant verify(String tableId, String encodedPath, java.util.function.UnaryOperator<String> param) {
    String sig = param.apply("s");
    if (sig == null) {
      // URLs of the first format, which a replica of an earlier release may still hand out.
      String legacySig = param.apply("sig");
      String relative = verify(tableId, encodedPath, param.apply("expires"), legacySig);
      return new Grant(relative, verifyRecipient(legacySig, param.apply("r"), param.apply("rs")));
    }
    String relative;
    long expires;
    try {
      relative = new String(Base64.getUrlDecoder().decode(encodedPath), StandardCharsets.UTF_8);
      expires = Long.parseLong(param.apply("e"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL is malformed");
    }
    String recipient = param.apply("r");
    byte[] payload = payload(payloadHead(tableId), relative, relative.getBytes(StandardCharsets.UTF_8), payloadTail(expires, recipient));
    if (!signer.verifyShortBytes(PURPOSE, payload, sig)) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL has an invalid signature");
    }
    if (expires > Long.MAX_VALUE / 1000 || clock.millis() >= expires * 1000) {
      throw expired(expires > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : expires * 1000);
    }
    return new Grant(relative, recipient);
  }

  /**
   * What a file URL's signature covers, as UTF-8: {@code <table id>\n<path length in UTF-16
   * units>:<path>\n<expiry, epoch seconds>\n[r:<recipient>]}. The path is length-prefixed: no
   * choice of path can make two different URLs sign alike. Issuing and verifying both build it here.
   *
   * @param path {@code relative} as UTF-8
   */
  private static byte[] payload(byte[] head, String relative, byte[] path, byte[] tail) {
    byte[] length = (relative.length() + ":").getBytes(StandardCharsets.US_ASCII);
    byte[] payload = new byte[head.length + length.length + path.length + tail.length];
    System.arraycopy(head, 0, payload, 0, head.length);
    System.arraycopy(length, 0, payload, head.length, length.length);
    System.arraycopy(path, 0, payload, head.length + length.length, path.length);
    System.arraycopy(tail, 0, payload, head.length + length.length + path.length, tail.length);
    return payload;
  }

  private static byte[] payloadHead(String tableId) {
    return (tableId + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] payloadTail(long expiresSeconds, String recipient) {
    return ("\n" + expiresSeconds + "\n" + (recipient == null ? "" : "r:" + recipient)).getBytes(StandardCharsets.UTF_8);
  }

  private static GoldgateException expired(long expiresAt) {
    return new GoldgateException(
        GoldgateException.Kind.PERMISSION_DENIED, "This file URL expired at " + java.time.Instant.ofEpochMilli(expiresAt) + "; query the table again for fresh URLs");
  }

  /**
   * The recipient a verified URL of the first format names, or null when it names none.
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

  /** Checks a first-format URL's signature, then its expiry; returns the relative path it was issued for. */
  String verify(String tableId, String encodedPath, String expires, String signature) {
    String relative;
    long expiresAt;
    try {
      relative = new String(Base64.getUrlDecoder().decode(encodedPath), StandardCharsets.UTF_8);
      expiresAt = Long.parseLong(expires);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL is malformed");
    }
    if (!signer.verify(LEGACY_PURPOSE, payload(tableId, relative, expiresAt), signature)) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL has an invalid signature");
    }
    if (clock.millis() >= expiresAt) {
      throw expired(expiresAt);
    }
    return relative;
  }

  /**
   * The log's {@code add.path} as a plain path relative to the table root. Absolute paths are
   * accepted only when they point inside the table.
   */
  static String relativePath(SharedTable table, String logPath) {
    if (hasScheme(logPath)) {
      String prefix = table.location().uri() + "/";
      String absolute = logPath.startsWith("file:") ? io.goldgate.storage.LocalFileIO.toUri(io.goldgate.storage.LocalFileIO.toPath(logPath).normalize()) : logPath;
      if (!absolute.startsWith(prefix)) {
        throw new GoldgateException(
            GoldgateException.Kind.UNSUPPORTED, "Table " + table.qualifiedName() + " references files outside its own location, which are not shared");
      }
      return DataFile.decodeLogPath(absolute.substring(prefix.length()));
    }
    return DataFile.decodeLogPath(logPath);
  }

  /** Whether a log path is an absolute URI ({@code scheme:...}, RFC 3986 §3.1); checked per file, so no regex. */
  static boolean hasScheme(String path) {
    if (path.isEmpty() || !isAsciiLetter(path.charAt(0))) {
      return false;
    }
    for (int i = 1; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == ':') {
        return true;
      }
      if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '.' && c != '-') {
        return false;
      }
    }
    return false;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /**
   * The file id of the protocol: stable for a file across requests, opaque to clients. Two schemes
   * exist (the {@code fileidhash} header picks one): {@code parquet} is 32 hex digits, {@code
   * delta} a UUID, both derived from the file's path in the log.
   */
  public static String fileId(String logPath, String scheme) {
    MessageDigest sha = SHA256.get();
    if (scheme.equals("delta")) {
      sha.update("delta\u0000".getBytes(StandardCharsets.UTF_8));
      byte[] d = sha.digest(logPath.getBytes(StandardCharsets.UTF_8));
      String hex = HexFormat.of().formatHex(d, 0, 16);
      return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20) + "-" + hex.substring(20);
    }
    return HexFormat.of().formatHex(sha.digest(logPath.getBytes(StandardCharsets.UTF_8)), 0, 16);
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
