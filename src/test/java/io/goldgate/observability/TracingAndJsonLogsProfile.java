package io.goldgate.observability;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Tracing on, exported over OTLP/HTTP every 50 ms, and JSON console logs: what an operator turns on. */
public class TracingAndJsonLogsProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "quarkus.otel.sdk.disabled", "false",
        "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
        "quarkus.otel.bsp.schedule.delay", "50ms",
        "goldgate.log.json", "true");
  }
}
