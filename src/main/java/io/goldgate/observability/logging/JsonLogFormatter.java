package io.goldgate.observability.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtLogRecord;

/**
 * One JSON object per log record, one line each: {@code timestamp} (ISO-8601, UTC), {@code level},
 * {@code logger}, {@code message}, {@code thread}, then every MDC entry (OpenTelemetry puts
 * {@code traceId} and {@code spanId} there) and {@code exception} with the stack trace.
 */
public final class JsonLogFormatter extends ExtFormatter {

  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public String format(ExtLogRecord record) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("timestamp", Instant.ofEpochMilli(record.getMillis()).toString());
      json.writeStringField("level", record.getLevel().getName());
      json.writeStringField("logger", record.getLoggerName());
      json.writeStringField("message", record.getFormattedMessage());
      json.writeStringField("thread", record.getThreadName());
      Map<String, String> mdc = record.getMdcCopy();
      for (Map.Entry<String, String> entry : mdc.entrySet()) {
        if (!isReserved(entry.getKey())) {
          json.writeStringField(entry.getKey(), entry.getValue());
        }
      }
      Throwable thrown = record.getThrown();
      if (thrown != null) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        json.writeStringField("exception", trace.toString());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.append('\n').toString();
  }

  private static boolean isReserved(String key) {
    return switch (key) {
      case "timestamp", "level", "logger", "message", "thread", "exception" -> true;
      default -> false;
    };
  }
}
