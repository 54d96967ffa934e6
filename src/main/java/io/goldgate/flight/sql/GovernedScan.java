package io.goldgate.flight.sql;

import io.goldgate.arrow.ArrowSchemas;
import io.goldgate.arrow.SplitReader;
import io.goldgate.flight.ReadPlanner;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.DeltaLake;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One planned, governed read of a table as an {@link ArrowReader}, which DuckDB pulls through the
 * C stream interface: the plan's splits (files the recipient may see, deletion vectors applied) are
 * read by up to {@code parallelism} workers, each with {@link SplitReader}, into a small bounded
 * queue. The reader is the only thing the engine ever sees of a table.
 */
final class GovernedScan extends ArrowReader {

  /** A worker's end: {@code failure} null when it finished. */
  private record Done(Throwable failure) {}

  private final ReadPlanner.Plan plan;
  private final List<ArrowSchemas.Column> columns;
  private final Schema schema;
  private final DeltaLake lake;
  private final int batchRows;
  private final long scratchLimit;
  private final ExecutorService workers;
  private final int parallelism;
  private final BufferAllocator allocator;
  private final BlockingQueue<Object> queue;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final List<Future<?>> running = new ArrayList<>();
  private volatile Throwable failure;
  private int finished;
  private boolean started;

  GovernedScan(
      BufferAllocator allocator, ReadPlanner.Plan plan, List<ArrowSchemas.Column> columns, DeltaLake lake, int batchRows,
      long scratchLimit, ExecutorService workers, int parallelism) {
    super(allocator);
    this.allocator = allocator;
    this.plan = plan;
    this.columns = columns;
    this.schema = ArrowSchemas.schema(columns);
    this.lake = lake;
    this.batchRows = batchRows;
    this.scratchLimit = scratchLimit;
    this.workers = workers;
    this.parallelism = Math.max(1, Math.min(parallelism, plan.splits().size()));
    this.queue = new ArrayBlockingQueue<>(2 * this.parallelism + 1);
  }

  private void start() {
    started = true;
    List<List<DataFile>> shares = new ArrayList<>();
    for (int w = 0; w < parallelism; w++) shares.add(new ArrayList<>());
    for (int s = 0; s < plan.splits().size(); s++) shares.get(s % parallelism).addAll(plan.splits().get(s));
    for (List<DataFile> files : shares) {
      running.add(workers.submit(() -> work(files)));
    }
  }

  private void work(List<DataFile> files) {
    Throwable failure = null;
    try {
      // One allocator for all workers and the consumer: a queued batch's buffers move to the
      // consumer's root without crossing allocators.
      SplitReader reader = new SplitReader(allocator, lake.engine(), lake.storage(), batchRows, scratchLimit);
      reader.read(
          plan.table().qualifiedName(), plan.table().location(), files, columns, plan.allColumns(), plan.filter(), plan.limit(), stopped::get,
          batch -> {
            ArrowRecordBatch record = new VectorUnloader(batch).getRecordBatch();
            if (!offer(record)) record.close();
          });
    } catch (Throwable e) {
      failure = e;
      if (this.failure == null) this.failure = e;
    }
    offer(new Done(failure));
  }

  private boolean offer(Object item) {
    try {
      while (!stopped.get()) {
        if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    if (!started) start();
    VectorSchemaRoot root = getVectorSchemaRoot();
    VectorLoader loader = new VectorLoader(root);
    while (finished < running.size()) {
      Object item;
      try {
        item = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted");
      }
      if (item == null) {
        if (stopped.get()) return false;
        continue;
      }
      if (item instanceof Done done) {
        finished++;
        if (done.failure() != null) {
          stopped.set(true);
          throw new IOException(done.failure().getMessage(), done.failure());
        }
        continue;
      }
      try (ArrowRecordBatch record = (ArrowRecordBatch) item) {
        loader.load(record);
      }
      return true;
    }
    return false;
  }

  /** The first worker failure, or null. */
  Throwable failure() {
    return failure;
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() {
    stopped.set(true);
    for (Future<?> future : running) {
      try {
        future.get();
      } catch (Exception e) {
        // Its failure was reported through the queue, or nobody is reading any more.
      }
    }
    Object item;
    while ((item = queue.poll()) != null) {
      if (item instanceof ArrowRecordBatch record) record.close();
    }
  }

  @Override
  protected Schema readSchema() {
    return schema;
  }
}
