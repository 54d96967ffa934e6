package io.goldgate.http;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that deflate gzip responses beside the threads that render them ({@link
 * PipelinedGzip}): one per core, idle ones stopped after a minute. Their tasks never wait for
 * anything, so responses beyond the thread count queue up here rather than block.
 */
@ApplicationScoped
public class GzipCompressors implements Executor {

  private final ExecutorService pool;

  public GzipCompressors() {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "goldgate-gzip-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    this.pool = executor;
  }

  /** Runs the task on a compressor thread, or on the caller's once the pool has shut down. */
  @Override
  public void execute(Runnable task) {
    try {
      pool.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      task.run();
    }
  }

  @PreDestroy
  void stop() {
    pool.shutdown();
  }
}
