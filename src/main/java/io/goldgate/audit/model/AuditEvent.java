package io.goldgate.audit.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One audited access: a Delta Sharing request, a Flight call, a file download, or a write or
 * materialization through Feast's feature server API ({@code /push}, ...). It never holds a
 * token, a token hash, a signature or a URL: only who (by recipient name), from where, what and how
 * it ended. Fields that are unknown or do not apply are absent.
 *
 * @param id where the event is stored (a Redis stream id, or {@code file:line}); set when read back
 * @param time when the request arrived
 * @param recipient the authenticated recipient; absent when authentication failed, and for file
 *     downloads, whose pre-signed URL is the only credential
 * @param protocol {@code delta-sharing}, {@code flight}, {@code flight-sql}, {@code features}, or
 *     {@code console} for the operator console's sign-ins and sign-outs
 * @param operation the protocol's name of the call, e.g. {@code queryTable}, {@code downloadFile},
 *     {@code GetFlightInfo}, {@code DoGet}; for {@code features}, the path without its slash:
 *     {@code push}, {@code write-to-online-store}, {@code materialize}, {@code materialize-incremental}
 * @param version the table version read
 * @param files data files returned (sharing), planned (GetFlightInfo) or read (DoGet); 1 for a
 *     file download
 * @param bytes bytes sent: the response body (sharing, file downloads), Arrow record batch bodies
 *     (DoGet)
 * @param rows rows sent (DoGet); rows the online store took (features: a push or write counts the
 *     rows that replaced an entity's values, newest per entity and newer than the stored one; a
 *     materialization the rows it wrote)
 * @param status the HTTP status code, or the Flight status code name ({@code OK}, {@code NOT_FOUND}, ...)
 * @param errorCode the protocol error code of a failed sharing request ({@code RESOURCE_DOES_NOT_EXIST}, ...)
 * @param message the error message sent to the client, when the call failed
 * @param latencyMs from arrival to the last byte sent
 * @param count for a summary of unauthenticated failures (operation {@code unauthenticated}): how
 *     many failures from {@code clientIp} it stands for
 * @param featureViews the feature views a {@code features} call named or touched, in order, each
 *     once; bounded as {@link #boundedNames}
 * @param subject for a call with a signed access token, the token's {@code sub}: verified when the
 *     call was authenticated, as claimed when the token was rejected (then the message says why)
 * @param issuer the signed access token's {@code iss}, likewise
 * @param tables every table a Flight SQL query read ({@code share.schema.table}, in the order the
 *     query names them, each once) when it read more than one; {@code share}, {@code schema} and
 *     {@code table} name the first. Bounded as {@link #boundedNames}, within {@link #MAX_TABLE_CHARS}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "time", "recipient", "subject", "issuer", "clientIp", "userAgent", "protocol", "operation", "share", "schema", "table", "tables", "featureViews"})
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
    Long count,
    List<String> featureViews,
    String subject,
    String issuer,
    List<String> tables) {

  public static final String DELTA_SHARING = "delta-sharing";
  public static final String FLIGHT = "flight";
  public static final String FLIGHT_SQL = "flight-sql";
  /** Writes and materializations through Feast's feature server API, the metrics' protocol of that face. */
  public static final String FEATURES = "features";
  /** Sign-ins ({@code signIn}) and sign-outs ({@code signOut}) of the operator console. */
  public static final String CONSOLE = "console";

  /** The operation of a summary of unauthenticated failures not stored one by one. */
  public static final String UNAUTHENTICATED = "unauthenticated";

  /** Longest stored user agent, in characters; a longer one is cut and ends in {@link #CUT}. */
  public static final int MAX_USER_AGENT = 256;

  /** Longest stored error message, in characters. */
  public static final int MAX_MESSAGE = 1024;

  /** Longest stored value of every other text field (names echoed from a request path, ...). */
  public static final int MAX_FIELD = 256;

  /** What ends a cut value, and a cut list of names. */
  public static final String CUT = "...";

  /** Most characters of all feature view names of one event together. */
  public static final int MAX_FEATURE_VIEW_CHARS = MAX_FIELD;

  /** Most characters of all table names of one event together. */
  public static final int MAX_TABLE_CHARS = 1024;

  /** Most feature view names of one event, the final {@link #CUT} of a cut list included. */
  public static final int MAX_FEATURE_VIEWS = 32;

  public AuditEvent(
      String id, Instant time, String recipient, String clientIp, String userAgent, String protocol, String operation, String share,
      String schema, String table, Long version, Integer files, Long bytes, Long rows, String status, String errorCode, String message,
      long latencyMs) {
    this(id, time, recipient, clientIp, userAgent, protocol, operation, share, schema, table, version, files, bytes, rows, status, errorCode,
        message, latencyMs, null, null);
  }

  public AuditEvent(
      String id, Instant time, String recipient, String clientIp, String userAgent, String protocol, String operation, String share,
      String schema, String table, Long version, Integer files, Long bytes, Long rows, String status, String errorCode, String message,
      long latencyMs, Long count) {
    this(id, time, recipient, clientIp, userAgent, protocol, operation, share, schema, table, version, files, bytes, rows, status, errorCode,
        message, latencyMs, count, null);
  }

  public AuditEvent(
      String id, Instant time, String recipient, String clientIp, String userAgent, String protocol, String operation, String share,
      String schema, String table, Long version, Integer files, Long bytes, Long rows, String status, String errorCode, String message,
      long latencyMs, Long count, List<String> featureViews) {
    this(id, time, recipient, clientIp, userAgent, protocol, operation, share, schema, table, version, files, bytes, rows, status, errorCode,
        message, latencyMs, count, featureViews, null, null);
  }

  public AuditEvent(
      String id, Instant time, String recipient, String clientIp, String userAgent, String protocol, String operation, String share,
      String schema, String table, Long version, Integer files, Long bytes, Long rows, String status, String errorCode, String message,
      long latencyMs, Long count, List<String> featureViews, String subject, String issuer) {
    this(id, time, recipient, clientIp, userAgent, protocol, operation, share, schema, table, version, files, bytes, rows, status, errorCode,
        message, latencyMs, count, featureViews, subject, issuer, null);
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

  /** Whether the call failed: an HTTP status from 400, a Flight status other than OK. */
  public boolean failed() {
    return status != null && !succeeded();
  }

  /** Whether the call failed for want of a valid credential (HTTP 401, Flight UNAUTHENTICATED). */
  public boolean unauthenticated() {
    return "401".equals(status) || "UNAUTHENTICATED".equals(status);
  }

  public AuditEvent withId(String newId) {
    return new AuditEvent(
        newId, time, recipient, clientIp, userAgent, protocol, operation, share, schema, table, version, files, bytes, rows, status,
        errorCode, message, latencyMs, count, featureViews, subject, issuer, tables);
  }

  /**
   * This event as it is stored: every text field cut to its limit ({@link #MAX_USER_AGENT}, {@link
   * #MAX_MESSAGE}, {@link #MAX_FIELD}, {@link #MAX_FEATURE_VIEW_CHARS} for the view names together)
   * and control characters replaced by '?', so one stored event is at most a few kilobytes
   * whatever the client sent.
   */
  public AuditEvent bounded() {
    return new AuditEvent(
        id, time, cut(recipient, MAX_FIELD), cut(clientIp, MAX_FIELD), cut(userAgent, MAX_USER_AGENT), cut(protocol, MAX_FIELD),
        cut(operation, MAX_FIELD), cut(share, MAX_FIELD), cut(schema, MAX_FIELD), cut(table, MAX_FIELD), version, files, bytes, rows,
        cut(status, MAX_FIELD), cut(errorCode, MAX_FIELD), cut(message, MAX_MESSAGE), latencyMs, count,
        boundedNames(featureViews, MAX_FEATURE_VIEW_CHARS), cut(subject, MAX_FIELD), cut(issuer, MAX_FIELD), boundedNames(tables, MAX_TABLE_CHARS));
  }

  /**
   * Names whose characters add up to at most {@code budget}, at most {@link #MAX_FEATURE_VIEWS} of
   * them, each cleaned as {@link #cut}. When they do not all fit, the first ones that do are kept
   * (at least the first, cut) and the list ends in {@link #CUT}, which counts as one of them. Null
   * and empty lists are null (absent).
   */
  static List<String> boundedNames(List<String> names, int budget) {
    if (names == null || names.isEmpty()) {
      return null;
    }
    List<String> cleaned = new ArrayList<>(Math.min(names.size(), MAX_FEATURE_VIEWS + 1));
    long total = 0;
    for (String name : names) {
      if (cleaned.size() > MAX_FEATURE_VIEWS) {
        break;
      }
      String c = cut(name == null ? "" : name, budget);
      cleaned.add(c);
      total += c.length();
    }
    if (total <= budget && cleaned.size() <= MAX_FEATURE_VIEWS) {
      return List.copyOf(cleaned);
    }
    int room = budget - CUT.length();
    List<String> kept = new ArrayList<>();
    int used = 0;
    for (String name : cleaned) {
      if (kept.size() == MAX_FEATURE_VIEWS - 1 || used + name.length() > room) {
        if (kept.isEmpty()) {
          kept.add(cut(name, room));
        }
        break;
      }
      kept.add(name);
      used += name.length();
    }
    if (!kept.getLast().equals(CUT)) {
      kept.add(CUT);
    }
    return List.copyOf(kept);
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
