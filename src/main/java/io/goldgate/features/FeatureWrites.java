package io.goldgate.features;

import com.fasterxml.jackson.databind.JsonNode;
import io.goldgate.GoldgateException;
import io.goldgate.access.FeatureWriteGrants;
import io.goldgate.access.Recipient;
import io.goldgate.features.FeatureDefsFile.FeatureDef;
import io.goldgate.features.FeatureRegistry.FeatureView;
import io.goldgate.features.FeatureRegistry.JoinKey;
import io.goldgate.features.OnlineStore.ByteKey;
import io.goldgate.features.feast.FeastCodec;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the columnar {@code df} of Feast's {@code /push} and {@code /write-to-online-store} into
 * online rows of one view, refusing the whole frame at its first bad cell: nothing is written
 * unless every row is good.
 *
 * <p>Who may write: a recipient whose property {@value FeatureWriteGrants#PROPERTY} lists the view
 * ({@link FeatureWriteGrants}). Reading a view does not allow writing it.
 */
final class FeatureWrites {

  /** The column Feast's remote online store sends the event time in. */
  static final String FEAST_EVENT_TIMESTAMP = "event_timestamp";
  /** The column Feast's remote online store sends the creation time in; not stored, as in Feast's Redis. */
  static final String FEAST_CREATED = "created";

  private FeatureWrites() {}

  /** @throws GoldgateException PERMISSION_DENIED when the recipient may not write the view */
  static void requireGrant(Recipient recipient, FeatureView view) {
    if (!FeatureWriteGrants.mayWrite(recipient, view.name())) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED,
          "You may not write feature view '" + view.name() + "': writes need the recipient property " + FeatureWriteGrants.PROPERTY + " to list it");
    }
  }

  /**
   * @throws GoldgateException PERMISSION_DENIED when the recipient may not write the view;
   *     INVALID_ARGUMENT when nobody may push to it (not online, or over a row-restricted table,
   *     whose rows' scope a push cannot say)
   */
  static void requirePushable(Recipient recipient, FeatureView view) {
    requireGrant(recipient, view);
    if (!view.online()) {
      throw invalid("Feature view '" + view.name() + "' is not online");
    }
    if (!view.rowFilterColumns().isEmpty()) {
      throw invalid("Feature view '" + view.name() + "' reads a table that restricts recipients' rows: it takes no pushes");
    }
  }

  /**
   * The rows of {@code df}, the newest per entity.
   *
   * @param byFeatureName columns are named as features (Feast's {@code write_to_online_store}), the
   *     event time preferably in {@code event_timestamp}, rather than as the source table's columns
   *     ({@code push}), the event time preferably in the view's timestamp column; a {@code created}
   *     column is ignored
   */
  static List<OnlineStore.Row> rows(FeatureView view, JsonNode df, boolean byFeatureName, String project, int maxRows) {
    if (df == null || !df.isObject()) {
      throw invalid("df must be an object of columns, each a list of values");
    }
    Map<String, JsonNode> columns = new LinkedHashMap<>();
    int rows = -1;
    for (Iterator<Map.Entry<String, JsonNode>> it = df.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> column = it.next();
      if (!column.getValue().isArray()) {
        throw invalid("df column '" + column.getKey() + "' must be a list of values");
      }
      int size = column.getValue().size();
      if (size > maxRows) {
        throw invalid("df has " + size + " rows; at most " + maxRows + " are taken per request (goldgate.features.push-max-rows)");
      }
      if (rows >= 0 && size != rows) {
        throw invalid("df columns differ in length: '" + column.getKey() + "' has " + size + " values, the columns before it " + rows);
      }
      rows = size;
      columns.put(column.getKey(), column.getValue());
    }
    List<JsonNode> keys = new ArrayList<>();
    for (JoinKey key : view.joinKeys()) {
      keys.add(required(columns, key.name()));
    }
    // Feast's remote store names the event time event_timestamp; its other columns may include the
    // table's timestamp column as a feature, so there event_timestamp comes first.
    JsonNode ts = columns.get(byFeatureName ? FEAST_EVENT_TIMESTAMP : view.timestampColumn());
    if (ts == null) {
      ts = columns.get(byFeatureName ? view.timestampColumn() : FEAST_EVENT_TIMESTAMP);
    }
    if (ts == null) {
      throw invalid("df has no column '" + view.timestampColumn() + "' (the event time of feature view '" + view.name() + "')");
    }
    List<JsonNode> values = new ArrayList<>();
    for (FeatureDef feature : view.features()) {
      values.add(required(columns, byFeatureName ? feature.name() : feature.columnOrName()));
    }
    for (String name : columns.keySet()) {
      if (!known(view, name, byFeatureName)) {
        throw invalid("df column '" + name + "' is not a column of feature view '" + view.name() + "'");
      }
    }
    byte[][] fieldNames = new byte[view.features().size()][];
    for (int f = 0; f < fieldNames.length; f++) {
      fieldNames[f] = FeastCodec.featureField(view.name(), view.features().get(f).name());
    }
    Map<ByteKey, OnlineStore.Row> newest = new HashMap<>();
    for (int row = 0; row < Math.max(rows, 0); row++) {
      List<FeastCodec.KeyPart> parts = new ArrayList<>();
      for (int k = 0; k < keys.size(); k++) {
        JoinKey key = view.joinKeys().get(k);
        Object value = cell(keys.get(k).get(row), key.type(), key.name(), row);
        if (value == null) {
          throw invalid("df column '" + key.name() + "' row " + row + ": a join key may not be null");
        }
        parts.add(new FeastCodec.KeyPart(key.name(), Materializer.kind(key.type()), value));
      }
      Instant eventTime = timestamp(ts.get(row), row);
      long micros = ChronoUnit.MICROS.between(Instant.EPOCH, eventTime);
      byte[][] encoded = new byte[fieldNames.length][];
      for (int f = 0; f < encoded.length; f++) {
        FeatureDef def = view.features().get(f);
        encoded[f] = FeastCodec.value(Materializer.kind(def.type()), cell(values.get(f).get(row), def.type(), byFeatureName ? def.name() : def.columnOrName(), row));
      }
      ByteKey entity = new ByteKey(FeastCodec.redisKey(parts, project));
      OnlineStore.Row current = newest.get(entity);
      if (current == null || current.eventMicros() < micros) {
        newest.put(entity, new OnlineStore.Row(entity.bytes(), fieldNames, encoded, FeastCodec.timestamp(eventTime), micros));
      }
    }
    return new ArrayList<>(newest.values());
  }

  private static boolean known(FeatureView view, String name, boolean byFeatureName) {
    if (name.equals(view.timestampColumn()) || name.equals(FEAST_EVENT_TIMESTAMP) || name.equals(FEAST_CREATED)) {
      return true;
    }
    if (view.joinKeys().stream().anyMatch(k -> k.name().equals(name))) {
      return true;
    }
    return view.features().stream().anyMatch(f -> (byFeatureName ? f.name() : f.columnOrName()).equals(name));
  }

  private static JsonNode required(Map<String, JsonNode> columns, String name) {
    JsonNode column = columns.get(name);
    if (column == null) {
      throw invalid("df has no column '" + name + "'");
    }
    return column;
  }

  /** One JSON cell as the Java value {@link FeastCodec} takes for the type; null for JSON null. */
  private static Object cell(JsonNode node, FeatureType type, String column, int row) {
    if (node == null || node.isNull()) {
      return null;
    }
    Object value = switch (type) {
      case INT32 -> node.canConvertToExactIntegral() && node.canConvertToInt() ? (Object) node.intValue() : null;
      case INT64 -> node.canConvertToExactIntegral() && node.canConvertToLong() ? (Object) node.longValue() : null;
      case FLOAT32 -> node.isNumber() ? (Object) node.floatValue() : null;
      case FLOAT64 -> node.isNumber() ? (Object) node.doubleValue() : null;
      case STRING -> node.isTextual() ? node.textValue() : null;
      case BOOL -> node.isBoolean() ? node.booleanValue() : null;
      case BYTES -> node.isTextual() ? base64(node.textValue()) : null;
      case UNIX_TIMESTAMP -> node.isTextual() || node.isNumber() ? timestamp(node, row) : null;
    };
    if (value == null) {
      throw invalid("df column '" + column + "' row " + row + ": " + describe(node) + " is not a " + type.name().toLowerCase(java.util.Locale.ROOT));
    }
    return value;
  }

  private static byte[] base64(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * An event time: ISO-8601 text (without an offset it is UTC, as Feast's remote store sends it)
   * or a number of seconds since the epoch.
   */
  private static Instant timestamp(JsonNode node, int row) {
    if (node != null && node.isNumber()) {
      double seconds = node.doubleValue();
      if (Double.isFinite(seconds) && Math.abs(seconds) < 1e13) {
        long whole = (long) Math.floor(seconds);
        return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e6) * 1000);
      }
    } else if (node != null && node.isTextual() && node.textValue().length() <= 64) {
      String text = node.textValue().trim().replace(' ', 'T');
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        try {
          return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
          // refused below
        }
      }
    }
    throw invalid("event time row " + row + ": " + describe(node) + " is not an ISO-8601 time or epoch seconds");
  }

  private static String describe(JsonNode node) {
    String text = node == null ? "null" : node.toString();
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  private static GoldgateException invalid(String message) {
    return new GoldgateException(GoldgateException.Kind.INVALID_ARGUMENT, message);
  }
}
