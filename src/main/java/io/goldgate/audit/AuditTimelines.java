package io.goldgate.audit;

import io.goldgate.GoldgateException;
import io.goldgate.audit.model.AuditEvent;
import io.goldgate.audit.model.AuditTimeline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Counts audited traffic per time bucket, reading the audit log newest first from the window's end
 * back to its start. Bounded on every side: a window of at most {@link #MAX_WINDOW}, buckets from
 * {@link #MIN_BUCKET} to {@link #MAX_BUCKET} and at most {@link #MAX_BUCKETS} of them, at most
 * {@link AuditTimeline#MAX_SCANNED} events read, and memory in proportion to those.
 */
final class AuditTimelines {

  static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
  static final Duration DEFAULT_BUCKET = Duration.ofHours(1);
  static final Duration MAX_WINDOW = Duration.ofDays(31);
  static final Duration MIN_BUCKET = Duration.ofMinutes(1);
  static final Duration MAX_BUCKET = Duration.ofDays(1);
  static final int MAX_BUCKETS = 500;

  /** An ISO-8601 duration of whole days, hours, minutes and seconds (the document's pattern). */
  private static final Pattern BUCKET = Pattern.compile("P(?:[0-9]{1,3}D)?(?:T(?:[0-9]{1,5}H)?(?:[0-9]{1,7}M)?(?:[0-9]{1,9}S)?)?");

  private final AuditLog log;
  private final Clock clock;
  private final int maxScanned;

  AuditTimelines(AuditLog log, Clock clock) {
    this(log, clock, AuditTimeline.MAX_SCANNED);
  }

  AuditTimelines(AuditLog log, Clock clock, int maxScanned) {
    this.log = log;
    this.clock = clock;
    this.maxScanned = maxScanned;
  }

  /** Counts of one bucket, of all events or of one recipient's. */
  private static final class Counts {
    long requests;
    long bytes;
    long errors;

    void add(AuditEvent e) {
      long n = AuditEvent.UNAUTHENTICATED.equals(e.operation()) && e.count() != null ? e.count() : 1;
      requests += n;
      bytes += e.bytes() == null ? 0 : e.bytes();
      if (e.failed()) errors += n;
    }
  }

  /**
   * @param fromParam the window's start, default {@code to} minus 24 hours
   * @param toParam its end, default now
   * @param bucketParam an ISO-8601 duration, default PT1H
   * @param filter the events to count (recipient, table, protocol, status)
   */
  AuditTimeline timeline(String fromParam, String toParam, String bucketParam, Predicate<AuditEvent> filter) {
    Instant to = AuditParams.instant("to", toParam);
    Instant from = AuditParams.instant("from", fromParam);
    Duration bucket = bucket(bucketParam);
    if (to == null) {
      to = clock.instant();
    }
    if (from == null) {
      from = to.minus(DEFAULT_WINDOW);
    }
    if (!from.isBefore(to)) {
      throw GoldgateException.invalid("'from' (" + from + ") must be before 'to' (" + to + ")");
    }
    Duration window = Duration.between(from, to);
    if (window.compareTo(MAX_WINDOW) > 0) {
      throw GoldgateException.invalid("The window from 'from' (" + from + ") to 'to' (" + to + ") must be at most 31 days long");
    }
    long count = window.dividedBy(bucket) + (window.equals(bucket.multipliedBy(window.dividedBy(bucket))) ? 0 : 1);
    if (count > MAX_BUCKETS) {
      String given = AuditParams.blankToNull(bucketParam) == null ? bucket + ", the default," : bucketParam;
      throw GoldgateException.invalid("'bucket' (" + given + ") cuts the window into " + count + " buckets, more than " + MAX_BUCKETS
          + ": choose a longer bucket or a shorter window");
    }
    int n = (int) count;
    Instant start = from;
    Instant end = to;
    Counts[] totals = new Counts[n];
    Map<String, Map<Integer, Counts>> byRecipient = new HashMap<>();
    Map<String, Long> recipientRequests = new HashMap<>();
    long[] scanned = {0};
    boolean truncated = log.scan(start, maxScanned, e -> {
        scanned[0]++;
        Instant time = e.time();
        if (time == null || time.isBefore(start) || !time.isBefore(end) || !filter.test(e)) {
          return;
        }
        int i = (int) Duration.between(start, time).dividedBy(bucket);
        if (totals[i] == null) totals[i] = new Counts();
        totals[i].add(e);
        if (e.recipient() != null) {
          byRecipient.computeIfAbsent(e.recipient(), r -> new HashMap<>()).computeIfAbsent(i, k -> new Counts()).add(e);
          recipientRequests.merge(e.recipient(), 1L, Long::sum);
        }
    });
    List<String> top = recipientRequests.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(AuditTimeline.MAX_RECIPIENTS).map(Map.Entry::getKey).sorted(Comparator.naturalOrder()).toList();
    Map<String, List<AuditTimeline.Bucket>> series = new LinkedHashMap<>();
    for (String recipient : top) {
      Map<Integer, Counts> counts = byRecipient.get(recipient);
      series.put(recipient, buckets(start, bucket, n, i -> counts.get(i)));
    }
    return new AuditTimeline(from, to, bucket.getSeconds(), buckets(start, bucket, n, i -> totals[i]), series,
        recipientRequests.size() - top.size(), scanned[0], truncated);
  }

  private static List<AuditTimeline.Bucket> buckets(Instant from, Duration bucket, int n, java.util.function.IntFunction<Counts> counts) {
    List<AuditTimeline.Bucket> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Counts c = counts.apply(i);
      Instant start = from.plus(bucket.multipliedBy(i));
      out.add(c == null ? new AuditTimeline.Bucket(start, 0, 0, 0) : new AuditTimeline.Bucket(start, c.requests, c.bytes, c.errors));
    }
    return out;
  }

  static Duration bucket(String value) {
    String v = AuditParams.blankToNull(value);
    if (v == null) {
      return DEFAULT_BUCKET;
    }
    Duration d = null;
    if (BUCKET.matcher(v).matches()) {
      try {
        d = Duration.parse(v);
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    if (d == null || d.compareTo(MIN_BUCKET) < 0 || d.compareTo(MAX_BUCKET) > 0) {
      throw GoldgateException.invalid("'bucket' must be an ISO-8601 duration from PT1M to P1D such as PT5M or PT1H, got '" + value + "'");
    }
    return d;
  }
}
