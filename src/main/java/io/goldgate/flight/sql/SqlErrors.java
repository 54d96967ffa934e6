package io.goldgate.flight.sql;

import io.goldgate.GoldgateException;
import java.sql.SQLException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;

/** DuckDB's failures as Flight statuses, in one place. */
final class SqlErrors {

  /** Lines of DuckDB's message kept: the error and the caret under the query's text. */
  private static final int MAX_LINES = 6;

  private SqlErrors() {}

  /**
   * How an error of DuckDB reaches us through Arrow's C stream interface (a batch that failed):
   * {@code [errno -1] CDataJniException{errno=-1, message=<DuckDB's message>}}.
   */
  private static final String ARROW_C_ERROR = "CDataJniException{";

  private static final String ARROW_C_MESSAGE = "message=";

  /** What DuckDB's JDBC driver says of a result that failed before its first chunk, its reason dropped. */
  private static final String LOST_REASON = "Invalid Input Error: Invalid result set";

  static String firstLines(String message) {
    if (message == null) return "";
    message = withoutArrowWrapper(message.strip());
    return String.join("\n", message.lines().limit(MAX_LINES).toList()).strip();
  }

  /** DuckDB's message inside Arrow's wrapper of it, or the message as it is (plain string search, no pattern). */
  private static String withoutArrowWrapper(String message) {
    int wrapper = message.indexOf(ARROW_C_ERROR);
    if (!message.startsWith("[errno ") || wrapper < 0 || !message.endsWith("}")) return message;
    int start = message.indexOf(ARROW_C_MESSAGE, wrapper);
    return start < 0 ? message : message.substring(start + ARROW_C_MESSAGE.length(), message.length() - 1);
  }

  /** Whether DuckDB failed a query without saying why (see {@link SqlQuery#results()}). */
  static boolean lostReason(SQLException e) {
    return LOST_REASON.equals(firstLines(e.getMessage()));
  }

  /** A query stopped before its end: TIMED_OUT when over the timeout, else CANCELLED. */
  static RuntimeException stopped(SqlQuery query) {
    if (query.hasTimedOut()) {
      return CallStatus.TIMED_OUT.withDescription("The query ran longer than goldgate.flight.sql.timeout (" + query.config().timeout() + ")").toRuntimeException();
    }
    return CallStatus.CANCELLED.withDescription("The query was cancelled").toRuntimeException();
  }

  static RuntimeException translate(SQLException e, SqlQuery query) {
    Throwable scan = query.scanFailure();
    if (scan instanceof GoldgateException g) return g;
    if (scan instanceof FlightRuntimeException f) return f;
    String message = firstLines(e.getMessage());
    if (query.hasTimedOut() || query.wasCancelled() || message.startsWith("INTERRUPT")) {
      return stopped(query);
    }
    if (message.startsWith("Out of Memory Error")) {
      return CallStatus.RESOURCE_EXHAUSTED
          .withDescription("The query needs more memory than goldgate.flight.sql.memory-limit (" + query.config().memoryLimit().asLongValue() + " bytes): " + message)
          .toRuntimeException();
    }
    if (scan != null) {
      return new GoldgateException(GoldgateException.Kind.DATA_ERROR, "A table of the query cannot be read: " + scan.getMessage());
    }
    if (message.startsWith("Catalog Error") && message.contains("Table with name")) {
      // A table named only at run time (query_table): unknown, as every table not registered.
      return GoldgateException.notFound(message);
    }
    if (message.startsWith("Permission Error")) {
      return CallStatus.UNAUTHORIZED.withDescription(message).toRuntimeException();
    }
    if (message.startsWith("Parser Error") || message.startsWith("Binder Error") || message.startsWith("Conversion Error")
        || message.startsWith("Invalid Input Error") || message.startsWith("Out of Range Error") || message.startsWith("Not implemented Error")
        || message.startsWith("Constraint Error") || message.startsWith("Syntax Error") || message.startsWith("Catalog Error")) {
      return GoldgateException.invalid(message);
    }
    return GoldgateException.invalid("The query failed: " + message);
  }
}
