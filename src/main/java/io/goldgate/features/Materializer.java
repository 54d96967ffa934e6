package io.goldgate.features;

import io.goldgate.GoldgateException;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.features.FeatureDefsFile.FeatureDef;
import io.goldgate.features.FeatureRegistry.FeatureView;
import io.goldgate.features.FeatureRegistry.JoinKey;
import io.goldgate.features.OnlineStore.ByteKey;
import io.goldgate.features.feast.FeastCodec;
import io.goldgate.flight.ArrowSchemas;
import io.goldgate.flight.SplitReader;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.TableSnapshot;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.jboss.logging.Logger;

/**
 * Copies a feature view's newest row per entity from its Gold table into the online store, in
 * Feast's layout. The table version read last is kept in the store as the view's watermark, so a
 * restart does not redo work, and Feast's newer-wins rule keeps older data from overwriting newer.
 */
@ApplicationScoped
public class Materializer {

  private static final Logger LOG = Logger.getLogger(Materializer.class);

  /** What the last run of a view did. */
  public record Progress(
      String view, long tableVersion, long fromVersion, String mode, long filesRead, long rowsRead, long entities, long written, long millis, String state) {}

  private final Features features;
  private final OnlineStores stores;
  private final DeltaLake lake;
  private final GoldgateConfig config;
  private final BufferAllocator allocator = new RootAllocator();
  private final Map<String, Progress> progress = new ConcurrentHashMap<>();

  public Materializer(Features features, OnlineStores stores, DeltaLake lake, GoldgateConfig config) {
    this.features = features;
    this.stores = stores;
    this.lake = lake;
    this.config = config;
  }

  public Map<String, Progress> progress() {
    return Map.copyOf(progress);
  }

  static byte[] watermarkKey(String project, String view) {
    return ("goldgate:watermark:" + project + ":" + view).getBytes(StandardCharsets.UTF_8);
  }

  /** The table version last materialized for the view, or -1. */
  public long watermark(String viewName) {
    byte[] stored = stores.store().get(watermarkKey(config.features().project(), viewName));
    return stored == null ? -1 : Long.parseLong(new String(stored, StandardCharsets.UTF_8));
  }

  /** Brings the view up to its table's latest version; a view already there is left alone. */
  public synchronized Progress materialize(String viewName) {
    FeatureView view = features.registry().views().get(viewName);
    if (view == null) {
      throw GoldgateException.notFound("No feature view '" + viewName + "'");
    }
    long started = System.nanoTime();
    TableSnapshot snapshot = lake.latest(view.table());
    long watermark = watermark(viewName);
    if (watermark == snapshot.version()) {
      Progress done = new Progress(viewName, snapshot.version(), watermark, "none", 0, 0, 0, 0, 0, "up to date");
      progress.put(viewName, done);
      return done;
    }
    List<DataFile> files = snapshot.files();
    String mode = "full";
    if (watermark >= 0 && watermark < snapshot.version()) {
      // Snapshot diff: only files the watermarked version did not have can hold newer rows.
      // Rewritten files bring old rows again; Feast's newer-wins rule makes those no-ops.
      try {
        Set<String> seen = new java.util.HashSet<>();
        lake.at(view.table(), watermark).files().forEach(f -> seen.add(f.path()));
        files = files.stream().filter(f -> !seen.contains(f.path())).toList();
        mode = "incremental";
      } catch (GoldgateException e) {
        LOG.infof("View %s: version %d is no longer readable (%s); reloading fully", viewName, watermark, e.getMessage());
      }
    }
    List<ArrowSchemas.Column> all = ArrowSchemas.columns(snapshot.metadata().schemaString(), snapshot.metadata().partitionColumns());
    Set<String> wanted = new LinkedHashSet<>();
    view.joinKeys().forEach(k -> wanted.add(k.name()));
    wanted.add(view.timestampColumn());
    view.features().forEach(f -> wanted.add(f.columnOrName()));
    List<ArrowSchemas.Column> columns = new ArrayList<>();
    for (String name : wanted) {
      columns.add(all.stream().filter(c -> c.field().getName().equalsIgnoreCase(name)).findFirst().orElseThrow(
          () -> new GoldgateException(GoldgateException.Kind.DATA_ERROR, "Column " + name + " of view " + viewName + " is gone from its table")));
    }
    String project = config.features().project();
    Map<ByteKey, OnlineStore.Row> latest = new HashMap<>();
    long[] rowsRead = {0};
    try {
      new SplitReader(allocator, lake.engine(), config.flight().batchRows())
          .read(view.table().location(), files, columns, all, null, null, () -> false, batch -> {
            rowsRead[0] += batch.getRowCount();
            collect(view, project, batch, latest);
          });
    } catch (GoldgateException e) {
      throw e;
    } catch (Exception e) {
      throw new GoldgateException(GoldgateException.Kind.DATA_ERROR, "Cannot read the table of view " + viewName + ": " + e.getMessage(), e);
    }
    byte[] tsField = FeastCodec.timestampField(viewName);
    List<OnlineStore.Row> rows = new ArrayList<>(latest.values());
    long written = 0;
    int batchSize = config.features().writeBatch();
    for (int i = 0; i < rows.size(); i += batchSize) {
      written += stores.store().write(rows.subList(i, Math.min(rows.size(), i + batchSize)), tsField);
    }
    stores.store().set(watermarkKey(project, viewName), Long.toString(snapshot.version()).getBytes(StandardCharsets.UTF_8));
    long millis = (System.nanoTime() - started) / 1_000_000;
    Progress done = new Progress(viewName, snapshot.version(), watermark, mode, files.size(), rowsRead[0], rows.size(), written, millis, "materialized");
    progress.put(viewName, done);
    LOG.infof("Materialized %s (%s) from version %d to %d: %d files, %d rows read, %d entities, %d written in %d ms (%.0f rows/s)",
        viewName, mode, watermark, snapshot.version(), files.size(), rowsRead[0], rows.size(), written, millis, rowsRead[0] * 1000.0 / Math.max(1, millis));
    return done;
  }

  /** Keeps, per entity key, the row with the newest event time. */
  private static void collect(FeatureView view, String project, VectorSchemaRoot batch, Map<ByteKey, OnlineStore.Row> latest) {
    FieldVector ts = vector(batch, view.timestampColumn());
    List<FieldVector> keys = view.joinKeys().stream().map(k -> vector(batch, k.name())).toList();
    List<FieldVector> values = view.features().stream().map(f -> vector(batch, f.columnOrName())).toList();
    for (int row = 0; row < batch.getRowCount(); row++) {
      if (ts.isNull(row) || anyNull(keys, row)) {
        continue;
      }
      long micros = ((TimeStampVector) ts).get(row);
      List<FeastCodec.KeyPart> parts = new ArrayList<>();
      for (int k = 0; k < keys.size(); k++) {
        JoinKey key = view.joinKeys().get(k);
        parts.add(new FeastCodec.KeyPart(key.name(), kind(key.type()), cell(keys.get(k), row, key.type())));
      }
      ByteKey entity = new ByteKey(FeastCodec.redisKey(parts, project));
      OnlineStore.Row current = latest.get(entity);
      if (current != null && current.eventMicros() >= micros) {
        continue;
      }
      Map<ByteKey, byte[]> fields = new HashMap<>();
      for (int f = 0; f < values.size(); f++) {
        FeatureDef def = view.features().get(f);
        Object value = cell(values.get(f), row, def.type());
        fields.put(new ByteKey(FeastCodec.featureField(view.name(), def.name())), FeastCodec.value(kind(def.type()), value));
      }
      Instant eventTime = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
      latest.put(entity, new OnlineStore.Row(entity.bytes(), fields, FeastCodec.timestamp(eventTime), micros));
    }
  }

  private static boolean anyNull(List<FieldVector> vectors, int row) {
    for (FieldVector v : vectors) {
      if (v.isNull(row)) return true;
    }
    return false;
  }

  private static FieldVector vector(VectorSchemaRoot batch, String name) {
    for (FieldVector v : batch.getFieldVectors()) {
      if (v.getName().equalsIgnoreCase(name)) return v;
    }
    throw new IllegalStateException("no column " + name + " in batch");
  }

  static FeastCodec.Kind kind(FeatureType type) {
    return switch (type) {
      case INT32 -> FeastCodec.Kind.INT32;
      case INT64 -> FeastCodec.Kind.INT64;
      case FLOAT32 -> FeastCodec.Kind.FLOAT;
      case FLOAT64 -> FeastCodec.Kind.DOUBLE;
      case STRING -> FeastCodec.Kind.STRING;
      case BOOL -> FeastCodec.Kind.BOOL;
      case BYTES -> FeastCodec.Kind.BYTES;
      case UNIX_TIMESTAMP -> FeastCodec.Kind.UNIX_TIMESTAMP;
    };
  }

  /** One cell as the Java value the Feast codec takes for that type; null for SQL null or NaN. */
  static Object cell(FieldVector v, int row, FeatureType type) {
    if (v.isNull(row)) return null;
    Object value =
        switch (v) {
          case BaseIntVector i -> type == FeatureType.INT32 ? (Object) (int) i.getValueAsLong(row) : (Object) i.getValueAsLong(row);
          case Float8Vector f -> f.get(row);
          case Float4Vector f -> type == FeatureType.FLOAT32 ? (Object) f.get(row) : (Object) (double) f.get(row);
          case DecimalVector d -> d.getObject(row).doubleValue();
          case VarCharVector s -> new String(s.get(row), StandardCharsets.UTF_8);
          case VarBinaryVector b -> b.get(row);
          case BitVector b -> b.get(row) == 1;
          case TimeStampVector t -> Instant.EPOCH.plus(t.get(row), ChronoUnit.MICROS);
          default -> throw new IllegalStateException("Unsupported column type " + v.getField().getType().toString().toLowerCase(Locale.ROOT));
        };
    // Feast stores NaN as an empty Value, which reads back as a null.
    return value instanceof Double d && d.isNaN() ? null : value;
  }

  @PreDestroy
  void close() {
    allocator.close();
  }
}
