package io.goldgate.flight.sql;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A few fresh DuckDB instances started ahead of need, so a query does not wait ~10 ms for its own.
 * Each is handed out once and never reused: no query sees what another left behind. The first
 * instances start when the first query ends, not with the gateway: a gateway nobody queries over
 * Flight SQL does not load DuckDB (33 MB resident, measured at idle with two instances).
 */
final class SessionPool implements AutoCloseable {

  private final long memoryLimit;
  private final int threads;
  private final BlockingQueue<SqlSession> ready;
  private final ExecutorService starter =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "goldgate-sql-sessions");
        t.setDaemon(true);
        return t;
      });
  private final AtomicBoolean closed = new AtomicBoolean();

  SessionPool(long memoryLimit, int threads, int size) {
    this.memoryLimit = memoryLimit;
    this.threads = threads;
    this.ready = new ArrayBlockingQueue<>(Math.max(1, size));
  }

  /**
   * A fresh session: one started ahead when there is one, else a new one. The pool is refilled
   * when a query ends ({@link #refill()}), not now: starting an instance while the query runs would
   * take CPU from it.
   */
  SqlSession take() {
    SqlSession session = ready.poll();
    return session != null ? session : new SqlSession(memoryLimit, threads);
  }

  /** Starts instances in the background until the pool is full again. */
  void refill() {
    if (closed.get()) return;
    try {
      starter.execute(() -> {
        while (!closed.get() && ready.remainingCapacity() > 0) {
          SqlSession session = new SqlSession(memoryLimit, threads);
          if (closed.get() || !ready.offer(session)) {
            session.close();
            return;
          }
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing.
    }
  }

  @Override
  public void close() {
    closed.set(true);
    starter.shutdownNow();
    SqlSession session;
    while ((session = ready.poll()) != null) session.close();
  }
}
