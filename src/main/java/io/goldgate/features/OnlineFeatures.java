package io.goldgate.features;

import com.fasterxml.jackson.databind.JsonNode;
import io.goldgate.GoldgateException;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.features.FeatureDefsFile.FeatureDef;
import io.goldgate.features.FeatureRegistry.FeatureRef;
import io.goldgate.features.FeatureRegistry.FeatureView;
import io.goldgate.features.FeatureRegistry.JoinKey;
import io.goldgate.features.OnlineStore.ByteKey;
import io.goldgate.features.feast.FeastCodec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Online feature lookups, in Feast's request and response shapes: column-oriented results with a
 * status and event time per value. All views of a request are read in one pipelined round trip.
 */
@ApplicationScoped
public class OnlineFeatures {

  static final String ZERO_TIME = "1970-01-01T00:00:00Z";

  /** One result column: values, statuses and event times, one per entity row. */
  public record Column(List<Object> values, List<String> statuses, List<String> event_timestamps) {}

  public record Response(Map<String, List<String>> metadata, List<Column> results) {}

  private final Features features;
  private final OnlineStores stores;
  private final GoldgateConfig config;
  private final Clock clock = Clock.systemUTC();

  public OnlineFeatures(Features features, OnlineStores stores, GoldgateConfig config) {
    this.features = features;
    this.stores = stores;
    this.config = config;
  }

  public Response get(JsonNode request) {
    FeatureRegistry registry = features.registry();
    List<FeatureRef> refs = requestedFeatures(request, registry);
    Map<String, FeatureView> views = new LinkedHashMap<>();
    for (FeatureRef ref : refs) {
      FeatureView view = registry.views().get(ref.view());
      if (view == null || view.feature(ref.feature()).isEmpty()) {
        throw GoldgateException.invalid("Unknown feature '" + ref + "'");
      }
      views.put(view.name(), view);
    }
    Map<String, JoinKey> needed = new LinkedHashMap<>();
    views.values().forEach(v -> v.joinKeys().forEach(k -> needed.put(k.name(), k)));
    JsonNode entities = request.path("entities");
    if (!entities.isObject() || entities.isEmpty()) {
      throw GoldgateException.invalid("'entities' must map each join key to a list of values");
    }
    int rows = -1;
    for (var it = entities.fields(); it.hasNext(); ) {
      var entry = it.next();
      if (!needed.containsKey(entry.getKey())) {
        throw GoldgateException.invalid("Unknown entity key '" + entry.getKey() + "': the requested features are keyed by " + needed.keySet());
      }
      if (!entry.getValue().isArray()) {
        throw GoldgateException.invalid("Entity key '" + entry.getKey() + "' must be a list of values");
      }
      if (rows >= 0 && entry.getValue().size() != rows) {
        throw GoldgateException.invalid("All entity key lists must have the same length");
      }
      rows = entry.getValue().size();
    }
    for (String key : needed.keySet()) {
      if (!entities.has(key)) {
        throw GoldgateException.invalid("Missing entity key '" + key + "'");
      }
    }
    if (rows == 0) {
      throw GoldgateException.invalid("The request has no entity rows");
    }
    if (rows > config.features().maxEntities()) {
      throw GoldgateException.invalid("The request has " + rows + " entity rows; at most " + config.features().maxEntities() + " are allowed");
    }
    // One Redis key per (row, join-key set); views sharing join keys share a hash, as in Feast.
    String project = config.features().project();
    List<byte[]> keys = new ArrayList<>();
    Map<ByteKey, Integer> keyIndex = new LinkedHashMap<>();
    int[][] rowKey = new int[views.size()][rows];
    List<FeatureView> viewList = new ArrayList<>(views.values());
    for (int v = 0; v < viewList.size(); v++) {
      for (int r = 0; r < rows; r++) {
        List<FeastCodec.KeyPart> parts = new ArrayList<>();
        for (JoinKey key : viewList.get(v).joinKeys()) {
          parts.add(new FeastCodec.KeyPart(key.name(), Materializer.kind(key.type()), keyValue(key, entities.get(key.name()).get(r))));
        }
        byte[] redisKey = FeastCodec.redisKey(parts, project);
        rowKey[v][r] = keyIndex.computeIfAbsent(new ByteKey(redisKey), k -> {
          keys.add(redisKey);
          return keys.size() - 1;
        });
      }
    }
    List<byte[]> fields = new ArrayList<>();
    Map<String, Integer> fieldIndex = new LinkedHashMap<>();
    for (FeatureView view : viewList) {
      fieldIndex.put("_ts:" + view.name(), fields.size());
      fields.add(FeastCodec.timestampField(view.name()));
    }
    for (FeatureRef ref : refs) {
      fieldIndex.computeIfAbsent(ref.toString(), k -> {
        fields.add(FeastCodec.featureField(ref.view(), ref.feature()));
        return fields.size() - 1;
      });
    }
    List<List<byte[]>> stored;
    try {
      stored = stores.store().read(keys, fields);
    } catch (io.goldgate.redis.RedisUnavailableException e) {
      throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "The online store is unavailable: " + e.getMessage());
    }
    boolean full = request.path("full_feature_names").asBoolean(false);
    List<String> names = new ArrayList<>(needed.keySet().stream().filter(entities::has).toList());
    List<Column> results = new ArrayList<>();
    for (String key : names) {
      List<Object> values = new ArrayList<>();
      entities.get(key).forEach(v -> values.add(v.isNumber() ? v.numberValue() : v.asText()));
      results.add(new Column(values, repeat("PRESENT", rows), repeat(ZERO_TIME, rows)));
    }
    // A view's event time is the same for all its features in a row: decode and format it once.
    Instant[][] eventTimes = new Instant[viewList.size()][rows];
    String[][] eventTimeText = new String[viewList.size()][rows];
    for (int v = 0; v < viewList.size(); v++) {
      int tsField = fieldIndex.get("_ts:" + viewList.get(v).name());
      for (int r = 0; r < rows; r++) {
        byte[] ts = stored.get(rowKey[v][r]).get(tsField);
        if (ts != null) {
          eventTimes[v][r] = FeastCodec.readTimestamp(ts);
          eventTimeText[v][r] = eventTimes[v][r].toString();
        }
      }
    }
    Instant now = clock.instant();
    for (FeatureRef ref : refs) {
      names.add(full ? ref.view() + "__" + ref.feature() : ref.feature());
      int v = viewList.indexOf(views.get(ref.view()));
      FeatureView view = viewList.get(v);
      FeatureDef def = view.feature(ref.feature()).orElseThrow();
      Duration ttl = view.ttl();
      int valueField = fieldIndex.get(ref.toString());
      List<Object> values = new ArrayList<>(rows);
      List<String> statuses = new ArrayList<>(rows);
      List<String> times = new ArrayList<>(rows);
      for (int r = 0; r < rows; r++) {
        byte[] value = stored.get(rowKey[v][r]).get(valueField);
        Instant eventTime = eventTimes[v][r];
        if (eventTime == null) {
          values.add(null);
          statuses.add("NOT_FOUND");
          times.add(ZERO_TIME);
          continue;
        }
        times.add(eventTimeText[v][r]);
        if (ttl != null && eventTime.plus(ttl).isBefore(now)) {
          values.add(null);
          statuses.add("OUTSIDE_MAX_AGE");
          continue;
        }
        FeastCodec.Decoded decoded = value == null ? FeastCodec.Decoded.EMPTY : FeastCodec.readValue(value);
        if (decoded.kind() == null) {
          values.add(null);
          statuses.add(value == null ? "NOT_FOUND" : "NULL_VALUE");
        } else {
          values.add(json(decoded, def.type()));
          statuses.add("PRESENT");
        }
      }
      results.add(new Column(values, statuses, times));
    }
    return new Response(Map.of("feature_names", names), results);
  }

  private static List<String> repeat(String s, int n) {
    return java.util.Collections.nCopies(n, s);
  }

  private static Object json(FeastCodec.Decoded decoded, FeatureType type) {
    return switch (decoded.kind()) {
      case BYTES -> Base64.getEncoder().encodeToString((byte[]) decoded.value());
      case UNIX_TIMESTAMP -> Instant.ofEpochSecond((Long) decoded.value()).toString();
      default -> decoded.value();
    };
  }

  private static Object keyValue(JoinKey key, JsonNode value) {
    switch (key.type()) {
      case INT64, INT32 -> {
        if (!value.isIntegralNumber()) {
          throw GoldgateException.invalid("Entity key '" + key.name() + "' takes whole numbers (" + key.type().feastName() + "), got " + value);
        }
        return key.type() == FeatureType.INT32 ? (Object) value.intValue() : (Object) value.longValue();
      }
      case STRING -> {
        if (!value.isTextual()) {
          throw GoldgateException.invalid("Entity key '" + key.name() + "' takes strings, got " + value);
        }
        return value.asText();
      }
      default -> throw GoldgateException.invalid("Entity key '" + key.name() + "' has an unsupported type " + key.type().feastName());
    }
  }

  private static List<FeatureRef> requestedFeatures(JsonNode request, FeatureRegistry registry) {
    boolean hasList = request.has("features");
    boolean hasService = request.has("feature_service");
    if (hasList == hasService) {
      throw GoldgateException.invalid("Give exactly one of 'features' (a list of view:feature) and 'feature_service'");
    }
    if (hasService) {
      var service = registry.services().get(request.get("feature_service").asText());
      if (service == null) {
        throw GoldgateException.invalid("Unknown feature service '" + request.get("feature_service").asText() + "'");
      }
      return service.features();
    }
    JsonNode list = request.get("features");
    if (!list.isArray() || list.isEmpty()) {
      throw GoldgateException.invalid("'features' must be a non-empty list of view:feature");
    }
    Set<FeatureRef> refs = new LinkedHashSet<>();
    for (JsonNode f : list) {
      String text = f.asText();
      if (!f.isTextual() || text.indexOf(':') <= 0) {
        throw GoldgateException.invalid("Feature '" + text + "' must be written view:feature");
      }
      refs.add(FeatureRef.parse(text));
    }
    return List.copyOf(refs);
  }
}
