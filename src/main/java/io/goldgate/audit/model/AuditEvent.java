package io.goldgate.audit.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One audited access: a Delta Sharing request, a Flight call or a file download. It never holds a
 * token, a token hash, a signature or a URL: only who (by recipient name), from where, what and how
 * it ended. Fields that are unknown or do not apply are absent.
 *
 * @param id where the event is stored (a Redis stream id, or {@code file:line}); set when read back
 * @param time when the request arrived
 * @param recipient the authenticated recipient; absent when authentication failed, and for file
 *     downloads, whose pre-signed URL is the only credential
 * @param protocol {@code delta-sharing}, {@code flight} or {@code flight-sql}
 * @param operation the protocol's name of the call, e.g. {@code queryTable}, {@code downloadFile},
 *     {@code GetFlightInfo}, {@code DoGet}
 * @param version the table version read
 * @param files data files returned (sharing), planned (GetFlightInfo) or read (DoGet); 1 for a
 *     file download
 * @param bytes bytes sent: the response body (sharing, file downloads), Arrow record batch bodies
 *     (DoGet)
 * @param rows rows sent (DoGet)
 * @param status the HTTP status code, or the Flight status code name ({@code OK}, {@code NOT_FOUND}, ...)
 * @param errorCode the protocol error code of a failed sharing request ({@code RESOURCE_DOES_NOT_EXIST}, ...)
 * @param message the error message sent to the client, when the call failed
 * @param latencyMs from arrival to the last byte sent
 * @param count for a summary of unauthenticated failures (operation {@code unauthenticated}): how
 *     many failures from {@code clientIp} it stands for
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEvent(
    String id,
    Instant time,
    String recipient,
    String clientIp,
    String userAgent,
    String protocol,
    String operation,
    String share,
    String schema,
    String table,
    Long version,
    Integer files,
    Long bytes,
    Long rows,
    String status,
    String errorCode,
    String message,
    long latencyMs,
    Long count) {

  public static final String DELTA_SHARING = "delta-sharing";
  public static final String FLIGHT = "flight";
  public static final String FLIGHT_SQL = "flight-sql";

  /** The operation of a summary of unauthenticated failures not stored one by one. */
  public static final String UNAUTHENTICATED = "unauthenticated";

  /** Longest stored user agent, in characters; a longer one is cut and ends in {@link #CUT}. */
  public static final int MAX_USER_AGENT = 256;

  /** Longest stored error message, in characters. */
  public static final int MAX_MESSAGE = 1024;

  /** Longest stored value of every other text field (names echoed from a request path, ...). */
  public static final int MAX_FIELD = 256;

  /** What ends a cut value. */
  public static final String CUT = "...";

  public AuditEvent(
      String id, Instant time, String recipient, String clientIp, String userAgent, String protocol, String operation, String share,
      String schema, String table, Long version, Integer files, Long bytes, Long rows, String status, String errorCode, String message,
      long latencyMs) {
    this(id, time, recipient, clientIp, userAgent, protocol, operation, share, schema, table, version, files, bytes, rows, status, errorCode,
        message, latencyMs, null);
  }

  /** {@code share.schema.table}, or null when the event is not about one table. */
  public String qualifiedTable() {
    return share == null || schema == null || table == null ? null : share + "." + schema + "." + table;
  }

  /** Whether the call succeeded (HTTP 1xx-3xx, Flight OK). */
  public boolean succeeded() {
    if (status == null) {
      return false;
    }
    if (status.equals("OK")) {
      return true;
    }
    return !status.isEmpty() && Character.isDigit(status.charAt(0)) && status.charAt(0) < '4';
  }

  /** Whether the call failed for want of a valid credential (HTTP 401, Flight UNAUTHENTICATED). */
  public boolean unauthenticated() {
    return "401".equals(status) || "UNAUTHENTICATED".equals(status);
  }

  public AuditEvent withId(String newId) {
    return new AuditEvent(
        newId, time, recipient, clientIp, userAgent, protocol, operation, share, schema, table, version, files, bytes, rows, status,
        errorCode, message, latencyMs, count);
  }

  /**
   * This event as it is stored: every text field cut to its limit ({@link #MAX_USER_AGENT}, {@link
   * #MAX_MESSAGE}, {@link #MAX_FIELD}) and control characters replaced by '?', so one stored event
   * is at most a few kilobytes whatever the client sent.
   */
  public AuditEvent bounded() {
    return new AuditEvent(
        id, time, cut(recipient, MAX_FIELD), cut(clientIp, MAX_FIELD), cut(userAgent, MAX_USER_AGENT), cut(protocol, MAX_FIELD),
        cut(operation, MAX_FIELD), cut(share, MAX_FIELD), cut(schema, MAX_FIELD), cut(table, MAX_FIELD), version, files, bytes, rows,
        cut(status, MAX_FIELD), cut(errorCode, MAX_FIELD), cut(message, MAX_MESSAGE), latencyMs, count);
  }

  static String cut(String value, int max) {
    if (value == null) {
      return null;
    }
    int end = value.length();
    boolean cut = false;
    if (end > max) {
      end = max - CUT.length();
      // Never split a surrogate pair.
      if (Character.isHighSurrogate(value.charAt(end - 1))) {
        end--;
      }
      cut = true;
    }
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) && out == null) {
        out = new StringBuilder(end + CUT.length()).append(value, 0, i);
      }
      if (out != null) {
        out.append(Character.isISOControl(c) ? '?' : c);
      }
    }
    if (out == null) {
      return cut ? value.substring(0, end) + CUT : value;
    }
    return cut ? out.append(CUT).toString() : out.toString();
  }
}
