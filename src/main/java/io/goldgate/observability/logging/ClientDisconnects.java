package io.goldgate.observability.logging;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.util.Set;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;

/**
 * Keeps a client that drops its connection mid-download out of the error log. Parquet readers do
 * that routinely (fsspec reads the bytes it wants of a file and closes the connection), and Vert.x
 * logs each failed write of a file over 1 MiB at ERROR with a stack trace, whatever handler the
 * connection has. Only those two messages of Vert.x's connection class are dropped; its other
 * errors, and every other logger, are untouched. The audit still records such a download as cut
 * short.
 */
@ApplicationScoped
public class ClientDisconnects {

  /** The Vert.x class that logs failed writes of a connection. */
  static final String LOGGER = "io.vertx.core.net.impl.ConnectionBase";

  /** What the kernel says when the peer has gone, as the JDK reports it. */
  private static final Set<String> GONE = Set.of("Broken pipe", "Connection reset by peer");

  /** Held here: the log manager keeps loggers only while something refers to them. */
  private Logger logger;

  void install(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
    logger = LogContext.getLogContext().getLogger(LOGGER);
    logger.setFilter(FILTER);
  }

  static final Filter FILTER = ClientDisconnects::isLoggable;

  /** False for a record about a peer that has gone; true for everything else. */
  static boolean isLoggable(LogRecord record) {
    Throwable thrown = record.getThrown();
    if (thrown instanceof IOException && GONE.contains(thrown.getMessage())) {
      return false;
    }
    return thrown != null || !GONE.contains(String.valueOf(record.getMessage()));
  }
}
