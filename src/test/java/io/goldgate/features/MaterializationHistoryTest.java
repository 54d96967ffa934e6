package io.goldgate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.goldgate.features.MaterializationHistory.Sample;
import io.goldgate.features.Materializer.State;
import io.goldgate.testing.HandClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-view ring buffer behind the lag chart: what a run and a check add, and its bound. */
class MaterializationHistoryTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");


  @Test
  void givenRunsAndChecks_whenRecorded_thenEveryRunIsASampleAndAChecksOnlyWhenTheLagMovedOrTheLastSampleIsFiveMinutesOld() {
    HandClock clock = new HandClock(T);
    MaterializationHistory history = new MaterializationHistory(clock);
    history.check("v", State.NOT_RUN, 4, 100); // the first sample of the view
    history.check("v", State.NOT_RUN, 4, 101); // same lag, a moment later: nothing new
    clock.set(T.plusSeconds(1));
    history.run("v", State.MATERIALIZED, 0L, 0L, 170, 42);
    history.run("v", State.UP_TO_DATE, 0L, 0L, 0, 3); // a run always counts
    clock.set(T.plusSeconds(2));
    history.check("v", State.UP_TO_DATE, 1, 5); // the lag moved
    clock.set(T.plusSeconds(2).plus(MaterializationHistory.CHECK_INTERVAL).minusMillis(1));
    history.check("v", State.UP_TO_DATE, 1, 300);
    clock.set(T.plusSeconds(2).plus(MaterializationHistory.CHECK_INTERVAL));
    history.check("v", State.UP_TO_DATE, 1, 305); // five minutes after the last sample
    history.run("v", State.FAILED, null, null, 0, 7);
    history.run("w", State.MATERIALIZED, 0L, 0L, 5, 1);

    assertEquals(List.of(
            new Sample(T, "check", "not run", 4L, 100L, 0, 0),
            new Sample(T.plusSeconds(1), "run", "materialized", 0L, 0L, 170, 42),
            new Sample(T.plusSeconds(1), "run", "up to date", 0L, 0L, 0, 3),
            new Sample(T.plusSeconds(2), "check", "up to date", 1L, 5L, 0, 0),
            new Sample(T.plusSeconds(302), "check", "up to date", 1L, 305L, 0, 0),
            new Sample(T.plusSeconds(302), "run", "failed", null, null, 0, 7)),
        history.samples().get("v"));
    assertEquals(List.of("v", "w"), List.copyOf(history.samples().keySet()));
  }

  @Test
  void givenMoreRunsThanItHolds_whenRecorded_thenTheNewest288AreKeptOldestFirst() {
    HandClock clock = new HandClock(T);
    MaterializationHistory history = new MaterializationHistory(clock);
    for (int i = 0; i < MaterializationHistory.CAPACITY + 12; i++) {
      clock.set(T.plus(Duration.ofMinutes(5L * i)));
      history.run("v", State.MATERIALIZED, 0L, 0L, i, 1);
    }
    List<Sample> kept = history.samples().get("v");
    assertEquals(288, kept.size());
    assertEquals(12, kept.getFirst().rows());
    assertEquals(MaterializationHistory.CAPACITY + 11, kept.getLast().rows());
    assertEquals(T.plus(Duration.ofMinutes(5L * 12)), kept.getFirst().time());
  }
}
