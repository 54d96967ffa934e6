package io.goldgate.observability.logging;

import io.goldgate.config.GoldgateConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * Switches the console to {@link JsonLogFormatter} when {@code goldgate.log.json} is set, before
 * any other start-up observer logs. Quarkus' own JSON logging extension is not available to this
 * build, so the formatter of the console handler Quarkus configured is replaced in place (level,
 * async mode and filters stay as configured).
 */
@ApplicationScoped
public class JsonConsoleLogs {

  private final GoldgateConfig config;

  public JsonConsoleLogs(GoldgateConfig config) {
    this.config = config;
  }

  void install(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
    if (config.log().json()) {
      useOnConsole(new JsonLogFormatter());
    }
  }

  /** Sets the formatter of every console handler under the root logger; returns how many. */
  static int useOnConsole(Formatter formatter) {
    return useOnConsole(LogContext.getLogContext().getLogger("").getHandlers(), formatter);
  }

  private static int useOnConsole(Handler[] handlers, Formatter formatter) {
    int found = 0;
    for (Handler handler : handlers) {
      if (handler instanceof ConsoleHandler console) {
        console.setFormatter(formatter);
        found++;
      } else if (handler instanceof ExtHandler nested) {
        // Quarkus wraps the console in delayed and async handlers.
        found += useOnConsole(nested.getHandlers(), formatter);
      }
    }
    return found;
  }
}
