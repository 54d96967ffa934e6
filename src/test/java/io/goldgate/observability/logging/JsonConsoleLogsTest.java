package io.goldgate.observability.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.observability.TracingAndJsonLogsProfile;
import io.goldgate.testing.OtlpReceiver;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

/**
 * With {@code goldgate.log.json=true} the console handler Quarkus set up writes JSON lines. The
 * record goes through the installed handler's own formatter (what reaches stdout), captured here
 * by an extra handler on the same logger: the test process's stdout belongs to Maven.
 */
@QuarkusTest
@TestProfile(TracingAndJsonLogsProfile.class)
@WithTestResource(SampleLake.class)
@WithTestResource(OtlpReceiver.class)
class JsonConsoleLogsTest {

  static List<Formatter> consoleFormatters(Handler[] handlers) {
    List<Formatter> found = new ArrayList<>();
    for (Handler handler : handlers) {
      if (handler instanceof ConsoleHandler console) found.add(console.getFormatter());
      else if (handler instanceof ExtHandler nested) found.addAll(consoleFormatters(nested.getHandlers()));
    }
    return found;
  }

  @Test
  void givenJsonLogsOn_whenAnErrorIsLoggedWithMdc_thenTheConsoleLineIsOneJsonObjectWithLevelMessageLoggerAndTrace() throws Exception {
    List<Formatter> formatters = consoleFormatters(LogContext.getLogContext().getLogger("").getHandlers());
    assertFalse(formatters.isEmpty(), "Quarkus configured a console handler");
    assertTrue(formatters.stream().allMatch(f -> f instanceof JsonLogFormatter), formatters.toString());

    List<ExtLogRecord> captured = new ArrayList<>();
    Handler capture = new ExtHandler() {
      @Override
      protected void doPublish(ExtLogRecord record) {
        captured.add(record);
      }
    };
    org.jboss.logmanager.Logger target = LogContext.getLogContext().getLogger("io.goldgate.test.json");
    target.addHandler(capture);
    MDC.put("traceId", "0af7651916cd43dd8448eb211c80319c");
    try {
      Logger.getLogger("io.goldgate.test.json").errorf(new IllegalStateException("disk \"full\""), "Share %s failed:\nsee below", "retail");
    } finally {
      MDC.remove("traceId");
      target.removeHandler(capture);
    }
    assertEquals(1, captured.size());

    String line = formatters.get(0).format(captured.get(0));
    assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
    JsonNode json = new ObjectMapper().readTree(line);
    assertEquals("ERROR", json.get("level").asText());
    assertEquals("io.goldgate.test.json", json.get("logger").asText());
    assertEquals("Share retail failed:\nsee below", json.get("message").asText());
    assertEquals("0af7651916cd43dd8448eb211c80319c", json.get("traceId").asText());
    assertTrue(json.get("exception").asText().startsWith("java.lang.IllegalStateException: disk \"full\""), json.toString());
    assertTrue(json.get("timestamp").asText().endsWith("Z"), json.toString());
  }
}
