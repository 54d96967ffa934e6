package io.goldgate.sharing;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code delta-sharing-capabilities} header: {@code key=v1,v2;key2=v3}, case-insensitive.
 */
public record Capabilities(Map<String, List<String>> values) {

  public static final String HEADER = "delta-sharing-capabilities";

  public static Capabilities parse(String header) {
    Map<String, List<String>> values = new HashMap<>();
    if (header != null) {
      for (String part : header.split(";")) {
        int eq = part.indexOf('=');
        if (eq <= 0) continue;
        String key = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        List<String> vals =
            List.of(part.substring(eq + 1).split(",")).stream().map(v -> v.strip().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty()).toList();
        values.put(key, vals);
      }
    }
    return new Capabilities(Map.copyOf(values));
  }

  public List<String> get(String key) {
    return values.getOrDefault(key.toLowerCase(Locale.ROOT), List.of());
  }

  /** Whether the client wants an {@code EndStreamAction} closing every query response. */
  public boolean includeEndStreamAction() {
    return get("includeendstreamaction").contains("true");
  }

  /** Whether the client can run the query asynchronously and poll for it. */
  public boolean asyncQuery() {
    return get("asyncquery").contains("true");
  }

  /** The response formats the client accepts; none named means parquet, the protocol default. */
  public List<String> responseFormats() {
    List<String> formats = get("responseformat");
    return formats.isEmpty() ? List.of("parquet") : formats;
  }
}
