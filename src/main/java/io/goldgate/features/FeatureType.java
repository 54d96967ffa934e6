package io.goldgate.features;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;
import java.util.Set;

/**
 * Feast's value types (Int32, Int64, Float32, Float64, String, Bool, Bytes, UnixTimestamp), and
 * which Delta column types each can be read from.
 */
public enum FeatureType {
  INT32(Set.of("byte", "short", "integer")),
  INT64(Set.of("byte", "short", "integer", "long")),
  FLOAT32(Set.of("float")),
  FLOAT64(Set.of("float", "double", "decimal")),
  STRING(Set.of("string")),
  BOOL(Set.of("boolean")),
  BYTES(Set.of("binary")),
  UNIX_TIMESTAMP(Set.of("timestamp", "timestamp_ntz"));

  private final Set<String> deltaTypes;

  FeatureType(Set<String> deltaTypes) {
    this.deltaTypes = deltaTypes;
  }

  /** Accepts Feast's spellings ({@code Float64}, {@code UnixTimestamp}) as well as {@code FLOAT64}. */
  @JsonCreator
  public static FeatureType of(String name) {
    String key = name.replace("_", "").toUpperCase(Locale.ROOT);
    for (FeatureType t : values()) {
      if (t.name().replace("_", "").equals(key)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown type '" + name + "': use one of Int32, Int64, Float32, Float64, String, Bool, Bytes, UnixTimestamp");
  }

  /** Whether a Delta column of this type can feed the feature. */
  public boolean readableFrom(String deltaType) {
    String base = deltaType.toLowerCase(Locale.ROOT);
    if (base.startsWith("decimal")) {
      base = "decimal";
    }
    return deltaTypes.contains(base);
  }

  public String feastName() {
    return switch (this) {
      case INT32 -> "Int32";
      case INT64 -> "Int64";
      case FLOAT32 -> "Float32";
      case FLOAT64 -> "Float64";
      case STRING -> "String";
      case BOOL -> "Bool";
      case BYTES -> "Bytes";
      case UNIX_TIMESTAMP -> "UnixTimestamp";
    };
  }
}
