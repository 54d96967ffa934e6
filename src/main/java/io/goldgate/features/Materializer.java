package io.goldgate.features;

import io.goldgate.GoldgateException;
import io.goldgate.arrow.ArrowSchemas;
import io.goldgate.arrow.SplitReader;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.features.FeatureDefsFile.FeatureDef;
import io.goldgate.features.FeatureRegistry.FeatureView;
import io.goldgate.features.FeatureRegistry.JoinKey;
import io.goldgate.features.OnlineStore.ByteKey;
import io.goldgate.features.feast.FeastCodec;
import io.goldgate.lake.DataChanges;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.LogChange;
import io.goldgate.lake.TableColumns;
import io.goldgate.lake.TableSnapshot;
import io.goldgate.lake.predicate.Filter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.jboss.logging.Logger;

/**
 * Copies a feature view's newest row per entity from its Gold table into the online store, in
 * Feast's layout. The table version read last is kept in the store as the view's watermark, so a
 * restart resumes from it, and Feast's newer-wins rule keeps older data from overwriting newer.
 */
@ApplicationScoped
public class Materializer {

  private static final Logger LOG = Logger.getLogger(Materializer.class);

  /**
   * A view's materialization, running or finished: what it read and wrote, how far it got, and how
   * far the online store is behind the table.
   *
   * @param mode how the run reads the table
   * @param state where it stands
   * @param percent share of the files to read that are read
   * @param lagVersions table versions not yet in the online store
   * @param lagSeconds age of the oldest table commit not yet in the online store (0 when none)
   */
  public record Progress(
      String view,
      long tableVersion,
      long fromVersion,
      Mode mode,
      long filesTotal,
      long filesRead,
      long rowsRead,
      long entities,
      long written,
      long millis,
      double rowsPerSecond,
      double percent,
      long lagVersions,
      long lagSeconds,
      State state,
      String error) {}

  /** How a run reads its table; written in JSON as the lower-case word. */
  public enum Mode {
    /** Every file of the snapshot. */
    FULL("full"),
    /** The change data feed since the watermark. */
    CDF("cdf"),
    /** The files added since the watermark. */
    INCREMENTAL("incremental"),
    /** Nothing read (not run, up to date, failed before reading). */
    NONE("none");

    @com.fasterxml.jackson.annotation.JsonValue private final String json;

    Mode(String json) {
      this.json = json;
    }
  }

  /** Where a view's materialization stands; written in JSON as the words of its constructor. */
  public enum State {
    NOT_RUN("not run"),
    RUNNING("running"),
    MATERIALIZED("materialized"),
    UP_TO_DATE("up to date"),
    FAILED("failed");

    @com.fasterxml.jackson.annotation.JsonValue private final String json;

    State(String json) {
      this.json = json;
    }

    /** The word JSON writes. */
    public String json() {
      return json;
    }
  }

  /** What one run reads: a whole snapshot, or only what changed since the watermark. */
  private record Plan(Mode mode, List<DataFile> files, boolean changeData) {}

  private static final String CDF_ENABLED = "delta.enableChangeDataFeed";
  private static final String CHANGE_TYPE = "_change_type";
  private static final long PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Features features;
  private final OnlineStores stores;
  private final DeltaLake lake;
  private final GoldgateConfig config;
  private final MaterializationMetrics metrics;
  private final MaterializationHistory history;
  private final BufferAllocator allocator = new RootAllocator();
  private final Map<String, Progress> progress = new ConcurrentHashMap<>();
  private final Map<String, Object> viewLocks = new ConcurrentHashMap<>();
  /** Ranged runs' locks, apart from {@link #viewLocks}: a ranged run need not wait for a version's. */
  private final Map<String, Object> rangeLocks = new ConcurrentHashMap<>();

  public Materializer(Features features, OnlineStores stores, DeltaLake lake, GoldgateConfig config, MaterializationMetrics metrics) {
    this(features, stores, lake, config, metrics, new MaterializationHistory());
  }

  @jakarta.inject.Inject
  public Materializer(
      Features features, OnlineStores stores, DeltaLake lake, GoldgateConfig config, MaterializationMetrics metrics, MaterializationHistory history) {
    this.features = features;
    this.stores = stores;
    this.lake = lake;
    this.config = config;
    this.metrics = metrics;
    this.history = history;
    for (FeatureView view : features.registry().views().values()) {
      if (view.online()) {
        metrics.registerLag(view.name(), () -> checkedLag(view));
      }
    }
  }

  /**
   * Every online view's recent runs and lag checks, oldest first ({@link MaterializationHistory});
   * a view with none has an empty list.
   */
  public Map<String, List<MaterializationHistory.Sample>> history() {
    Map<String, List<MaterializationHistory.Sample>> out = new TreeMap<>(history.samples());
    for (FeatureView view : features.registry().views().values()) {
      if (view.online()) out.putIfAbsent(view.name(), List.of());
    }
    return out;
  }

  /** {@link #lag}, recorded in the view's history as a check. */
  private Lag checkedLag(FeatureView view) {
    Lag lag = lag(view);
    Progress p = progress.get(view.name());
    history.check(view.name(), p == null ? State.NOT_RUN : p.state(), lag.versions(), lag.seconds());
    return lag;
  }

  /** The last or current run of every online view that has run since start-up, with fresh lag figures. */
  public Map<String, Progress> progress() {
    Map<String, Progress> out = new TreeMap<>();
    for (FeatureView view : features.registry().views().values()) {
      Progress p = progress.get(view.name());
      if (p == null && !view.online()) {
        continue;
      }
      Lag lag = checkedLag(view);
      out.put(view.name(), p == null
          ? new Progress(view.name(), lag.tableVersion(), lag.watermark(), Mode.NONE, 0, 0, 0, 0, 0, 0, 0, 0, lag.versions(), lag.seconds(), State.NOT_RUN, null)
          : withLag(p, lag));
    }
    return out;
  }

  private static Progress withLag(Progress p, Lag lag) {
    return new Progress(p.view(), p.tableVersion(), p.fromVersion(), p.mode(), p.filesTotal(), p.filesRead(), p.rowsRead(), p.entities(), p.written(),
        p.millis(), p.rowsPerSecond(), p.percent(), lag.versions(), lag.seconds(), p.state(), p.error());
  }

  /**
   * How far the online store is behind a view's table: versions committed after the watermark, and
   * how long ago the first of them was committed.
   */
  public record Lag(long tableVersion, long watermark, long versions, long seconds) {}

  public Lag lag(FeatureView view) {
    long latest = lake.latestVersion(view.table());
    long watermark = watermark(view.name());
    if (watermark >= latest) {
      return new Lag(latest, watermark, 0, 0);
    }
    long firstMissing = watermark + 1;
    long committed = lake.changes(view.table(), firstMissing, firstMissing).stream()
        .mapToLong(LogChange::timestamp).findFirst()
        .orElseGet(() -> lake.commitTimestamp(view.table(), firstMissing));
    long seconds = Math.max(0, (System.currentTimeMillis() - committed) / 1000);
    return new Lag(latest, watermark, latest - watermark, seconds);
  }

  static byte[] watermarkKey(String project, String view) {
    return watermarkKey(project, view, OnlineLayout.FEAST);
  }

  /**
   * A watermark per layout: it says what that layout's keys hold, so a view switched to another
   * layout is materialized in full there, and one switched back resumes from what it left. The
   * packed layout's also names its encoding version, so that a build writing a new version
   * rematerializes packed views in full, which upgrades their values in place.
   */
  static byte[] watermarkKey(String project, String view, OnlineLayout layout) {
    return markerKey("watermark", project, view, layout == OnlineLayout.FEAST ? "" : layoutSuffix(layout) + "-v" + PackedValue.VERSION);
  }

  /** A copy of the layout's watermark on the node that {@code tag} names (see {@link OnlineStore#nodeTags()}). */
  static byte[] watermarkKey(String project, String view, OnlineLayout layout, String tag) {
    return nodeCopy(watermarkKey(project, view, layout), tag);
  }

  private static String layoutSuffix(OnlineLayout layout) {
    return layout == OnlineLayout.FEAST ? "" : ":" + layout.name().toLowerCase(Locale.ROOT);
  }

  private static byte[] markerKey(String kind, String project, String view, String suffix) {
    return ("goldgate:" + kind + ":" + project + ":" + view + suffix).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] nodeCopy(byte[] key, String tag) {
    return (new String(key, StandardCharsets.UTF_8) + ":node" + tag).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The table version last materialized for the view in its current layout, or -1. On a Redis
   * Cluster the watermark has a copy on every master: a master that came back empty lost its share
   * of the view's values, and a missing copy makes the watermark -1, so the view is read again in
   * full (by {@link OnlineStoreRecovery} or the next run) rather than left with holes the watermark
   * would hide.
   */
  public long watermark(String viewName) {
    FeatureView view = features.registry().views().get(viewName);
    OnlineLayout layout = view == null ? OnlineLayout.FEAST : view.layout();
    String project = config.features().project();
    byte[] stored = readWithCopies(watermarkKey(project, viewName, layout), tag -> watermarkKey(project, viewName, layout, tag));
    return stored == null ? -1 : Long.parseLong(new String(stored, StandardCharsets.UTF_8));
  }

  /** Writes the watermark: its per-node copies first, so a watermark read whole has them all. */
  private void setWatermark(String project, String viewName, OnlineLayout layout, long version) {
    writeWithCopies(watermarkKey(project, viewName, layout), tag -> watermarkKey(project, viewName, layout, tag),
        Long.toString(version).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A marker of what the store holds (a watermark, a "materialized until" time): its value when
   * it and its copy on every node ({@code copy} of the node's tag) are there and agree, else null.
   */
  private byte[] readWithCopies(byte[] key, java.util.function.Function<String, byte[]> copy) {
    byte[] stored = stores.store().get(key);
    if (stored == null) {
      return null;
    }
    for (String tag : stores.store().nodeTags()) {
      if (!tag.isEmpty() && !Arrays.equals(stored, stores.store().get(copy.apply(tag)))) {
        return null;
      }
    }
    return stored;
  }

  /** Writes a marker: its per-node copies first, so a marker read whole has them all. */
  private void writeWithCopies(byte[] key, java.util.function.Function<String, byte[]> copy, byte[] value) {
    for (String tag : stores.store().nodeTags()) {
      if (!tag.isEmpty()) {
        stores.store().set(copy.apply(tag), value);
      }
    }
    stores.store().set(key, value);
  }

  /**
   * Where a view's "materialized until" time is kept, per layout as its watermark: the end of the
   * latest Feast time range materialized into that layout's keys.
   */
  static byte[] materializedUntilKey(String project, String view, OnlineLayout layout) {
    return markerKey("materialized-until", project, view, layoutSuffix(layout));
  }

  /** The copy of {@link #materializedUntilKey} on the node that {@code tag} names. */
  static byte[] materializedUntilKey(String project, String view, OnlineLayout layout, String tag) {
    return nodeCopy(materializedUntilKey(project, view, layout), tag);
  }

  /**
   * The end of the latest time range materialized for the view in its current layout ({@link
   * #materializeRange}, {@link #materializeIncremental}), Feast's {@code most_recent_end_time};
   * null when none was, or when a node of a Redis Cluster lost its copy (and so, perhaps, its share
   * of the values): the next incremental run then starts as a first one would.
   */
  public Instant materializedUntil(String viewName) {
    FeatureView view = features.registry().views().get(viewName);
    OnlineLayout layout = view == null ? OnlineLayout.FEAST : view.layout();
    String project = config.features().project();
    byte[] stored = readWithCopies(materializedUntilKey(project, viewName, layout), tag -> materializedUntilKey(project, viewName, layout, tag));
    return stored == null ? null : Instant.parse(new String(stored, StandardCharsets.UTF_8));
  }

  /** Whether this replica has materialized the view (or found it up to date) since it started. */
  boolean materializedHere(String viewName) {
    Progress p = progress.get(viewName);
    return p != null && (p.state() == State.MATERIALIZED || p.state() == State.UP_TO_DATE);
  }

  /**
   * Brings the view up to its table's latest version; a view already there is left alone. Runs of
   * one view are serialized; different views materialize concurrently. Serving reads the store
   * throughout and never waits for a run.
   */
  public Progress materialize(String viewName) {
    FeatureView view = features.registry().views().get(viewName);
    if (view == null) {
      throw GoldgateException.notFound("No feature view '" + viewName + "'");
    }
    synchronized (viewLocks.computeIfAbsent(viewName, v -> new Object())) {
      long started = System.nanoTime();
      try {
        Progress done = run(view);
        history.run(viewName, done.state(), done.lagVersions(), done.lagSeconds(), done.written(), done.millis());
        return done;
      } catch (RuntimeException e) {
        Lag lag = null;
        try {
          lag = lag(view);
        } catch (RuntimeException unknown) {
          // The store or the table cannot be read either: the sample's lag stays unknown.
        }
        history.run(viewName, State.FAILED, lag == null ? null : lag.versions(), lag == null ? null : lag.seconds(), 0,
            (System.nanoTime() - started) / 1_000_000);
        Progress last = progress.get(viewName);
        progress.put(viewName, last == null
            ? new Progress(viewName, -1, -1, Mode.NONE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, State.FAILED, e.getMessage())
            : new Progress(viewName, last.tableVersion(), last.fromVersion(), last.mode(), last.filesTotal(), last.filesRead(), last.rowsRead(),
                last.entities(), last.written(), last.millis(), last.rowsPerSecond(), last.percent(), last.lagVersions(), last.lagSeconds(), State.FAILED, e.getMessage()));
        metrics.failed(viewName);
        throw e;
      }
    }
  }

  /**
   * What a run over a time range did.
   *
   * @param tableVersion the table version read (-1 when nothing was read)
   * @param start the range's first instant; null for none (from the beginning of time)
   * @param end the range's last instant (both ends are in the range)
   * @param filesTotal the data files of that version
   * @param filesRead those that may hold a row of the range, by their stats, and so were read
   * @param rowsInRange rows read whose event time lies in the range
   * @param entities entities with a row in the range: their newest such row was written
   * @param written rows the store took (older than the stored ones are not)
   * @param materializedUntil the view's "materialized until" time after the run
   */
  public record RangeRun(
      String view,
      long tableVersion,
      Instant start,
      Instant end,
      int filesTotal,
      int filesRead,
      long rowsRead,
      long rowsInRange,
      long entities,
      long written,
      Instant materializedUntil) {}

  /** A ttl reaching back before this instant starts a first incremental run at the beginning of time. */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  /**
   * Feast's {@code materialize(start, end)}: writes, newer-wins, each entity's newest row among
   * the rows of the table's current version whose event time lies in [{@code start}, {@code end}]
   * ({@code start} null: from the beginning of time), and moves the view's "materialized until"
   * time to {@code end} when that is later, as Feast records a materialization interval.
   *
   * <p>It is not a materialization of a table version: the watermark stays where it is, so the
   * scheduled runs go on as before. It may run while one of those runs: both write through the
   * newer-wins write, which is atomic per entity, so whichever order their writes land in, each
   * entity ends with the newest row either wrote and never goes back to an older one. Ranged runs
   * of one view are serialized in this replica, so that one's "materialized until" never hides
   * another's; two replicas' runs may both read the old time and the earlier end be written last,
   * which only makes the next incremental run read a little more than it needs to.
   */
  public RangeRun materializeRange(String viewName, Instant start, Instant end) {
    FeatureView view = existing(viewName);
    synchronized (rangeLocks.computeIfAbsent(viewName, v -> new Object())) {
      try {
        RangeRun run = runRange(view, start, end);
        return withUntil(run, recordUntil(view, end));
      } catch (RuntimeException e) {
        metrics.failed(viewName);
        throw e;
      }
    }
  }

  /**
   * Feast's {@code materialize_incremental(end)}: a {@link #materializeRange} from the view's
   * "materialized until" time to {@code end}. A view with none starts at {@code now} minus its
   * ttl, or at the beginning of time when it has no ttl. An {@code end} not after the start reads
   * nothing.
   */
  public RangeRun materializeIncremental(String viewName, Instant end, Instant now) {
    FeatureView view = existing(viewName);
    synchronized (rangeLocks.computeIfAbsent(viewName, v -> new Object())) {
      try {
        Instant start = materializedUntil(viewName);
        if (start == null && view.ttl() != null && view.ttl().compareTo(java.time.Duration.between(EARLIEST, now)) < 0) {
          start = now.minus(view.ttl());
        }
        RangeRun run = start != null && !start.isBefore(end)
            ? new RangeRun(viewName, -1, start, end, 0, 0, 0, 0, 0, 0, null)
            : runRange(view, start, end);
        return withUntil(run, recordUntil(view, end));
      } catch (RuntimeException e) {
        metrics.failed(viewName);
        throw e;
      }
    }
  }

  private FeatureView existing(String viewName) {
    FeatureView view = features.registry().views().get(viewName);
    if (view == null) {
      throw GoldgateException.notFound("No feature view '" + viewName + "'");
    }
    return view;
  }

  private static RangeRun withUntil(RangeRun r, Instant until) {
    return new RangeRun(r.view(), r.tableVersion(), r.start(), r.end(), r.filesTotal(), r.filesRead(), r.rowsRead(), r.rowsInRange(), r.entities(),
        r.written(), until);
  }

  /** Moves the view's "materialized until" time to {@code end} unless it is later already; the time after. */
  private Instant recordUntil(FeatureView view, Instant end) {
    Instant current = materializedUntil(view.name());
    if (current != null && !current.isBefore(end)) {
      return current;
    }
    String project = config.features().project();
    writeWithCopies(materializedUntilKey(project, view.name(), view.layout()), tag -> materializedUntilKey(project, view.name(), view.layout(), tag),
        end.toString().getBytes(StandardCharsets.UTF_8));
    return end;
  }

  /**
   * Reads the table's current version with the range pushed down: files whose stats of the
   * timestamp column put them wholly outside it are skipped, and rows outside it in the files
   * read are dropped.
   */
  private RangeRun runRange(FeatureView view, Instant start, Instant end) {
    long started = System.nanoTime();
    TableSnapshot snapshot = lake.latest(view.table());
    Filter.Operand.Column ts = new Filter.Operand.Column(view.timestampColumn(), Filter.ValueType.TIMESTAMP);
    List<Filter> bounds = new ArrayList<>();
    if (start != null) {
      bounds.add(new Filter.Compare(Filter.Op.GE, ts, new Filter.Operand.Literal(start.toString(), Filter.ValueType.TIMESTAMP)));
    }
    bounds.add(new Filter.Compare(Filter.Op.LE, ts, new Filter.Operand.Literal(end.toString(), Filter.ValueType.TIMESTAMP)));
    List<DataFile> files = snapshot.files(new Filter.And(bounds), null);
    // A start between two microseconds begins at the later one; an end, at the earlier.
    long from = start == null ? Long.MIN_VALUE : micros(start.plusNanos(999));
    long to = micros(end);
    Map<ByteKey, OnlineStore.Row> latest = new HashMap<>();
    Reading reading = read(view, snapshot, files, false, from, to, latest, (filesRead, rowsRead) -> {});
    long written = writeAll(view, new ArrayList<>(latest.values()), w -> {});
    metrics.completed(view.name(), reading.rows(), written);
    LOG.infof("Materialized %s from %s to %s at version %d: %d of %d files, %d rows read, %d in the range, %d entities, %d written in %d ms",
        view.name(), start == null ? "the beginning" : start, end, snapshot.version(), reading.files(), snapshot.files().size(), reading.rows(),
        reading.inRange(), latest.size(), written, (System.nanoTime() - started) / 1_000_000);
    return new RangeRun(view.name(), snapshot.version(), start, end, snapshot.files().size(), reading.files(), reading.rows(), reading.inRange(),
        latest.size(), written, null);
  }

  /** Microseconds since the epoch, rounded down, as Delta and Feast's Redis hold event times. */
  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }

  private Progress run(FeatureView view) {
    String viewName = view.name();
    long started = System.nanoTime();
    TableSnapshot snapshot = lake.latest(view.table());
    long watermark = watermark(viewName);
    if (watermark == snapshot.version()) {
      Progress done = new Progress(viewName, snapshot.version(), watermark, Mode.NONE, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, State.UP_TO_DATE, null);
      progress.put(viewName, done);
      return done;
    }
    Plan plan = plan(view, snapshot, watermark);
    Map<ByteKey, OnlineStore.Row> latest = new HashMap<>();
    long[] lastLog = {System.nanoTime()};
    Reading reading = read(view, snapshot, plan.files(), plan.changeData(), Long.MIN_VALUE, Long.MAX_VALUE, latest, (filesRead, rowsRead) -> {
      progress.put(viewName, running(viewName, snapshot.version(), watermark, plan, filesRead, rowsRead, latest.size(), 0, started));
      if (System.nanoTime() - lastLog[0] > PROGRESS_LOG_NANOS) {
        lastLog[0] = System.nanoTime();
        Progress p = progress.get(viewName);
        LOG.infof("Materializing %s (%s): %.0f%% of %d files, %d rows read (%.0f rows/s)", viewName, plan.mode(), p.percent(), p.filesTotal(), p.rowsRead(), p.rowsPerSecond());
      }
    });
    int filesRead = reading.files();
    long rowsRead = reading.rows();
    List<OnlineStore.Row> rows = new ArrayList<>(latest.values());
    long written = writeAll(view, rows, w -> progress.put(viewName, running(viewName, snapshot.version(), watermark, plan, filesRead, rowsRead, rows.size(), w, started)));
    String project = config.features().project();
    setWatermark(project, viewName, view.layout(), snapshot.version());
    long millis = (System.nanoTime() - started) / 1_000_000;
    double rate = rowsRead * 1000.0 / Math.max(1, millis);
    Progress done = new Progress(viewName, snapshot.version(), watermark, plan.mode(), plan.files().size(), filesRead, rowsRead, rows.size(), written,
        millis, rate, 100, 0, 0, State.MATERIALIZED, null);
    progress.put(viewName, done);
    metrics.completed(viewName, rowsRead, written);
    LOG.infof("Materialized %s (%s) from version %d to %d: %d files, %d rows read, %d entities, %d written in %d ms (%.0f rows/s)",
        viewName, plan.mode(), watermark, snapshot.version(), filesRead, rowsRead, rows.size(), written, millis, rate);
    return done;
  }

  /** What one read of a table did: files and rows read, rows whose event time was in the range asked for. */
  private record Reading(int files, long rows, long inRange) {}

  /** Told after each file read: files read so far, rows read so far. */
  private interface FileDone {
    void done(int filesRead, long rowsRead);
  }

  /**
   * Reads {@code files} of the view's table at {@code snapshot} and keeps in {@code latest} the
   * newest row per entity among the rows whose event time, in microseconds, lies in [{@code from},
   * {@code to}] (both bounds included, as Feast's offline stores take them). Every run reads
   * through here: rows carry their file's row scope, so a ranged run is governed as a full one.
   */
  private Reading read(
      FeatureView view, TableSnapshot snapshot, List<DataFile> files, boolean changeData, long from, long to, Map<ByteKey, OnlineStore.Row> latest, FileDone done) {
    List<ArrowSchemas.Column> all = ArrowSchemas.columns(snapshot.metadata().schemaString(), snapshot.metadata().partitionColumns());
    Set<String> wanted = new LinkedHashSet<>();
    view.joinKeys().forEach(k -> wanted.add(k.name()));
    wanted.add(view.timestampColumn());
    view.features().forEach(f -> wanted.add(f.columnOrName()));
    List<ArrowSchemas.Column> columns = new ArrayList<>();
    for (String name : wanted) {
      columns.add(all.stream().filter(c -> c.field().getName().equalsIgnoreCase(name)).findFirst().orElseThrow(
          () -> new GoldgateException(GoldgateException.Kind.DATA_ERROR, "Column " + name + " of view " + view.name() + " is gone from its table")));
    }
    if (changeData) {
      columns.add(new ArrowSchemas.Column(
          Field.nullable(CHANGE_TYPE, new ArrowType.Utf8()), CHANGE_TYPE, false));
    }
    String project = config.features().project();
    long[] rowsRead = {0};
    long[] inRange = {0};
    SplitReader reader = new SplitReader(allocator, lake.engine(), lake.storage(), config.flight().batchRows(), config.flight().scratchLimit().asLongValue());
    int filesRead = 0;
    for (DataFile file : files) {
      byte[] scope = rowScope(view, snapshot, file);
      try {
        reader.read(view.table().displayName(), view.table().location(), List.of(file), columns, all, null, null, () -> false, batch -> {
          rowsRead[0] += batch.getRowCount();
          inRange[0] += collect(view, project, batch, latest, changeData, scope, from, to);
        });
      } catch (GoldgateException e) {
        throw e;
      } catch (Exception e) {
        throw new GoldgateException(GoldgateException.Kind.DATA_ERROR, "Cannot read the table of view " + view.name() + ": " + e.getMessage(), e);
      }
      filesRead++;
      done.done(filesRead, rowsRead[0]);
    }
    return new Reading(filesRead, rowsRead[0], inRange[0]);
  }

  /** Writes rows newer-wins in write batches; the number written, also told after each batch. */
  private long writeAll(FeatureView view, List<OnlineStore.Row> rows, java.util.function.LongConsumer afterBatch) {
    long written = 0;
    int batchSize = config.features().writeBatch();
    for (int i = 0; i < rows.size(); i += batchSize) {
      written += write(stores.store(), view, rows.subList(i, Math.min(rows.size(), i + batchSize)));
      afterBatch.accept(written);
    }
    return written;
  }

  private static Progress running(String view, long version, long watermark, Plan plan, int filesRead, long rowsRead, long entities, long written, long started) {
    long millis = (System.nanoTime() - started) / 1_000_000;
    int total = plan.files().size();
    return new Progress(view, version, watermark, plan.mode(), total, filesRead, rowsRead, entities, written, millis,
        rowsRead * 1000.0 / Math.max(1, millis), total == 0 ? 100 : filesRead * 100.0 / total, version - Math.max(watermark, -1), 0, State.RUNNING, null);
  }

  /**
   * Chooses what to read. From a watermark, the change data feed is exact (only changed rows);
   * without it, the files added since the watermark hold every newer row (rewritten files bring old
   * rows again, which the newer-wins write skips). A watermark whose log is gone means a full read.
   */
  private Plan plan(FeatureView view, TableSnapshot snapshot, long watermark) {
    if (watermark < 0 || watermark > snapshot.version()) {
      return new Plan(Mode.FULL, snapshot.files(), false);
    }
    try {
      if (changeFeedOn(snapshot.metadata()) && changeFeedOn(lake.at(view.table(), watermark).metadata())) {
        List<LogChange> changes = lake.changes(view.table(), watermark + 1, snapshot.version());
        boolean continuous = changes.stream().noneMatch(c -> c instanceof LogChange.MetadataChanged m && !changeFeedOn(m.metadata()));
        if (continuous) {
          // Inserts and the new side of updates; deleted rows stay online until their ttl.
          List<DataFile> files = new ArrayList<>();
          for (LogChange change : DataChanges.rowChanges(changes)) {
            switch (change) {
              case LogChange.ChangeDataAdded c -> files.add(c.file());
              case LogChange.Added a -> files.add(a.file());
              default -> {}
            }
          }
          return new Plan(Mode.CDF, files, true);
        }
      }
      Set<String> seen = new HashSet<>();
      lake.at(view.table(), watermark).files().forEach(f -> seen.add(f.path()));
      return new Plan(Mode.INCREMENTAL, snapshot.files().stream().filter(f -> !seen.contains(f.path())).toList(), false);
    } catch (GoldgateException e) {
      LOG.infof("View %s: version %d is no longer readable (%s); reloading fully", view.name(), watermark, e.getMessage());
      return new Plan(Mode.FULL, snapshot.files(), false);
    }
  }

  private static boolean changeFeedOn(TableSnapshot.Metadata metadata) {
    return "true".equalsIgnoreCase(metadata.configuration().getOrDefault(CDF_ENABLED, "false"));
  }

  /**
   * For a view whose table restricts recipients' rows, the {@link RowScope} of a file's rows (its
   * values of the restricting partition columns); null for other views.
   */
  private static byte[] rowScope(FeatureView view, TableSnapshot snapshot, DataFile file) {
    if (view.rowFilterColumns().isEmpty()) {
      return null;
    }
    SortedMap<String, String> values = new TreeMap<>();
    for (String column : view.rowFilterColumns()) {
      TableColumns.Column found = snapshot.columns().find(column);
      values.put(column, found == null || !found.partition() || file.partitionValues() == null ? null : file.partitionValues().get(found.physicalName()));
    }
    return RowScope.encode(values);
  }

  /**
   * Keeps, per entity key, the row with the newest event time among those in [{@code from}, {@code
   * to}] (microseconds), with the row scope of its file ({@code scope}, null for views without one)
   * as one more field; the number of rows in that range.
   */
  private static long collect(
      FeatureView view, String project, VectorSchemaRoot batch, Map<ByteKey, OnlineStore.Row> latest, boolean changeData, byte[] scope, long from, long to) {
    FieldVector ts = vector(batch, view.timestampColumn());
    VarCharVector changeType = changeData ? (VarCharVector) vector(batch, CHANGE_TYPE) : null;
    List<FieldVector> keys = view.joinKeys().stream().map(k -> vector(batch, k.name())).toList();
    List<FieldVector> values = view.features().stream().map(f -> vector(batch, f.columnOrName())).toList();
    int fields = values.size() + (scope == null ? 0 : 1);
    byte[][] fieldNames = new byte[fields][];
    for (int f = 0; f < values.size(); f++) {
      fieldNames[f] = FeastCodec.featureField(view.name(), view.features().get(f).name());
    }
    if (scope != null) {
      fieldNames[fields - 1] = RowScope.field(view.name());
    }
    long inRange = 0;
    for (int row = 0; row < batch.getRowCount(); row++) {
      if (ts.isNull(row) || anyNull(keys, row) || (changeType != null && !isNewImage(changeType, row))) {
        continue;
      }
      long micros = ((TimeStampVector) ts).get(row);
      // The exact range filter: file pruning only skips files that hold no row of the range.
      if (micros < from || micros > to) {
        continue;
      }
      inRange++;
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
      byte[][] encoded = new byte[fields][];
      for (int f = 0; f < values.size(); f++) {
        FeatureDef def = view.features().get(f);
        encoded[f] = FeastCodec.value(kind(def.type()), cell(values.get(f), row, def.type()));
      }
      if (scope != null) {
        encoded[fields - 1] = scope;
      }
      Instant eventTime = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
      latest.put(entity, new OnlineStore.Row(entity.bytes(), fieldNames, encoded, FeastCodec.timestamp(eventTime), micros));
    }
    return inRange;
  }

  /**
   * Writes rows of {@code view} newer-wins in the view's layout; the number written. Materialization
   * and pushes write through here, so a push to a packed view lands where its lookups read.
   */
  static int write(OnlineStore store, FeatureView view, List<OnlineStore.Row> rows) {
    return view.packed() ? store.writePacked(packed(view, rows)) : store.write(rows, FeastCodec.timestampField(view.name()));
  }

  /**
   * The packed values of rows {@link #collect} made: their values are the view's features in order,
   * then the row scope when the view has one.
   */
  private static List<OnlineStore.Packed> packed(FeatureView view, List<OnlineStore.Row> rows) {
    int features = view.features().size();
    List<OnlineStore.Packed> out = new ArrayList<>(rows.size());
    FeastJson.Fragments fragments = new FeastJson.Fragments();
    for (OnlineStore.Row row : rows) {
      byte[] scope = row.values().length > features ? row.values()[features] : null;
      byte[][] values = row.values().length > features ? java.util.Arrays.copyOf(row.values(), features) : row.values();
      out.add(new OnlineStore.Packed(PackedValue.key(row.key(), view.name()), PackedValue.encode(row.eventMicros(), scope, values, fragments)));
    }
    return out;
  }

  /**
   * Inserted rows and the new side of updates. Deleted rows are not removed from the online store:
   * like Feast's, it keeps the last known values until they age out by the view's ttl.
   */
  private static boolean isNewImage(VarCharVector changeType, int row) {
    if (changeType.isNull(row)) {
      return true; // an added data file of a version without change data: inserts
    }
    String type = new String(changeType.get(row), StandardCharsets.UTF_8);
    return type.equals("insert") || type.equals("update_postimage");
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
