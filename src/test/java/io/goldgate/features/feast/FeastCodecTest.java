package io.goldgate.features.feast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.features.feast.FeastCodec.Kind;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every encoding against bytes produced by Feast 0.67 itself, and against what Feast's SDK really
 * wrote into Redis (src/test/python/feast/make_vectors.py regenerates the vectors).
 */
class FeastCodecTest {

  private static JsonNode vectors;
  private static final HexFormat HEX = HexFormat.of();

  @BeforeAll
  static void load() throws Exception {
    try (InputStream in = FeastCodecTest.class.getResourceAsStream("/feast/vectors.json")) {
      vectors = new ObjectMapper().readTree(in);
    }
  }

  static Kind kind(String type) {
    return switch (type) {
      case "int64" -> Kind.INT64;
      case "int32" -> Kind.INT32;
      case "string" -> Kind.STRING;
      case "bytes" -> Kind.BYTES;
      case "unix_timestamp" -> Kind.UNIX_TIMESTAMP;
      case "double" -> Kind.DOUBLE;
      case "float" -> Kind.FLOAT;
      case "bool" -> Kind.BOOL;
      default -> null;
    };
  }

  static Object value(Kind kind, JsonNode v) {
    return switch (kind) {
      case INT64 -> v.asLong();
      case INT32 -> v.asInt();
      case STRING -> v.asText();
      case BYTES -> HEX.parseHex(v.get("bytes_hex").asText());
      case UNIX_TIMESTAMP -> v.isNumber() ? Instant.ofEpochSecond(v.asLong()) : OffsetDateTime.parse(v.asText()).toInstant();
      case DOUBLE -> v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
      case FLOAT -> (float) v.asDouble();
      case BOOL -> v.asBoolean();
    };
  }

  /** A decoded Value: its kind and Java value, or null kind for an empty (missing) Value. */
  record Decoded(Kind kind, Object value) {
    static final Decoded EMPTY = new Decoded(null, null);

    static Decoded read(byte[] bytes) throws java.io.IOException {
      Decoded[] decoded = {EMPTY};
      FeastCodec.readValue(bytes, new FeastCodec.ValueSink() {
        @Override
        public void bytes(byte[] source, int offset, int length) {
          decoded[0] = new Decoded(Kind.BYTES, java.util.Arrays.copyOfRange(source, offset, offset + length));
        }

        @Override
        public void utf8(byte[] source, int offset, int length) {
          decoded[0] = new Decoded(Kind.STRING, new String(source, offset, length, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void int32(int value) {
          decoded[0] = new Decoded(Kind.INT32, value);
        }

        @Override
        public void int64(long value) {
          decoded[0] = new Decoded(Kind.INT64, value);
        }

        @Override
        public void float64(double value) {
          decoded[0] = new Decoded(Kind.DOUBLE, value);
        }

        @Override
        public void float32(float value) {
          decoded[0] = new Decoded(Kind.FLOAT, value);
        }

        @Override
        public void bool(boolean value) {
          decoded[0] = new Decoded(Kind.BOOL, value);
        }

        @Override
        public void unixTimestamp(long epochSeconds) {
          decoded[0] = new Decoded(Kind.UNIX_TIMESTAMP, epochSeconds);
        }
      });
      return decoded[0];
    }
  }

  @Test
  void entityKeysAreFeastsRedisKeys() {
    int checked = 0;
    for (JsonNode vector : vectors.get("entity_keys")) {
      List<FeastCodec.KeyPart> parts = new ArrayList<>();
      for (JsonNode k : vector.get("input").get("join_keys")) {
        Kind kind = kind(k.get("type").asText());
        parts.add(new FeastCodec.KeyPart(k.get("name").asText(), kind, value(kind, k.get("value"))));
      }
      byte[] key = FeastCodec.redisKey(parts, vector.get("input").get("project").asText());
      assertEquals(vector.get("hex").asText(), HEX.formatHex(key), vector.get("name").asText());
      checked++;
    }
    assertEquals(20, checked);
  }

  @Test
  void featureFieldsAreMurmur3OfViewColonFeature() {
    for (JsonNode vector : vectors.get("field_names")) {
      JsonNode in = vector.get("input");
      assertEquals(vector.get("hex").asText(), HEX.formatHex(FeastCodec.featureField(in.get("feature_view").asText(), in.get("feature").asText())),
          vector.get("name").asText());
    }
    for (JsonNode vector : vectors.get("ts_field_names")) {
      assertEquals(vector.get("hex").asText(), HEX.formatHex(FeastCodec.timestampField(vector.get("input").get("feature_view").asText())));
    }
  }

  @Test
  void timestampsAreProtobufTimestamps() {
    for (JsonNode vector : vectors.get("ts_values")) {
      Instant t = Instant.ofEpochSecond(vector.get("input").get("seconds").asLong(), vector.get("input").get("nanos").asLong());
      assertEquals(vector.get("hex").asText(), HEX.formatHex(FeastCodec.timestamp(t)), vector.get("name").asText());
      assertEquals(t, FeastCodec.readTimestamp(HEX.parseHex(vector.get("hex").asText())));
    }
  }

  @Test
  void scalarValuesEncodeAndDecodeAsFeastDoes() throws Exception {
    int checked = 0;
    for (JsonNode vector : vectors.get("values")) {
      String type = vector.get("input").get("type").asText();
      byte[] bytes = HEX.parseHex(vector.get("hex").asText());
      Kind kind = kind(type);
      if (type.startsWith("none")) {
        assertArrayEquals(bytes, FeastCodec.value(Kind.DOUBLE, null), "missing values are empty Values");
        assertEquals(Decoded.EMPTY, Decoded.read(bytes));
      } else if (type.equals("null")) {
        assertEquals(Decoded.EMPTY, Decoded.read(bytes), "null_val reads as missing");
      } else if (kind != null) {
        Object value = value(kind, vector.get("input").get("value"));
        assertEquals(vector.get("hex").asText(), HEX.formatHex(FeastCodec.value(kind, value)), vector.get("name").asText());
        Decoded decoded = Decoded.read(bytes);
        assertEquals(kind, decoded.kind(), vector.get("name").asText());
        if (kind == Kind.BYTES) {
          assertArrayEquals((byte[]) value, (byte[]) decoded.value());
        } else if (kind == Kind.UNIX_TIMESTAMP) {
          assertEquals(((Instant) value).getEpochSecond(), decoded.value());
        } else if (kind == Kind.DOUBLE && Double.isNaN((Double) value)) {
          assertTrue(Double.isNaN((Double) decoded.value()));
        } else {
          assertEquals(value, decoded.value(), vector.get("name").asText());
        }
        checked++;
      }
    }
    assertEquals(17, checked);
  }

  @Test
  void whatFeastWroteToRedisIsExactlyWhatGoldgateWouldWrite() {
    JsonNode dump = vectors.get("redis_dump");
    Map<String, Map<String, String>> expected = new HashMap<>();
    for (JsonNode key : dump.get("keys")) {
      Map<String, String> fields = new HashMap<>();
      key.get("fields").forEach(f -> fields.put(f.get("field_hex").asText(), f.get("value_hex").asText()));
      expected.put(key.get("key_hex").asText(), fields);
    }
    Map<String, Map<String, String>> ours = new HashMap<>();
    for (JsonNode row : dump.get("df_rows")) {
      byte[] key = FeastCodec.redisKey(List.of(new FeastCodec.KeyPart("customer_id", Kind.INT64, row.get("customer_id").asLong())), "goldgate");
      Map<String, String> fields = new HashMap<>();
      fields.put(HEX.formatHex(FeastCodec.timestampField("customer_stats")),
          HEX.formatHex(FeastCodec.timestamp(OffsetDateTime.parse(row.get("event_timestamp").asText()).toInstant())));
      fields.put(HEX.formatHex(FeastCodec.featureField("customer_stats", "lifetime_value")),
          HEX.formatHex(FeastCodec.value(Kind.DOUBLE, row.get("lifetime_value").asDouble())));
      fields.put(HEX.formatHex(FeastCodec.featureField("customer_stats", "orders_count")),
          HEX.formatHex(FeastCodec.value(Kind.INT64, row.get("orders_count").asLong())));
      ours.put(HEX.formatHex(key), fields);
    }
    assertEquals(expected, ours);
  }
}
