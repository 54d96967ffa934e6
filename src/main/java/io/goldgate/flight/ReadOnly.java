package io.goldgate.flight;

import io.goldgate.GoldgateException;

/**
 * Why a Flight SQL command that would write, transact or run a Substrait plan is refused. Goldgate
 * publishes tables its owners write elsewhere, so there is nothing to write to and nothing a
 * transaction would protect: every query already reads the table versions pinned when it was
 * planned. The refusals are UNSUPPORTED (UNIMPLEMENTED on the wire) and say what to do instead.
 */
final class ReadOnly {

  /** How every refusal of a write begins, so clients and tests can tell it from other failures. */
  static final String PREFIX = "Goldgate is read-only";

  private ReadOnly() {}

  /** {@code what} says what is refused, e.g. "updates (CommandStatementUpdate) are not accepted". */
  static GoldgateException refused(String what) {
    return new GoldgateException(GoldgateException.Kind.UNSUPPORTED, PREFIX + ": " + what + "; only queries (SELECT) are answered");
  }

  static GoldgateException transactions(String what) {
    return new GoldgateException(GoldgateException.Kind.UNSUPPORTED,
        PREFIX + ": " + what + " are not supported; each query reads the table versions pinned when it was planned");
  }

  static GoldgateException substrait() {
    return new GoldgateException(GoldgateException.Kind.UNSUPPORTED, "Substrait plans are not supported; send the query as SQL (CommandStatementQuery)");
  }
}
