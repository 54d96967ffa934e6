package io.goldgate.flight;

import io.goldgate.arrow.ArrowSchemas;
import io.goldgate.arrow.SplitReader;
import io.goldgate.lake.DataFile;
import io.goldgate.storage.TableLocation;
import io.quarkus.runtime.Application;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.jboss.logging.Logger;

/**
 * Warms the Flight read path once start-up is over, on a thread of its own, so that the first DoGet
 * a partner sends does not pay for it: arrow-dataset unpacks its 76 MB JNI library out of its jar
 * and loads it on first use, and Arrow C++ initializes on the first scan (together about a second
 * on two cores), plus the class loading and cold code of the Java side.
 *
 * <p>It reads a bundled three-row Parquet file through {@link SplitReader}, the code every Flight,
 * Flight SQL and materialization read runs, and hands each batch to a sink that does what a DoGet
 * stream does with it (unload it, load it into the stream's root, serialize it as an Arrow IPC
 * message, to nowhere). Nothing goes through the Flight server itself, so the warm-up is neither an
 * audit event nor a call or a served byte in the metrics.
 *
 * <p>It begins once the application has started (the HTTP server listens): run during start-up,
 * it competed for the CPUs and made the gateway ready about 0.7 s later on two cores; after it, it
 * only shares them with the first requests. Readiness does not wait for it: a gateway that is up
 * serves every read correctly, only the first one more slowly (a read that comes while the library
 * loads waits for that load, as it would have loaded it itself), and Delta Sharing and online
 * features never need it. It logs at INFO when it finished and how long it took, and at WARN when
 * it failed (the first real read then loads the library itself and reports any error to its caller
 * as before). It leaves nothing behind: its allocator is closed and its copy of the file deleted.
 * (The library's own temporary copy, {@code jnilib-*.tmp} in {@code java.io.tmpdir}, is
 * arrow-dataset's: made by the first read with or without a warm-up, deleted when the JVM exits.)
 *
 * <p>The file, {@value #RESOURCE} (1,242 bytes), was written by pyarrow 23 with Snappy, like the
 * files delta-rs writes, in the types of {@link #SCHEMA}:
 *
 * <pre>
 * pq.write_table(pa.table({"id": pa.array([1, 2, 3], pa.int64()), "amount": [1.5, 2.25, None],
 *     "name": ["a", "bb", None], "ts": pa.array([0, 1_000_000, None], pa.timestamp("us", tz="UTC")),
 *     "flag": [True, False, None], "day": pa.array([0, 1, None], pa.date32())}),
 *     "warm-up.parquet", compression="snappy", store_schema=False)
 * </pre>
 */
final class ReadPathWarmUp {

  private static final Logger LOG = Logger.getLogger(ReadPathWarmUp.class);

  static final String RESOURCE = "warm-up.parquet";
  /** Rows of {@link #RESOURCE}. */
  static final long ROWS = 3;
  /** Scratch files are named with this and the process id, so a leftover one says whose it is. */
  static final String SCRATCH_PREFIX = "goldgate-warm-up-";
  /** The file's columns as a Delta schema string: the Flight schema is derived as for a table. */
  private static final String SCHEMA =
      """
      {"type":"struct","fields":[
        {"name":"id","type":"long","nullable":true,"metadata":{}},
        {"name":"amount","type":"double","nullable":true,"metadata":{}},
        {"name":"name","type":"string","nullable":true,"metadata":{}},
        {"name":"ts","type":"timestamp","nullable":true,"metadata":{}},
        {"name":"flag","type":"boolean","nullable":true,"metadata":{}},
        {"name":"day","type":"date","nullable":true,"metadata":{}}]}
      """;
  /** Arrow memory the warm-up may take; three rows need a few KiB. */
  private static final long MEMORY_LIMIT = 16L << 20;

  /** How long the warm-up waits for start-up to finish before it gives up. */
  private static final Duration START_UP_LIMIT = Duration.ofMinutes(10);

  /** Where the warm-up stands; health data and tests read it. */
  enum State {
    /** Waiting for start-up to finish. */
    WAITING,
    RUNNING,
    DONE,
    FAILED,
    /** The gateway stopped, or never finished starting, before the warm-up began. */
    CANCELLED
  }

  private final BufferAllocator root;
  private final Function<BufferAllocator, SplitReader> readers;
  private final String resource;
  private final BooleanSupplier started;
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile State state = State.WAITING;
  private volatile boolean cancelled;
  private volatile long rows;
  private volatile Path scratch;

  private ReadPathWarmUp(BufferAllocator root, Function<BufferAllocator, SplitReader> readers, String resource, BooleanSupplier started) {
    this.root = root;
    this.readers = readers;
    this.resource = resource;
    this.started = started;
  }

  /**
   * Starts the warm-up's daemon thread and returns at once; it reads once the application has
   * started.
   *
   * @param readers makes the reader a DoGet stream would make, over the given allocator
   */
  static ReadPathWarmUp start(BufferAllocator root, Function<BufferAllocator, SplitReader> readers) {
    return start(root, readers, RESOURCE, () -> {
      Application application = Application.currentApplication();
      return application != null && application.isStarted();
    });
  }

  /** As {@link #start(BufferAllocator, Function)}, reading {@code resource} once {@code started}. */
  static ReadPathWarmUp start(BufferAllocator root, Function<BufferAllocator, SplitReader> readers, String resource, BooleanSupplier started) {
    ReadPathWarmUp warmUp = new ReadPathWarmUp(root, readers, resource, started);
    Thread thread = new Thread(warmUp::run, "goldgate-flight-warm-up");
    thread.setDaemon(true);
    thread.start();
    return warmUp;
  }

  State state() {
    return state;
  }

  /** Rows the warm-up read and serialized ({@link #ROWS} once it is done). */
  long rows() {
    return rows;
  }

  /** The scratch copy of the file it read (deleted by then), null before it made one. */
  Path scratch() {
    return scratch;
  }

  /** Stops a warm-up that has not begun reading (a read under way ends on its own). */
  void cancel() {
    cancelled = true;
  }

  /** Waits for the warm-up to end; false when it still runs after {@code limit}. */
  boolean await(Duration limit) throws InterruptedException {
    return finished.await(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    try {
      if (!startUpFinished()) {
        state = State.CANCELLED;
        return;
      }
      state = State.RUNNING;
      long start = System.nanoTime();
      try {
        read();
        state = State.DONE;
        LOG.infof(
            "Arrow Flight read path warmed up in %d ms (native Parquet reader loaded, %d rows read and serialized); readiness did not wait for it",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), rows);
      } catch (Exception | LinkageError e) {
        // An UnsatisfiedLinkError (no native library for this platform) is a LinkageError: the
        // first real read meets it again and reports it to its caller.
        state = State.FAILED;
        LOG.warnf(
            "Arrow Flight read path warm-up failed after %d ms (the gateway serves on; the first Flight read may be slower): %s",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), e);
      }
    } catch (InterruptedException e) {
      state = State.CANCELLED;
    } finally {
      finished.countDown();
    }
  }

  /** Waits until the application has started; false when cancelled or start-up never ends. */
  private boolean startUpFinished() throws InterruptedException {
    long deadline = System.nanoTime() + START_UP_LIMIT.toNanos();
    while (!cancelled && System.nanoTime() < deadline) {
      if (started.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private void read() throws Exception {
    Path dir = Files.createTempDirectory(SCRATCH_PREFIX + ProcessHandle.current().pid() + "-");
    scratch = dir;
    Path file = dir.resolve("warm-up.parquet");
    try {
      try (InputStream in = ReadPathWarmUp.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException(resource + " is missing from the class path");
        }
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      }
      List<ArrowSchemas.Column> columns = ArrowSchemas.columns(SCHEMA, List.of());
      try (BufferAllocator allocator = root.newChildAllocator("warm-up", 0, MEMORY_LIMIT);
          VectorSchemaRoot out = VectorSchemaRoot.create(ArrowSchemas.schema(columns), allocator)) {
        VectorLoader loader = new VectorLoader(out);
        WriteChannel nowhere = new WriteChannel(Channels.newChannel(OutputStream.nullOutputStream()));
        SplitReader reader = readers.apply(allocator);
        DataFile data = new DataFile(file.getFileName().toString(), Files.size(file), 0, Map.of(), null, true, null);
        reader.read(
            "warm-up", TableLocation.local(dir), List.of(data), columns, columns, null, null, () -> false,
            batch -> {
              try (ArrowRecordBatch record = new VectorUnloader(batch).getRecordBatch()) {
                record.computeBodyLength();
                loader.load(record);
              }
              try (ArrowRecordBatch sent = new VectorUnloader(out).getRecordBatch()) {
                MessageSerializer.serialize(nowhere, sent);
              }
              rows += out.getRowCount();
            });
      }
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }
}
