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
    long latencyMs) {

  public static final String DELTA_SHARING = "delta-sharing";
  public static final String FLIGHT = "flight";
  public static final String FLIGHT_SQL = "flight-sql";

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

  public AuditEvent withId(String newId) {
    return new AuditEvent(
        newId, time, recipient, clientIp, userAgent, protocol, operation, share, schema, table, version, files, bytes, rows, status,
        errorCode, message, latencyMs);
  }
}
