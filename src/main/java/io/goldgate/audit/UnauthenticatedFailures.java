package io.goldgate.audit;

import io.goldgate.audit.model.AuditEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a flood of unauthenticated failures (HTTP 401, Flight UNAUTHENTICATED) from filling the
 * audit store. Time is cut into fixed intervals. In each, a client address may have its first
 * {@code burst} failures stored one by one, and all addresses together at most {@code budget};
 * the rest are only counted, per address, and when the interval ends each counted address gets one
 * summary event (operation {@code unauthenticated}, {@code count}), the {@code budget} largest
 * first; the others, and addresses past {@code maxAddresses} tracked at once, are folded into one
 * summary without an address. So whatever the number and origin of the failures, one interval
 * stores at most {@code 2 * budget + 1} events about them, and the tally takes at most {@code
 * maxAddresses} entries of one address each.
 */
final class UnauthenticatedFailures {

  private final int burst;
  private final int budget;
  private final int maxAddresses;
  private final long intervalMillis;
  private final Clock clock;
  private final Map<String, Tally> tallies = new HashMap<>();
  private final List<AuditEvent> summaries = new ArrayList<>();
  private long windowStart;
  private int stored;
  private long untracked;
  private AuditEvent lastUntracked;

  private static final class Tally {
    int stored;
    long counted;
    AuditEvent last;
  }

  UnauthenticatedFailures(int burst, int budget, int maxAddresses, Duration interval, Clock clock) {
    this.burst = Math.max(0, burst);
    this.budget = Math.max(0, budget);
    this.maxAddresses = Math.max(0, maxAddresses);
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.clock = clock;
    this.windowStart = clock.millis();
  }

  /** Whether {@code event}, an unauthenticated failure, is stored itself; if not, it is counted. */
  synchronized boolean admit(AuditEvent event) {
    roll(clock.millis());
    String address = event.clientIp() == null ? "" : event.clientIp();
    Tally tally = tallies.get(address);
    if (tally == null && tallies.size() < maxAddresses) {
      tally = new Tally();
      tallies.put(address, tally);
    }
    if (tally == null) {
      untracked++;
      lastUntracked = event;
      return false;
    }
    if (tally.stored < burst && stored < budget) {
      tally.stored++;
      stored++;
      return true;
    }
    tally.counted++;
    tally.last = event;
    return false;
  }

  /** Summaries of the intervals that ended by now; {@code all} also ends the current one (shutdown). */
  synchronized List<AuditEvent> due(boolean all) {
    long now = clock.millis();
    if (all) {
      close(now);
    } else {
      roll(now);
    }
    List<AuditEvent> out = List.copyOf(summaries);
    summaries.clear();
    return out;
  }

  /** Addresses tracked in the current interval (bounded by {@code maxAddresses}). */
  synchronized int trackedAddresses() {
    return tallies.size();
  }

  private void roll(long now) {
    if (now - windowStart >= intervalMillis) {
      close(now);
    }
  }

  private void close(long now) {
    Instant from = Instant.ofEpochMilli(windowStart);
    Instant to = Instant.ofEpochMilli(now);
    List<Map.Entry<String, Tally>> counted = new ArrayList<>();
    for (Map.Entry<String, Tally> e : tallies.entrySet()) {
      if (e.getValue().counted > 0) {
        counted.add(e);
      }
    }
    counted.sort(Comparator.comparingLong((Map.Entry<String, Tally> e) -> e.getValue().counted).reversed());
    for (int i = 0; i < counted.size(); i++) {
      Tally tally = counted.get(i).getValue();
      if (i < budget) {
        summaries.add(summary(from, to, tally.last.clientIp(), tally.last, tally.counted));
      } else {
        untracked += tally.counted;
        lastUntracked = tally.last;
      }
    }
    if (untracked > 0) {
      summaries.add(summary(from, to, null, lastUntracked, untracked));
    }
    tallies.clear();
    stored = 0;
    untracked = 0;
    lastUntracked = null;
    windowStart = now;
  }

  private static AuditEvent summary(Instant from, Instant to, String address, AuditEvent last, long count) {
    String message = count + " unauthenticated call(s) " + (address == null ? "from addresses not tracked one by one" : "from this address")
        + " between " + from + " and " + to + " were counted, not stored one by one";
    return new AuditEvent(
        null, from, null, address, null, last.protocol(), AuditEvent.UNAUTHENTICATED, null, null, null, null, null, null, null, last.status(),
        last.errorCode(), message, 0, count);
  }
}
