package io.goldgate.features;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.BoundedCache;
import io.goldgate.CompletionFailures;
import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.ShareCatalog;
import io.goldgate.catalog.SharedTable;
import io.goldgate.catalog.TableName;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.features.FeatureDefsFile.FeatureDef;
import io.goldgate.features.FeatureRegistry.FeatureRef;
import io.goldgate.features.FeatureRegistry.FeatureView;
import io.goldgate.features.FeatureRegistry.JoinKey;
import io.goldgate.features.OnlineStore.ByteKey;
import io.goldgate.features.feast.FeastCodec;
import io.goldgate.redis.RedisUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;

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

  /** Response size estimate: a typical value with its status and event time, in JSON. */
  private static final int VALUE_SIZE = 52;
  private static final int COLUMN_OVERHEAD = 80;
  private static final int RESPONSE_OVERHEAD = 512;

  private static final SerializableString PRESENT = new SerializedString("PRESENT");
  private static final SerializableString NULL_VALUE = new SerializedString("NULL_VALUE");
  private static final SerializableString NOT_FOUND = new SerializedString("NOT_FOUND");
  private static final SerializableString OUTSIDE_MAX_AGE = new SerializedString("OUTSIDE_MAX_AGE");
  private static final SerializableString ZERO = new SerializedString(ZERO_TIME);
  private static final byte[] JSON_NULL = "null".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NOTHING = new byte[0];
  /** A packed column up to this many bytes goes through the generator's buffer (8,000 bytes). */
  private static final int SMALL_COLUMN = 2048;
  private static final byte[] COLUMN_VALUES = "{\"values\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COLUMN_STATUSES = "],\"statuses\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COLUMN_EVENT_TIMESTAMPS = "],\"event_timestamps\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COLUMN_END = "]}".getBytes(StandardCharsets.US_ASCII);

  private final CatalogHolder catalog;
  private final Features features;
  private final OnlineStores stores;
  private final GoldgateConfig config;
  private final JsonFactory jsonFactory;
  private final Clock clock = Clock.systemUTC();
  /** The heap that cached plans may take, keys (the requests' feature lists) included. */
  static final long PLAN_CACHE_BYTES = 16L << 20;
  /**
   * Plans by what a request asks for (its feature list, or its feature service). Only valid
   * requests are planned, and the cache is bounded in entries and in bytes, so neither many odd
   * feature lists nor a few long ones can grow it.
   */
  private final BoundedCache<Object, Plan> plans = BoundedCache.weighed(1024, PLAN_CACHE_BYTES, OnlineFeatures::planBytes);

  public OnlineFeatures(Features features, OnlineStores stores, GoldgateConfig config, ObjectMapper json, CatalogHolder catalog) {
    this.catalog = catalog;
    this.features = features;
    this.stores = stores;
    this.config = config;
    this.jsonFactory = json.getFactory();
  }

  /**
   * Views sharing join keys share a Redis hash per entity, as in Feast: one read per group.
   * {@code scopeFields[v]} is where the {@link RowScope} of view {@code v} is read, -1 for views
   * whose table restricts no rows.
   */
  private record Group(List<JoinKey> joinKeys, List<FeatureView> views, FieldSet fields, boolean wholeHash, int[] scopeFields, int[] packedSlots) {

    /**
     * A view in the packed layout is a group of its own, read with MGET; {@code packedSlots} says
     * what each of {@code fields}' positions takes from its values (see {@link PackedValue#decode}).
     */
    Group(List<JoinKey> joinKeys, List<FeatureView> views, FieldSet fields, boolean wholeHash, int[] scopeFields) {
      this(joinKeys, views, fields, wholeHash, scopeFields, null);
    }
  }

  /** One requested feature: where its value and its view's event time are in the read rows. */
  private record Column(FeatureView view, FeatureDef def, int group, int viewInGroup, int field, SerializableString name, SerializableString fullName) {}

  /** Everything about a request that does not depend on its entities, worked out once. */
  private record Plan(List<Group> groups, List<Column> columns, Map<String, JoinKey> joinKeys, List<ViewGrant> grants) {}

  /**
   * What deciding a recipient's access to one requested view needs, resolved once per plan: the
   * shared table it reads (null for a bare location, or a table the catalog does not share) and its
   * requested features.
   */
  private record ViewGrant(FeatureView view, SharedTable table, List<String> features) {}

  /**
   * Answers a request: writes Feast's response JSON to the stream {@code output} opens, given an
   * estimate of the response size in bytes, and completes with that stream. Writing straight into
   * the caller's buffer spares two copies of responses that reach hundreds of kilobytes.
   */
  public <S extends OutputStream> CompletionStage<S> get(JsonNode request, Recipient recipient, IntFunction<S> output) {
    FeatureRegistry registry = features.registry();
    Plan plan = plan(request, registry);
    Map<FeatureView, byte[]> scopes = requireReadable(plan, recipient, registry);
    JsonNode entities = request.path("entities");
    int rows = entityRows(entities, plan.joinKeys());
    String project = config.features().project();
    List<int[]> rowKeys = new ArrayList<>(plan.groups().size());
    // Per group, what its read completes with: byte[][][] (hash rows) or PackedValue.Row[].
    List<CompletableFuture<?>> reads = new ArrayList<>(plan.groups().size());
    for (Group group : plan.groups()) {
      int[] rowKey = new int[rows];
      List<byte[]> keys = new ArrayList<>(rows);
      Map<ByteKey, Integer> keyIndex = HashMap.newHashMap(rows);
      for (int r = 0; r < rows; r++) {
        List<FeastCodec.KeyPart> parts = new ArrayList<>(group.joinKeys().size());
        for (JoinKey key : group.joinKeys()) {
          parts.add(new FeastCodec.KeyPart(key.name(), Materializer.kind(key.type()), keyValue(key, entities.get(key.name()).get(r))));
        }
        byte[] redisKey = FeastCodec.redisKey(parts, project);
        Integer known = keyIndex.putIfAbsent(new ByteKey(redisKey), keys.size());
        rowKey[r] = known == null ? keys.size() : known;
        if (known == null) {
          keys.add(redisKey);
        }
      }
      rowKeys.add(rowKey);
      try {
        if (group.packedSlots() != null) {
          String view = group.views().get(0).name();
          keys.replaceAll(key -> PackedValue.key(key, view));
          reads.add(stores.store().readPacked(keys, group.packedSlots()).toCompletableFuture());
        } else {
          reads.add(stores.store().read(keys, group.fields(), group.wholeHash()).toCompletableFuture());
        }
      } catch (RedisUnavailableException e) {
        return CompletableFuture.failedFuture(unavailable(e));
      }
    }
    boolean full = request.path("full_feature_names").asBoolean(false);
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .handle((ignored, failure) -> {
          if (failure != null) {
            Throwable cause = CompletionFailures.unwrap(failure);
            throw new CompletionException(cause instanceof RedisUnavailableException r ? unavailable(r) : cause);
          }
          List<Object> stored = new ArrayList<>(reads.size());
          reads.forEach(read -> stored.add(read.join()));
          S out = output.apply(RESPONSE_OVERHEAD + plan.columns().size() * (COLUMN_OVERHEAD + rows * VALUE_SIZE));
          render(plan, entities, rowKeys, stored, rows, full, scopes, out);
          return out;
        });
  }

  /**
   * Every requested feature must be readable by the recipient, before anything is read.
   *
   * @return the row scope the recipient may see of each view whose table restricts its rows; null
   *     when there is none
   */
  private Map<FeatureView, byte[]> requireReadable(Plan plan, Recipient recipient, FeatureRegistry registry) {
    Map<FeatureView, byte[]> scopes = null;
    for (ViewGrant grant : plan.grants()) {
      byte[] scope = FeatureAccess.requireReadable(recipient, registry, grant.view(), grant.table(), grant.features());
      if (scope != null) {
        if (scopes == null) {
          scopes = new IdentityHashMap<>();
        }
        scopes.put(grant.view(), scope);
      }
    }
    return scopes;
  }

  private static GoldgateException unavailable(RedisUnavailableException e) {
    return new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "The online store is unavailable: " + e.getMessage());
  }

  private void render(
      Plan plan, JsonNode entities, List<int[]> rowKeys, List<Object> stored, int rows, boolean full, Map<FeatureView, byte[]> scopes, OutputStream out) {
    // A view's event times are the same in all of its columns: decoded once, and written once as
    // the JSON of the whole event_timestamps list, which each column then copies.
    List<Instant[][]> eventTimes = new ArrayList<>(plan.groups().size());
    List<byte[][]> eventTimeLists = new ArrayList<>(plan.groups().size());
    for (int g = 0; g < plan.groups().size(); g++) {
      Group group = plan.groups().get(g);
      int views = group.views().size();
      Instant[][] times = new Instant[views][rows];
      byte[][] lists = new byte[views][];
      for (int v = 0; v < views; v++) {
        // An entity whose newest row lies outside the recipient's rows reads as never stored.
        byte[] scope = scopes == null ? null : scopes.get(group.views().get(v));
        StringBuilder list = new StringBuilder(rows * (ZERO_TIME.length() + 8));
        for (int r = 0; r < rows; r++) {
          if (group.packedSlots() != null) {
            PackedValue.Row entity = ((PackedValue.Row[]) stored.get(g))[rowKeys.get(g)[r]];
            if (entity != null && (scope == null || entity.slotEquals(group.scopeFields()[v], scope))) {
              times[v][r] = entity.eventTime();
            }
          } else {
            byte[][] entity = ((byte[][][]) stored.get(g))[rowKeys.get(g)[r]];
            byte[] ts = entity[v];
            if (ts != null && (scope == null || Arrays.equals(scope, entity[group.scopeFields()[v]]))) {
              times[v][r] = FeastCodec.readTimestamp(ts);
            }
          }
          // ISO-8601 instants are plain ASCII: nothing to escape
          list.append(r == 0 ? "\"" : ",\"").append(times[v][r] == null ? ZERO_TIME : times[v][r].toString()).append('"');
        }
        lists[v] = list.toString().getBytes(StandardCharsets.US_ASCII);
      }
      eventTimes.add(times);
      eventTimeLists.add(lists);
    }
    // Every join-key column, and most feature columns, have all of their statuses PRESENT.
    byte[] allPresent = repeatedList(PRESENT, rows);
    byte[] joinKeyTimes = repeatedList(ZERO, rows);
    Instant now = clock.instant();
    try (JsonGenerator json = jsonFactory.createGenerator(out)) {
      FeastJson.Values values = new FeastJson.Values(json);
      RawJson raw = new RawJson();
      json.writeStartObject();
      json.writeObjectFieldStart("metadata");
      json.writeArrayFieldStart("feature_names");
      for (String key : plan.joinKeys().keySet()) {
        json.writeString(key);
      }
      for (Column column : plan.columns()) {
        json.writeString(full ? column.fullName() : column.name());
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeArrayFieldStart("results");
      for (String key : plan.joinKeys().keySet()) {
        json.writeStartObject();
        json.writeArrayFieldStart("values");
        for (JsonNode v : entities.get(key)) {
          json.writeTree(v);
        }
        json.writeEndArray();
        rawArray(json, raw, "statuses", allPresent);
        rawArray(json, raw, "event_timestamps", joinKeyTimes);
        json.writeEndObject();
      }
      SerializableString[] statuses = new SerializableString[rows];
      ColumnBytes built = new ColumnBytes(rows * VALUE_SIZE + COLUMN_OVERHEAD);
      for (Column column : plan.columns()) {
        int[] rowKey = rowKeys.get(column.group());
        Instant[] times = eventTimes.get(column.group())[column.viewInGroup()];
        Duration ttl = column.view().ttl();
        if (plan.groups().get(column.group()).packedSlots() != null) {
          packedColumn(column, (PackedValue.Row[]) stored.get(column.group()), rowKey, times, ttl, now, rows, allPresent,
              eventTimeLists.get(column.group())[column.viewInGroup()], statuses, built);
          if (built.length() <= SMALL_COLUMN) {
            json.writeRawValue(raw.of(built.bytes(), built.length()));
          } else {
            // Past the generator's buffer it would take a copy of exactly this length first: the
            // separator goes through the generator, the column straight to the stream.
            json.writeRawValue(raw.of(NOTHING));
            json.flush();
            out.write(built.bytes(), 0, built.length());
          }
          continue;
        }
        byte[][][] group = (byte[][][]) stored.get(column.group());
        json.writeStartObject();
        json.writeArrayFieldStart("values");
        for (int r = 0; r < rows; r++) {
          if (times[r] == null) {
            json.writeNull();
            statuses[r] = NOT_FOUND;
          } else if (ttl != null && times[r].plus(ttl).isBefore(now)) {
            json.writeNull();
            statuses[r] = OUTSIDE_MAX_AGE;
          } else {
            byte[] value = group[rowKey[r]][column.field()];
            if (value == null) {
              json.writeNull();
              statuses[r] = NOT_FOUND;
            } else if (FeastCodec.readValue(value, values)) {
              statuses[r] = PRESENT;
            } else {
              json.writeNull();
              statuses[r] = NULL_VALUE;
            }
          }
        }
        json.writeEndArray();
        if (allOf(statuses, PRESENT)) {
          rawArray(json, raw, "statuses", allPresent);
        } else {
          json.writeArrayFieldStart("statuses");
          for (SerializableString status : statuses) {
            json.writeString(status);
          }
          json.writeEndArray();
        }
        rawArray(json, raw, "event_timestamps", eventTimeLists.get(column.group())[column.viewInGroup()]);
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A packed view's column, as the bytes of its whole JSON object: its values are stored as their
   * JSON, and everything else in the object is already rendered, so no generator is involved.
   */
  private static void packedColumn(
      Column column, PackedValue.Row[] group, int[] rowKey, Instant[] times, Duration ttl, Instant now, int rows, byte[] allPresent, byte[] eventTimes,
      SerializableString[] statuses, ColumnBytes out) {
    out.reset();
    out.add(COLUMN_VALUES);
    int p = column.field();
    for (int r = 0; r < rows; r++) {
      if (r > 0) {
        out.add((byte) ',');
      }
      // A time means the entity's value was read (and is in the recipient's rows).
      PackedValue.Row entity = times[r] == null ? null : group[rowKey[r]];
      if (entity == null) {
        statuses[r] = NOT_FOUND;
      } else if (ttl != null && times[r].plus(ttl).isBefore(now)) {
        statuses[r] = OUTSIDE_MAX_AGE;
      } else {
        int start = entity.starts()[p];
        int length = entity.lengths()[p];
        statuses[r] = start < 0 ? NOT_FOUND : length == 0 ? NULL_VALUE : PRESENT;
        if (statuses[r] == PRESENT) {
          out.add(entity.bytes(), start, length);
          continue;
        }
      }
      out.add(JSON_NULL);
    }
    out.add(COLUMN_STATUSES);
    if (allOf(statuses, PRESENT)) {
      out.add(allPresent);
    } else {
      for (int r = 0; r < rows; r++) {
        if (r > 0) {
          out.add((byte) ',');
        }
        // A status needs no escaping; SerializedString keeps its bytes.
        out.add((byte) '"');
        out.add(statuses[r].asUnquotedUTF8());
        out.add((byte) '"');
      }
    }
    out.add(COLUMN_EVENT_TIMESTAMPS);
    out.add(eventTimes);
    out.add(COLUMN_END);
  }

  /** Bytes collected without a lock per write, unlike ByteArrayOutputStream's: a column makes hundreds. */
  private static final class ColumnBytes {
    private byte[] bytes;
    private int length;

    ColumnBytes(int capacity) {
      bytes = new byte[Math.max(64, capacity)];
    }

    void reset() {
      length = 0;
    }

    void add(byte b) {
      if (length == bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
      bytes[length++] = b;
    }

    void add(byte[] b) {
      add(b, 0, b.length);
    }

    void add(byte[] b, int from, int n) {
      if (length + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
      }
      System.arraycopy(b, from, bytes, length, n);
      length += n;
    }

    byte[] bytes() {
      return bytes;
    }

    int length() {
      return length;
    }
  }

  /** Writes a list field whose items are already JSON ({@code "a","b"}). */
  private static void rawArray(JsonGenerator json, RawJson raw, String name, byte[] items) throws IOException {
    json.writeArrayFieldStart(name);
    json.writeRaw(raw.of(items));
    json.writeEndArray();
  }

  private static boolean allOf(SerializableString[] statuses, SerializableString status) {
    for (SerializableString s : statuses) {
      if (s != status) {
        return false;
      }
    }
    return true;
  }

  /** The JSON of {@code n} times {@code value}, comma-separated. */
  private static byte[] repeatedList(SerializableString value, int n) {
    byte[] quoted = ('"' + value.getValue() + '"').getBytes(StandardCharsets.US_ASCII);
    byte[] list = new byte[n * (quoted.length + 1) - 1];
    for (int i = 0, at = 0; i < n; i++, at += quoted.length + 1) {
      System.arraycopy(quoted, 0, list, at, quoted.length);
      if (i + 1 < n) {
        list[at + quoted.length] = ',';
      }
    }
    return list;
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

  /** A rough heap estimate of a cached plan: its key's text and a few hundred bytes per column. */
  private static long planBytes(Object key, Plan plan) {
    long keyBytes = key instanceof List<?> list ? list.stream().mapToLong(f -> 48 + 2L * f.toString().length()).sum() : 48 + 2L * key.toString().length();
    return 256 + keyBytes + 320L * plan.columns().size();
  }

  private static Object groupKey(FeatureView view) {
    return view.packed() ? view : view.joinKeys();
  }

  /** What each of a packed view's wanted fields takes from its packed values. */
  private static int[] packedSlots(FeatureView view, List<byte[]> fields) {
    byte[] timestamp = FeastCodec.timestampField(view.name());
    byte[] scope = RowScope.field(view.name());
    int[] slots = new int[fields.size()];
    for (int p = 0; p < slots.length; p++) {
      byte[] field = fields.get(p);
      if (Arrays.equals(field, timestamp)) {
        slots[p] = PackedValue.EVENT_TIME;
      } else if (Arrays.equals(field, scope)) {
        slots[p] = PackedValue.SCOPE;
      } else {
        int f = 0;
        while (!Arrays.equals(field, FeastCodec.featureField(view.name(), view.features().get(f).name()))) {
          f++;
        }
        slots[p] = f;
      }
    }
    return slots;
  }

  /** The request's plan: from the cache, or checked and worked out now. */
  private Plan plan(JsonNode request, FeatureRegistry registry) {
    boolean hasList = request.has("features");
    boolean hasService = request.has("feature_service");
    if (hasList == hasService) {
      throw GoldgateException.invalid("Give exactly one of 'features' (a list of view:feature) and 'feature_service'");
    }
    Object cacheKey;
    if (hasService) {
      cacheKey = "service:" + request.get("feature_service").asText();
    } else {
      JsonNode list = request.get("features");
      if (!list.isArray() || list.isEmpty()) {
        throw GoldgateException.invalid("'features' must be a non-empty list of view:feature");
      }
      List<String> texts = new ArrayList<>(list.size());
      for (JsonNode f : list) {
        if (!f.isTextual() || f.asText().indexOf(':') <= 0) {
          throw GoldgateException.invalid("Feature '" + f.asText() + "' must be written view:feature");
        }
        texts.add(f.asText());
      }
      cacheKey = texts;
    }
    Plan cached = plans.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    Plan fresh = newPlan(requestedFeatures(request, hasService, registry), registry, catalog.catalog());
    plans.put(cacheKey, fresh);
    return fresh;
  }

  private static List<FeatureRef> requestedFeatures(JsonNode request, boolean hasService, FeatureRegistry registry) {
    if (hasService) {
      var service = registry.services().get(request.get("feature_service").asText());
      if (service == null) {
        throw GoldgateException.invalid("Unknown feature service '" + request.get("feature_service").asText() + "'");
      }
      return service.features();
    }
    Set<FeatureRef> refs = new LinkedHashSet<>();
    for (JsonNode f : request.get("features")) {
      refs.add(FeatureRef.parse(f.asText()));
    }
    return List.copyOf(refs);
  }

  private static Plan newPlan(List<FeatureRef> refs, FeatureRegistry registry, ShareCatalog shares) {
    // Views in Feast's layout share a hash per entity when they share join keys; a packed view
    // has values of its own, keyed by the view.
    Map<Object, List<FeatureView>> viewsByKeys = new LinkedHashMap<>();
    Map<String, JoinKey> joinKeys = new LinkedHashMap<>();
    List<FeatureView> refViews = new ArrayList<>(refs.size());
    List<FeatureDef> refDefs = new ArrayList<>(refs.size());
    for (FeatureRef ref : refs) {
      FeatureView view = registry.views().get(ref.view());
      FeatureDef def = view == null ? null : view.feature(ref.feature()).orElse(null);
      if (def == null) {
        throw GoldgateException.invalid("Unknown feature '" + ref + "'");
      }
      refViews.add(view);
      refDefs.add(def);
      List<FeatureView> views = viewsByKeys.computeIfAbsent(groupKey(view), k -> new ArrayList<>());
      if (!views.contains(view)) {
        views.add(view);
      }
      view.joinKeys().forEach(k -> joinKeys.put(k.name(), k));
    }
    List<Group> groups = new ArrayList<>();
    List<Column> columns = new ArrayList<>(refs.size());
    List<List<byte[]>> groupFields = new ArrayList<>();
    for (var entry : viewsByKeys.entrySet()) {
      List<byte[]> fields = new ArrayList<>();
      entry.getValue().forEach(v -> fields.add(FeastCodec.timestampField(v.name())));
      groupFields.add(fields);
    }
    List<Object> keySets = new ArrayList<>(viewsByKeys.keySet());
    for (int i = 0; i < refs.size(); i++) {
      FeatureView view = refViews.get(i);
      int g = keySets.indexOf(groupKey(view));
      List<byte[]> fields = groupFields.get(g);
      fields.add(FeastCodec.featureField(view.name(), refDefs.get(i).name()));
      columns.add(new Column(view, refDefs.get(i), g, viewsByKeys.get(groupKey(view)).indexOf(view), fields.size() - 1,
          new SerializedString(refDefs.get(i).name()), new SerializedString(view.name() + "__" + refDefs.get(i).name())));
    }
    for (int g = 0; g < keySets.size(); g++) {
      List<byte[]> fields = groupFields.get(g);
      List<FeatureView> views = viewsByKeys.get(keySets.get(g));
      List<JoinKey> keys = views.get(0).joinKeys();
      int[] scopeFields = new int[views.size()];
      for (int v = 0; v < views.size(); v++) {
        scopeFields[v] = -1;
        if (!views.get(v).rowFilterColumns().isEmpty()) {
          fields.add(RowScope.field(views.get(v).name()));
          scopeFields[v] = fields.size() - 1;
        }
      }
      // Everything Goldgate's views can put in this hash: if the wanted fields are most of it,
      // one HGETALL is cheaper for Redis than an HMGET of many fields.
      if (views.get(0).packed()) {
        groups.add(new Group(keys, List.copyOf(views), FieldSet.of(fields), false, scopeFields, packedSlots(views.get(0), fields)));
        continue;
      }
      int hashSize = registry.views().values().stream().filter(v -> !v.packed() && v.joinKeys().equals(keys))
          .mapToInt(v -> v.features().size() + (v.rowFilterColumns().isEmpty() ? 1 : 2)).sum();
      boolean whole = fields.size() >= WHOLE_HASH_MIN_FIELDS && fields.size() * 2 >= hashSize;
      groups.add(new Group(keys, List.copyOf(views), FieldSet.of(fields), whole, scopeFields));
    }
    Map<FeatureView, List<String>> requested = new LinkedHashMap<>();
    for (Column column : columns) {
      requested.computeIfAbsent(column.view(), v -> new ArrayList<>()).add(column.def().name());
    }
    List<ViewGrant> grants = new ArrayList<>(requested.size());
    requested.forEach((view, features) -> {
      TableName source = view.sharedTable();
      SharedTable table = source == null ? null : shares.table(source.share(), source.schema(), source.table()).orElse(null);
      grants.add(new ViewGrant(view, table, List.copyOf(features)));
    });
    return new Plan(List.copyOf(groups), List.copyOf(columns), java.util.Collections.unmodifiableMap(joinKeys), List.copyOf(grants));
  }
}
