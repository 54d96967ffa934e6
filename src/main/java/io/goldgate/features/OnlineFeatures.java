package io.goldgate.features;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.features.FeatureDefsFile.FeatureDef;
import io.goldgate.features.FeatureRegistry.FeatureRef;
import io.goldgate.features.FeatureRegistry.FeatureView;
import io.goldgate.features.FeatureRegistry.JoinKey;
import io.goldgate.features.OnlineStore.ByteKey;
import io.goldgate.features.OnlineStore.FieldSet;
import io.goldgate.features.feast.FeastCodec;
import io.goldgate.redis.RedisUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Online feature lookups, in Feast's request and response shapes: column-oriented results with a
 * status and event time per value. All views of a request are read in one pipelined round trip,
 * and nothing waits for it: the answer is built when Redis replies.
 */
@ApplicationScoped
public class OnlineFeatures {

  static final String ZERO_TIME = "1970-01-01T00:00:00Z";

  /**
   * Below this many wanted fields per hash, HMGET; from it on, HGETALL when the wanted fields are
   * most of the hash. Redis searches a small (listpack) hash linearly for each HMGET field, so 51
   * fields cost it ~5x more than returning the whole hash.
   */
  static final int WHOLE_HASH_MIN_FIELDS = 8;

  private final Features features;
  private final OnlineStores stores;
  private final GoldgateConfig config;
  private final JsonFactory jsonFactory;
  private final Clock clock = Clock.systemUTC();
  /** Feature references as requested ("view:feature") to their resolved form; valid ones only. */
  private final Map<String, Resolved> resolved = new ConcurrentHashMap<>();
  /** The field sets of view groups, by the views' names. */
  private final Map<List<String>, GroupFields> groupFields = io.goldgate.BoundedCache.lru(1024);

  public OnlineFeatures(Features features, OnlineStores stores, GoldgateConfig config, ObjectMapper json) {
    this.features = features;
    this.stores = stores;
    this.config = config;
    this.jsonFactory = json.getFactory();
  }

  /** One requested feature, with everything serving needs precomputed. */
  private record Resolved(FeatureRef ref, FeatureView view, FeatureDef def, byte[] field) {}

  /**
   * The fields read for a group of views sharing one entity key: each view's event-time field,
   * then the requested features' fields.
   */
  private record GroupFields(FieldSet fields, boolean wholeHash) {}

  /** Views that share join keys share a Redis hash per entity, as in Feast. */
  private static final class Group {
    final List<JoinKey> joinKeys;
    final List<FeatureView> views = new ArrayList<>();
    final List<byte[]> keys = new ArrayList<>();
    int[] rowKey;

    Group(List<JoinKey> joinKeys) {
      this.joinKeys = joinKeys;
    }
  }

  /** Answers a request with the JSON bytes of Feast's response. */
  public CompletionStage<byte[]> get(JsonNode request) {
    FeatureRegistry registry = features.registry();
    List<Resolved> refs = requestedFeatures(request, registry);
    Map<List<JoinKey>, Group> groups = new LinkedHashMap<>();
    Map<String, JoinKey> needed = new LinkedHashMap<>();
    for (Resolved ref : refs) {
      Group group = groups.computeIfAbsent(ref.view().joinKeys(), Group::new);
      if (!group.views.contains(ref.view())) {
        group.views.add(ref.view());
      }
      ref.view().joinKeys().forEach(k -> needed.put(k.name(), k));
    }
    JsonNode entities = request.path("entities");
    int rows = entityRows(entities, needed);
    String project = config.features().project();
    for (Group group : groups.values()) {
      group.rowKey = new int[rows];
      Map<ByteKey, Integer> keyIndex = new HashMap<>();
      for (int r = 0; r < rows; r++) {
        List<FeastCodec.KeyPart> parts = new ArrayList<>(group.joinKeys.size());
        for (JoinKey key : group.joinKeys) {
          parts.add(new FeastCodec.KeyPart(key.name(), Materializer.kind(key.type()), keyValue(key, entities.get(key.name()).get(r))));
        }
        byte[] redisKey = FeastCodec.redisKey(parts, project);
        Integer known = keyIndex.putIfAbsent(new ByteKey(redisKey), group.keys.size());
        if (known == null) {
          group.rowKey[r] = group.keys.size();
          group.keys.add(redisKey);
        } else {
          group.rowKey[r] = known;
        }
      }
    }
    List<Group> groupList = new ArrayList<>(groups.values());
    List<GroupFields> fieldsOf = new ArrayList<>(groupList.size());
    List<CompletableFuture<byte[][][]>> reads = new ArrayList<>(groupList.size());
    for (Group group : groupList) {
      GroupFields fields = fields(group, refs, registry);
      fieldsOf.add(fields);
      try {
        reads.add(stores.store().read(group.keys, fields.fields(), fields.wholeHash()).toCompletableFuture());
      } catch (RedisUnavailableException e) {
        return CompletableFuture.failedFuture(unavailable(e));
      }
    }
    boolean full = request.path("full_feature_names").asBoolean(false);
    int rowCount = rows;
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .handle((ignored, failure) -> {
          if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            throw new CompletionException(cause instanceof RedisUnavailableException r ? unavailable(r) : cause);
          }
          List<byte[][][]> stored = reads.stream().map(CompletableFuture::join).toList();
          return render(request, entities, needed, refs, groupList, fieldsOf, stored, rowCount, full);
        });
  }

  private static GoldgateException unavailable(RedisUnavailableException e) {
    return new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "The online store is unavailable: " + e.getMessage());
  }

  private GroupFields fields(Group group, List<Resolved> refs, FeatureRegistry registry) {
    List<String> signature = new ArrayList<>();
    group.views.forEach(v -> signature.add("_ts:" + v.name()));
    for (Resolved ref : refs) {
      if (group.views.contains(ref.view())) {
        signature.add(ref.ref().toString());
      }
    }
    return groupFields.computeIfAbsent(signature, s -> {
      List<byte[]> fields = new ArrayList<>();
      group.views.forEach(v -> fields.add(FeastCodec.timestampField(v.name())));
      for (Resolved ref : refs) {
        if (group.views.contains(ref.view())) {
          fields.add(ref.field());
        }
      }
      // Everything Goldgate's views can put in this hash: if the wanted fields are most of it,
      // one HGETALL is cheaper for Redis than an HMGET of many fields.
      int hashSize = registry.views().values().stream()
          .filter(v -> v.joinKeys().equals(group.joinKeys))
          .mapToInt(v -> v.features().size() + 1)
          .sum();
      boolean whole = fields.size() >= WHOLE_HASH_MIN_FIELDS && fields.size() * 2 >= hashSize;
      return new GroupFields(FieldSet.of(fields), whole);
    });
  }

  private byte[] render(
      JsonNode request,
      JsonNode entities,
      Map<String, JoinKey> needed,
      List<Resolved> refs,
      List<Group> groups,
      List<GroupFields> fieldsOf,
      List<byte[][][]> stored,
      int rows,
      boolean full) {
    // A view's event time is the same for all its features in a row: decode and format it once.
    Map<FeatureView, Instant[]> eventTimes = new HashMap<>();
    Map<FeatureView, String[]> eventTimeText = new HashMap<>();
    for (int g = 0; g < groups.size(); g++) {
      Group group = groups.get(g);
      for (int v = 0; v < group.views.size(); v++) {
        Instant[] times = new Instant[rows];
        String[] texts = new String[rows];
        for (int r = 0; r < rows; r++) {
          byte[] ts = stored.get(g)[group.rowKey[r]][v];
          if (ts != null) {
            times[r] = FeastCodec.readTimestamp(ts);
            texts[r] = times[r].toString();
          }
        }
        eventTimes.put(group.views.get(v), times);
        eventTimeText.put(group.views.get(v), texts);
      }
    }
    Instant now = clock.instant();
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + rows * refs.size() * 48);
    try (JsonGenerator json = jsonFactory.createGenerator(out)) {
      json.writeStartObject();
      json.writeObjectFieldStart("metadata");
      json.writeArrayFieldStart("feature_names");
      for (String key : needed.keySet()) {
        json.writeString(key);
      }
      for (Resolved ref : refs) {
        json.writeString(full ? ref.view().name() + "__" + ref.def().name() : ref.def().name());
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeArrayFieldStart("results");
      for (String key : needed.keySet()) {
        json.writeStartObject();
        json.writeArrayFieldStart("values");
        for (JsonNode v : entities.get(key)) {
          json.writeTree(v);
        }
        json.writeEndArray();
        repeated(json, "statuses", "PRESENT", rows);
        repeated(json, "event_timestamps", ZERO_TIME, rows);
        json.writeEndObject();
      }
      for (Resolved ref : refs) {
        int g = groupOf(groups, ref.view());
        Group group = groups.get(g);
        int field = fieldsOf.get(g).fields().indexOf(ref.field());
        Instant[] times = eventTimes.get(ref.view());
        String[] texts = eventTimeText.get(ref.view());
        java.time.Duration ttl = ref.view().ttl();
        String[] statuses = new String[rows];
        json.writeStartObject();
        json.writeArrayFieldStart("values");
        for (int r = 0; r < rows; r++) {
          Instant eventTime = times[r];
          if (eventTime == null) {
            json.writeNull();
            statuses[r] = "NOT_FOUND";
            continue;
          }
          if (ttl != null && eventTime.plus(ttl).isBefore(now)) {
            json.writeNull();
            statuses[r] = "OUTSIDE_MAX_AGE";
            continue;
          }
          byte[] value = stored.get(g)[group.rowKey[r]][field];
          FeastCodec.Decoded decoded = value == null ? FeastCodec.Decoded.EMPTY : FeastCodec.readValue(value);
          if (decoded.kind() == null) {
            json.writeNull();
            statuses[r] = value == null ? "NOT_FOUND" : "NULL_VALUE";
          } else {
            writeValue(json, decoded);
            statuses[r] = "PRESENT";
          }
        }
        json.writeEndArray();
        json.writeArrayFieldStart("statuses");
        for (String status : statuses) {
          json.writeString(status);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("event_timestamps");
        for (int r = 0; r < rows; r++) {
          json.writeString(texts[r] == null ? ZERO_TIME : texts[r]);
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int groupOf(List<Group> groups, FeatureView view) {
    for (int g = 0; g < groups.size(); g++) {
      if (groups.get(g).views.contains(view)) return g;
    }
    throw new IllegalStateException("view " + view.name() + " in no group");
  }

  private static void repeated(JsonGenerator json, String name, String value, int n) throws IOException {
    json.writeArrayFieldStart(name);
    for (int i = 0; i < n; i++) {
      json.writeString(value);
    }
    json.writeEndArray();
  }

  private static void writeValue(JsonGenerator json, FeastCodec.Decoded decoded) throws IOException {
    switch (decoded.kind()) {
      case BYTES -> json.writeString(Base64.getEncoder().encodeToString((byte[]) decoded.value()));
      case UNIX_TIMESTAMP -> json.writeString(Instant.ofEpochSecond((Long) decoded.value()).toString());
      case STRING -> json.writeString((String) decoded.value());
      case INT32 -> json.writeNumber((Integer) decoded.value());
      case INT64 -> json.writeNumber((Long) decoded.value());
      case DOUBLE -> json.writeNumber((Double) decoded.value());
      case FLOAT -> json.writeNumber((Float) decoded.value());
      case BOOL -> json.writeBoolean((Boolean) decoded.value());
    }
  }

  /** Checks the entity columns against the join keys of the requested views; returns the row count. */
  private int entityRows(JsonNode entities, Map<String, JoinKey> needed) {
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
    return rows;
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

  private List<Resolved> requestedFeatures(JsonNode request, FeatureRegistry registry) {
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
      return service.features().stream().map(ref -> resolve(ref.toString(), registry)).toList();
    }
    JsonNode list = request.get("features");
    if (!list.isArray() || list.isEmpty()) {
      throw GoldgateException.invalid("'features' must be a non-empty list of view:feature");
    }
    Set<String> seen = new LinkedHashSet<>();
    List<Resolved> refs = new ArrayList<>(list.size());
    for (JsonNode f : list) {
      String text = f.asText();
      if (!f.isTextual() || text.indexOf(':') <= 0) {
        throw GoldgateException.invalid("Feature '" + text + "' must be written view:feature");
      }
      if (seen.add(text)) {
        refs.add(resolve(text, registry));
      }
    }
    return refs;
  }

  private Resolved resolve(String text, FeatureRegistry registry) {
    Resolved known = resolved.get(text);
    if (known != null) {
      return known;
    }
    FeatureRef ref = FeatureRef.parse(text);
    FeatureView view = registry.views().get(ref.view());
    FeatureDef def = view == null ? null : view.feature(ref.feature()).orElse(null);
    if (def == null) {
      throw GoldgateException.invalid("Unknown feature '" + ref + "'");
    }
    Resolved fresh = new Resolved(ref, view, def, FeastCodec.featureField(view.name(), def.name()));
    resolved.put(text, fresh);
    return fresh;
  }
}
