package io.goldgate.testing;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP trace receiver (protobuf over HTTP, as an OpenTelemetry Collector accepts it) on
 * a free port, decoding just enough of {@code ExportTraceServiceRequest} to see span names, kinds
 * and string/int attributes. It stands in for a collector, which cannot run here.
 */
public class OtlpReceiver implements QuarkusTestResourceLifecycleManager {

  /** One received span. */
  public record Span(String name, int kind, Map<String, Object> attributes) {}

  private static final List<Span> SPANS = new CopyOnWriteArrayList<>();
  private static final List<String> PATHS = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext("/", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        byte[] bytes = body.readAllBytes();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
          bytes = new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes();
        }
        PATHS.add(exchange.getRequestURI().getPath());
        if (exchange.getRequestURI().getPath().endsWith("/v1/traces")) {
          SPANS.addAll(decodeRequest(bytes));
        }
        exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, 0);
      } finally {
        exchange.close();
      }
    });
    server.start();
    return Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void stop() {
    if (server != null) server.stop(0);
  }

  public static List<Span> spans() {
    return List.copyOf(SPANS);
  }

  public static List<String> paths() {
    return List.copyOf(PATHS);
  }

  // ExportTraceServiceRequest{1: ResourceSpans{2: ScopeSpans{2: Span{5: name, 6: kind, 9: KeyValue}}}}
  static List<Span> decodeRequest(byte[] request) {
    List<Span> spans = new ArrayList<>();
    for (Field resourceSpans : Field.all(request)) {
      if (resourceSpans.number != 1) continue;
      for (Field scopeSpans : Field.all(resourceSpans.bytes)) {
        if (scopeSpans.number != 2) continue;
        for (Field span : Field.all(scopeSpans.bytes)) {
          if (span.number == 2) spans.add(decodeSpan(span.bytes));
        }
      }
    }
    return spans;
  }

  static Span decodeSpan(byte[] span) {
    String name = null;
    int kind = 0;
    Map<String, Object> attributes = new HashMap<>();
    for (Field field : Field.all(span)) {
      switch (field.number) {
        case 5 -> name = new String(field.bytes, StandardCharsets.UTF_8);
        case 6 -> kind = (int) field.varint;
        case 9 -> {
          String key = null;
          Object value = null;
          for (Field kv : Field.all(field.bytes)) {
            if (kv.number == 1) key = new String(kv.bytes, StandardCharsets.UTF_8);
            if (kv.number == 2) {
              for (Field any : Field.all(kv.bytes)) {
                if (any.number == 1) value = new String(any.bytes, StandardCharsets.UTF_8);
                if (any.number == 3) value = any.varint;
              }
            }
          }
          attributes.put(key, value);
        }
        default -> {}
      }
    }
    return new Span(name, kind, attributes);
  }

  /** One protobuf field: its number and either a varint or the bytes of a length-delimited value. */
  record Field(int number, long varint, byte[] bytes) {
    static List<Field> all(byte[] message) {
      List<Field> fields = new ArrayList<>();
      int[] at = {0};
      while (at[0] < message.length) {
        long tag = varint(message, at);
        int number = (int) (tag >>> 3);
        switch ((int) (tag & 7)) {
          case 0 -> fields.add(new Field(number, varint(message, at), null));
          case 1 -> at[0] += 8;
          case 2 -> {
            int length = (int) varint(message, at);
            byte[] value = java.util.Arrays.copyOfRange(message, at[0], at[0] + length);
            at[0] += length;
            fields.add(new Field(number, 0, value));
          }
          case 5 -> at[0] += 4;
          default -> throw new IllegalArgumentException("Unsupported protobuf wire type in tag " + tag);
        }
      }
      return fields;
    }

    static long varint(byte[] message, int[] at) {
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = message[at[0]++];
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) return value;
      }
    }
  }
}
