package io.goldgate.features;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each view's recent materialization runs and lag checks, in memory, for the operator's lag chart:
 * at most {@link #CAPACITY} samples per view (a day of five-minute runs), the oldest dropped first.
 * Every finished run adds a sample. A lag check (the status endpoint, a metrics scrape) adds one
 * only when the lag in versions moved since the view's last sample or that sample is {@link
 * #CHECK_INTERVAL} old, so that frequent polling neither floods the buffer nor hides a change.
 * Kept per replica and lost on restart: what the chart needs, not an audit record.
 */
@ApplicationScoped
public class MaterializationHistory {

  /** Samples kept per view. */
  public static final int CAPACITY = 288;

  /** The age of a view's last sample past which a lag check adds one although the lag has not moved. */
  public static final Duration CHECK_INTERVAL = Duration.ofMinutes(5);

  /**
   * One point of a view's history.
   *
   * @param kind {@code run} (a run finished) or {@code check} (the lag was computed)
   * @param state the view's state then, as {@link Materializer.State} writes it
   * @param lagVersions table versions not yet materialized; absent when unknown (the online store
   *     could not be read)
   * @param lagSeconds age of the oldest commit not yet materialized; absent when unknown
   * @param rows rows the run wrote (0 for a check)
   * @param millis how long the run took (0 for a check)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Sample(Instant time, String kind, String state, Long lagVersions, Long lagSeconds, long rows, long millis) {}

  private final Map<String, ArrayDeque<Sample>> samples = new ConcurrentHashMap<>();
  private final Clock clock;

  public MaterializationHistory() {
    this(Clock.systemUTC());
  }

  MaterializationHistory(Clock clock) {
    this.clock = clock;
  }

  /** A run of {@code view} ended in {@code state}, leaving the lag given (null: unknown). */
  void run(String view, Materializer.State state, Long lagVersions, Long lagSeconds, long rows, long millis) {
    add(view, new Sample(clock.instant(), "run", state.json(), lagVersions, lagSeconds, rows, millis), false);
  }

  /** The lag of {@code view} was computed while it stood in {@code state}. */
  void check(String view, Materializer.State state, long lagVersions, long lagSeconds) {
    add(view, new Sample(clock.instant(), "check", state.json(), lagVersions, lagSeconds, 0, 0), true);
  }

  private void add(String view, Sample sample, boolean onlyIfNews) {
    ArrayDeque<Sample> buffer = samples.computeIfAbsent(view, v -> new ArrayDeque<>(CAPACITY));
    synchronized (buffer) {
      Sample last = buffer.peekLast();
      if (onlyIfNews && last != null && java.util.Objects.equals(last.lagVersions(), sample.lagVersions())
          && Duration.between(last.time(), sample.time()).compareTo(CHECK_INTERVAL) < 0) {
        return;
      }
      if (buffer.size() == CAPACITY) {
        buffer.removeFirst();
      }
      buffer.addLast(sample);
    }
  }

  /** Every view's samples, oldest first, by view name. */
  public Map<String, List<Sample>> samples() {
    Map<String, List<Sample>> out = new TreeMap<>();
    samples.forEach((view, buffer) -> {
      synchronized (buffer) {
        out.put(view, List.copyOf(buffer));
      }
    });
    return out;
  }
}
