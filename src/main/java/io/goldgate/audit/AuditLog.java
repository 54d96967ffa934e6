package io.goldgate.audit;

import io.goldgate.audit.model.AuditEvent;
import io.goldgate.audit.model.AuditStats;
import io.goldgate.audit.model.FeatureLookups;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.redis.RedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The audit log. {@link #record} only offers the event to a bounded queue: it never blocks and
 * never throws, so auditing can never slow down or fail a request. One background thread writes
 * batches to the sink (a Redis stream in Redis mode, rotating files in embedded mode); an event
 * that finds the queue full, or whose batch the sink rejects, is dropped and counted.
 *
 * <p>It also keeps, in memory and persisted by the same thread, the last access per table and the
 * online feature lookup counters per recipient.
 */
@Startup
@ApplicationScoped
public class AuditLog {

  private static final Logger LOG = Logger.getLogger(AuditLog.class);
  private static final int BATCH = 500;
  /**
   * How long the writer lets events gather once one arrives: under steady traffic it then wakes
   * and writes once per few milliseconds instead of once per request (a partner's file read is a
   * dozen sub-millisecond requests, and waking this thread for each cost as much as serving it).
   */
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final long STATE_FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final boolean enabled;
  private final AuditSink sink;
  private final int capacity;
  private final BlockingQueue<AuditEvent> queue;
  private final Counter droppedMeter;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong processed = new AtomicLong();
  private final Map<String, Instant> lastAccess = new ConcurrentHashMap<>();
  private final Map<String, Instant> unsavedLastAccess = new ConcurrentHashMap<>();
  private final Map<String, FeatureLookups> unsavedLookups = new ConcurrentHashMap<>();
  private final UnauthenticatedFailures unauthenticated;
  private final Thread writer;
  private volatile boolean running = true;
  private long lastWarning;

  @Inject
  public AuditLog(GoldgateConfig config, RedisConnection redis, MeterRegistry meters) {
    this(
        config.audit().enabled(),
        redis.configured()
            ? new RedisAuditSink(redis, config.audit().redisMaxLength())
            : new FileAuditSink(config.state().dir().resolve("audit"), config.audit().fileMaxSize().asLongValue(), config.audit().fileKeep()),
        config.audit().queueCapacity(),
        new UnauthenticatedFailures(
            config.audit().unauthenticated().burst(), config.audit().unauthenticated().budget(), config.audit().unauthenticated().maxAddresses(),
            config.audit().unauthenticated().interval(), Clock.systemUTC()),
        meters);
  }

  AuditLog(boolean enabled, AuditSink sink, int capacity, MeterRegistry meters) {
    this(enabled, sink, capacity, new UnauthenticatedFailures(5, 50, 10_000, Duration.ofMinutes(1), Clock.systemUTC()), meters);
  }

  AuditLog(boolean enabled, AuditSink sink, int capacity, UnauthenticatedFailures unauthenticated, MeterRegistry meters) {
    this.enabled = enabled;
    this.unauthenticated = unauthenticated;
    this.sink = sink;
    this.capacity = Math.max(1, capacity);
    this.queue = new ArrayBlockingQueue<>(this.capacity);
    this.droppedMeter = Counter.builder("goldgate.audit.dropped").description("Audit events lost: queue full or sink failing").register(meters);
    if (enabled) {
      try {
        sink.lastAccess().forEach((table, time) -> lastAccess.merge(table, time, AuditLog::later));
      } catch (Exception e) {
        LOG.warnf("Audit: cannot load the last access times yet (%s)", e.getMessage());
      }
      LOG.infof("Audit log: %s", sink.description());
    }
    writer = new Thread(this::writeLoop, "goldgate-audit-writer");
    writer.setDaemon(true);
    if (enabled) {
      writer.start();
    }
  }

  /**
   * Queues an event for the sink, its text fields cut to their limits ({@link AuditEvent#bounded});
   * an unauthenticated failure past its address's share is only counted, for a summary event. Never
   * blocks, never throws.
   */
  public void record(AuditEvent event) {
    if (!enabled) {
      return;
    }
    try {
      AuditEvent bounded = event.bounded();
      if (bounded.unauthenticated() && !unauthenticated.admit(bounded)) {
        return;
      }
      offer(bounded);
    } catch (RuntimeException e) {
      drop(1, "it could not be recorded: " + e);
    }
  }

  private void offer(AuditEvent event) {
    if (event.succeeded() && event.qualifiedTable() != null) {
      lastAccess.merge(event.qualifiedTable(), event.time(), AuditLog::later);
      unsavedLastAccess.merge(event.qualifiedTable(), event.time(), AuditLog::later);
    }
    if (queue.offer(event)) {
      enqueued.incrementAndGet();
    } else {
      drop(1, "the queue is full (" + capacity + " events)");
    }
  }

  /** Counts one successful online feature lookup; persisted in the background. */
  public void countFeatureLookup(String recipient, long entityRows) {
    if (enabled) {
      unsavedLookups.merge(recipient, new FeatureLookups(1, entityRows), FeatureLookups::plus);
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private void drop(long n, String why) {
    dropped.addAndGet(n);
    droppedMeter.increment(n);
    long now = System.nanoTime();
    if (lastWarning == 0 || now - lastWarning > WARN_EVERY_NANOS) {
      lastWarning = now;
      LOG.warnf("Audit: %d event(s) dropped: %s (total dropped %d)", n, why, dropped.get());
    }
  }

  private void writeLoop() {
    long lastStateFlush = System.nanoTime();
    List<AuditEvent> batch = new ArrayList<>(BATCH);
    while (running || !queue.isEmpty()) {
      try {
        AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first != null) {
          if (running && queue.size() < BATCH - 1) {
            java.util.concurrent.locks.LockSupport.parkNanos(LINGER_NANOS);
          }
          batch.add(first);
          queue.drainTo(batch, BATCH - 1);
          try {
            sink.append(batch);
            written.addAndGet(batch.size());
          } catch (Exception e) {
            drop(batch.size(), "the sink failed: " + e.getMessage());
          } finally {
            processed.addAndGet(batch.size());
            batch.clear();
          }
        }
        if (System.nanoTime() - lastStateFlush > STATE_FLUSH_NANOS || !running) {
          unauthenticated.due(!running).forEach(this::offer);
          flushState();
          lastStateFlush = System.nanoTime();
        }
      } catch (InterruptedException e) {
        if (!running) {
          break;
        }
      } catch (RuntimeException e) {
        LOG.warn("Audit writer failed; continuing", e);
      }
    }
    List<AuditEvent> last = unauthenticated.due(true);
    if (!last.isEmpty()) {
      try {
        sink.append(last);
      } catch (Exception e) {
        drop(last.size(), "the sink failed: " + e.getMessage());
      }
    }
    flushState();
  }

  /** Persists last-access times and counter increments; what fails stays pending for the next round. */
  private void flushState() {
    if (!unsavedLastAccess.isEmpty()) {
      Map<String, Instant> times = new HashMap<>(unsavedLastAccess);
      try {
        sink.saveLastAccess(times);
        times.forEach(unsavedLastAccess::remove);
      } catch (Exception e) {
        LOG.debugf("Audit: last access not saved yet: %s", e.getMessage());
      }
    }
    if (!unsavedLookups.isEmpty()) {
      Map<String, FeatureLookups> deltas = new HashMap<>();
      for (String recipient : List.copyOf(unsavedLookups.keySet())) {
        FeatureLookups delta = unsavedLookups.remove(recipient);
        if (delta != null) deltas.put(recipient, delta);
      }
      try {
        sink.addFeatureLookups(deltas);
      } catch (Exception e) {
        deltas.forEach((recipient, delta) -> unsavedLookups.merge(recipient, delta, FeatureLookups::plus));
        LOG.debugf("Audit: feature lookup counters not saved yet: %s", e.getMessage());
      }
    }
  }

  /** Ends the current interval of unauthenticated failures now: its summaries are queued. */
  void endUnauthenticatedInterval() {
    unauthenticated.due(true).forEach(this::offer);
  }

  /** Waits (briefly) until every event queued before this call has reached the sink or been dropped. */
  void awaitWriter(long millis) {
    long target = enqueued.get();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (processed.get() < target && System.nanoTime() < deadline && writer.isAlive()) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Events from the sink, after letting the writer catch up with what was recorded so far.
   *
   * @see AuditSink#read
   */
  List<AuditEvent> read(Predicate<AuditEvent> filter, boolean newestFirst, String cursor, Instant notBefore, int max) {
    awaitWriter(2_000);
    return sink.read(filter, newestFirst, cursor, notBefore, max);
  }

  /**
   * Visits events newest first, at most {@code max} of them, after letting the writer catch up.
   *
   * @param notBefore a hint: events older than this need not be visited (null: no bound)
   * @return whether events were left unvisited because {@code max} were visited
   */
  boolean scan(Instant notBefore, int max, java.util.function.Consumer<AuditEvent> visitor) {
    int[] visited = {0};
    // The sink stops at the first event its filter accepts: the one after the last visited.
    List<AuditEvent> beyond = read(e -> {
      if (visited[0] >= max) return true;
      visited[0]++;
      visitor.accept(e);
      return false;
    }, true, null, notBefore, 1);
    return !beyond.isEmpty();
  }

  /** Last successful access per {@code share.schema.table}: the sink's, merged with this replica's. */
  public Map<String, Instant> lastAccess() {
    Map<String, Instant> times = new HashMap<>(lastAccess);
    try {
      sink.lastAccess().forEach((table, time) -> times.merge(table, time, AuditLog::later));
    } catch (Exception e) {
      LOG.debugf("Audit: stored last access unavailable, using this replica's: %s", e.getMessage());
    }
    return times;
  }

  /** Lookup totals per recipient: persisted ones plus this replica's not yet persisted. */
  public Map<String, FeatureLookups> featureLookups() throws Exception {
    Map<String, FeatureLookups> totals = new HashMap<>(sink.featureLookups());
    unsavedLookups.forEach((recipient, delta) -> totals.merge(recipient, delta, FeatureLookups::plus));
    return totals;
  }

  public AuditStats stats() {
    return new AuditStats(enabled, sink.description(), queue.size(), capacity, written.get(), dropped.get());
  }

  @PreDestroy
  void close() {
    running = false;
    try {
      writer.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sink.close();
  }
}
