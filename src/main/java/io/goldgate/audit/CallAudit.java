package io.goldgate.audit;

import io.goldgate.audit.model.AuditEvent;
import io.goldgate.access.Principal;
import io.goldgate.access.TokenRejected;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the code serving one call learns for its audit event (recipient, table, version, files,
 * rows, bytes, feature views), filled in as it goes; the HTTP or Flight layer adds status and latency when the
 * call ends. Written and read on different threads, hence volatile and atomic fields.
 */
public final class CallAudit {

  private volatile String recipient;
  private volatile String subject;
  private volatile String issuer;
  private volatile String protocol;
  private volatile String share;
  private volatile String schema;
  private volatile String table;
  private volatile Long version;
  private volatile String errorCode;
  private volatile String message;
  private final AtomicLong files = new AtomicLong(-1);
  private final AtomicLong rows = new AtomicLong(-1);
  private final AtomicLong bytes = new AtomicLong(-1);
  /** Distinct names, at most {@link #MAX_FEATURE_VIEWS}: a request may repeat one name many times. */
  private final Set<String> featureViews = new LinkedHashSet<>();
  private boolean moreFeatureViews;

  /** Most distinct feature view names one call keeps; further ones only mark the list as cut. */
  static final int MAX_FEATURE_VIEWS = 64;

  public CallAudit recipient(String name) {
    this.recipient = name;
    return this;
  }

  /** Who the call acts for: the recipient, and the signed access token's subject and issuer. */
  public CallAudit principal(Principal principal) {
    recipient(principal.name());
    return token(principal.subject(), principal.issuer());
  }

  /** Keeps what a refused signed access token claimed; other failures have nothing to keep. */
  public CallAudit authenticationFailed(RuntimeException failure) {
    if (failure instanceof TokenRejected rejected) {
      token(rejected.claimedSubject(), rejected.claimedIssuer());
    }
    return this;
  }

  /**
   * Whom a signed access token was issued to and by whom: verified values for an accepted token,
   * claimed ones for a rejected token (either may be null).
   */
  public CallAudit token(String subject, String issuer) {
    this.subject = subject;
    this.issuer = issuer;
    return this;
  }

  public String subjectName() {
    return subject;
  }

  public String issuerName() {
    return issuer;
  }

  /** Overrides the protocol the transport implies (Flight SQL over the Flight endpoint). */
  public CallAudit protocol(String name) {
    this.protocol = name;
    return this;
  }

  private volatile List<String> tables;

  public CallAudit table(String share, String schema, String table) {
    this.share = share;
    this.schema = schema;
    this.table = table;
    return this;
  }

  /**
   * Every table the call read, when it read several (a Flight SQL query): the first is also
   * {@link #table}.
   */
  public CallAudit tables(List<String> qualifiedNames) {
    this.tables = qualifiedNames.size() > 1 ? List.copyOf(qualifiedNames) : null;
    return this;
  }

  /** The tables of {@link #tables(List)}, or null. */
  public List<String> tableNames() {
    return tables;
  }

  public CallAudit version(long version) {
    this.version = version;
    return this;
  }

  public CallAudit error(String errorCode, String message) {
    this.errorCode = errorCode;
    this.message = message;
    return this;
  }

  public CallAudit files(long count) {
    files.set(count);
    return this;
  }

  public void addFiles(long n) {
    // Called for every line of a query's response: one atomic add once the count has started.
    if (files.get() >= 0) {
      files.addAndGet(n);
    } else {
      files.updateAndGet(v -> Math.max(v, 0) + n);
    }
  }

  public CallAudit addRows(long n) {
    rows.updateAndGet(v -> Math.max(v, 0) + n);
    return this;
  }

  public void addBytes(long n) {
    bytes.updateAndGet(v -> Math.max(v, 0) + n);
  }

  /** A feature view the call names or touches; kept once, in the order first seen. */
  public CallAudit featureView(String name) {
    synchronized (featureViews) {
      if (!featureViews.contains(name)) {
        if (featureViews.size() < MAX_FEATURE_VIEWS) {
          featureViews.add(name);
        } else {
          moreFeatureViews = true;
        }
      }
    }
    return this;
  }

  public String recipientName() {
    return recipient;
  }

  public String protocolName() {
    return protocol;
  }

  public String shareName() {
    return share;
  }

  public String schemaName() {
    return schema;
  }

  public String tableName() {
    return table;
  }

  public Long tableVersion() {
    return version;
  }

  public String errorCode() {
    return errorCode;
  }

  public String errorMessage() {
    return message;
  }

  public Integer fileCount() {
    long n = files.get();
    return n < 0 ? null : (int) Math.min(n, Integer.MAX_VALUE);
  }

  public Long rowCount() {
    long n = rows.get();
    return n < 0 ? null : n;
  }

  /** The feature views in order, ending in {@link AuditEvent#CUT} when some were left out; null for none. */
  public List<String> featureViewNames() {
    synchronized (featureViews) {
      if (featureViews.isEmpty()) {
        return null;
      }
      List<String> names = new ArrayList<>(featureViews);
      if (moreFeatureViews) {
        names.add(AuditEvent.CUT);
      }
      return List.copyOf(names);
    }
  }

  public Long byteCount() {
    long n = bytes.get();
    return n < 0 ? null : n;
  }
}
