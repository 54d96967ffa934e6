package io.goldgate.audit;

import io.goldgate.GoldgateException;
import io.goldgate.audit.model.AuditEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The query parameters the audit endpoints share, read strictly: each invalid value is a 400 whose
 * message names the parameter, and what the OpenAPI document allows is exactly what is accepted.
 * An empty parameter is absent (allowEmptyValue in the document).
 */
final class AuditParams {

  /** The protocols events are recorded under. */
  static final List<String> PROTOCOLS = List.of(AuditEvent.DELTA_SHARING, AuditEvent.FLIGHT, AuditEvent.FLIGHT_SQL, AuditEvent.FEATURES);

  /** {@code success}, {@code error}, an HTTP status code or a Flight status code name (the document's pattern). */
  private static final Pattern STATUS = Pattern.compile("success|error|[0-9]{3}|[A-Za-z_]{1,40}");

  private AuditParams() {}

  static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Whether {@code part} has a character outside JSON Schema's {@code \s} (ECMA-262 white space). */
  private static boolean hasNonSpace(String part) {
    return part.chars().anyMatch(c -> !(c >= '\t' && c <= '\r' || Character.isSpaceChar(c) || c == '\uFEFF'));
  }

  static Instant instant(String name, String value) {
    String v = blankToNull(value);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw GoldgateException.invalid("'" + name + "' must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, got '" + value + "'");
    }
  }

  static String table(String value) {
    String v = blankToNull(value);
    if (v == null) {
      return null;
    }
    String[] parts = v.split("\\.", -1);
    if (parts.length != 3 || !hasNonSpace(parts[0]) || !hasNonSpace(parts[1]) || !hasNonSpace(parts[2])) {
      throw GoldgateException.invalid("'table' must be share.schema.table, got '" + value + "'");
    }
    return v;
  }

  static String protocol(String value) {
    String v = blankToNull(value);
    if (v == null || PROTOCOLS.contains(v)) {
      return v;
    }
    throw GoldgateException.invalid("'protocol' must be one of " + String.join(", ", PROTOCOLS) + ", got '" + value + "'");
  }

  /** The status filter, lower-cased for {@code success} and {@code error}. */
  static String status(String value) {
    String v = blankToNull(value);
    if (v == null) {
      return null;
    }
    if (!STATUS.matcher(v).matches()) {
      throw GoldgateException.invalid(
          "'status' must be success, error, an HTTP status code such as 404 or a Flight status such as NOT_FOUND, got '" + value + "'");
    }
    String lower = v.toLowerCase(Locale.ROOT);
    return lower.equals("success") || lower.equals("error") ? lower : v;
  }

  /** The filters of {@code GET /admin/audit} and its timeline, from their query values, checked. */
  static Predicate<AuditEvent> fromQuery(String recipient, String table, String protocol, String status) {
    return matching(blankToNull(recipient), table(table), protocol(protocol), status(status));
  }

  /**
   * Events matching every given filter (null: any): the recipient's exact name, the table
   * case-insensitively, the protocol, and the status ({@code success}: HTTP 1xx-3xx or Flight OK;
   * {@code error}: any other; else that status, case-insensitively).
   */
  static Predicate<AuditEvent> matching(String recipient, String table, String protocol, String status) {
    return e -> (recipient == null || recipient.equals(e.recipient()))
        && (table == null || table.equalsIgnoreCase(e.qualifiedTable()) || (e.tables() != null && e.tables().stream().anyMatch(table::equalsIgnoreCase)))
        && (protocol == null || protocol.equals(e.protocol()))
        && (status == null || switch (status) {
              case "success" -> e.succeeded();
              case "error" -> e.failed();
              default -> status.equalsIgnoreCase(e.status());
            });
  }
}
