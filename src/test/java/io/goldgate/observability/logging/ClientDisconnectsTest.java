package io.goldgate.observability.logging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.jboss.logmanager.LogContext;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ClientDisconnectsTest {

  private static LogRecord record(String message, Throwable thrown) {
    LogRecord r = new LogRecord(Level.SEVERE, message);
    r.setThrown(thrown);
    return r;
  }

  @Test
  void aPeerThatWentAwayIsNotAnError() {
    assertFalse(ClientDisconnects.isLoggable(record("Broken pipe", new IOException("Broken pipe"))));
    assertFalse(ClientDisconnects.isLoggable(record("Connection reset by peer", new IOException("Connection reset by peer"))));
    assertFalse(ClientDisconnects.isLoggable(record("Broken pipe", null)));
  }

  @Test
  void everythingElseIsStillLogged() {
    assertTrue(ClientDisconnects.isLoggable(record("Broken pipe", new IllegalStateException("Broken pipe"))), "not an I/O failure");
    assertTrue(ClientDisconnects.isLoggable(record("No space left on device", new IOException("No space left on device"))));
    assertTrue(ClientDisconnects.isLoggable(record("Broken pipe", new IOException("Too many open files"))));
    assertTrue(ClientDisconnects.isLoggable(record("Broken pipe in the handler", null)));
    assertTrue(ClientDisconnects.isLoggable(record(null, null)));
  }

  @Test
  void theGatewayInstallsItOnVertxsConnectionLoggerOnly() {
    assertSame(ClientDisconnects.FILTER, LogContext.getLogContext().getLogger(ClientDisconnects.LOGGER).getFilter());
    assertSame(null, LogContext.getLogContext().getLogger("io.vertx.core.http.impl.Http1xServerConnection").getFilter());
  }
}
