package io.goldgate.audit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the code serving one call learns for its audit event (recipient, table, version, files,
 * rows, bytes), filled in as it goes; the HTTP or Flight layer adds status and latency when the
 * call ends. Written and read on different threads, hence volatile and atomic fields.
 */
public final class CallAudit {

  private volatile String recipient;
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

  public CallAudit recipient(String name) {
    this.recipient = name;
    return this;
  }

  /** Overrides the protocol the transport implies (Flight SQL over the Flight endpoint). */
  public CallAudit protocol(String name) {
    this.protocol = name;
    return this;
  }

  public CallAudit table(String share, String schema, String table) {
    this.share = share;
    this.schema = schema;
    this.table = table;
    return this;
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
    files.updateAndGet(v -> Math.max(v, 0) + n);
  }

  public void addRows(long n) {
    rows.updateAndGet(v -> Math.max(v, 0) + n);
  }

  public void addBytes(long n) {
    bytes.updateAndGet(v -> Math.max(v, 0) + n);
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

  public Long byteCount() {
    long n = bytes.get();
    return n < 0 ? null : n;
  }
}
