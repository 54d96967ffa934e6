package io.goldgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.GoldgateException;
import io.goldgate.audit.model.AuditEvent;
import io.goldgate.audit.model.AuditTimeline;
import io.goldgate.audit.model.FeatureLookups;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer pipeline and the file sink without a gateway around them. The one stand-in is a sink
 * that blocks on purpose: a full queue cannot otherwise be produced on demand.
 */
class AuditLogTest {

  static AuditEvent event(int n, String recipient, String table) {
    return new AuditEvent(
        null, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(n), recipient, "127.0.0.1", "test", AuditEvent.DELTA_SHARING, "queryTable",
        table == null ? null : "retail", table == null ? null : "gold", table, 1L, 2, 100L, null, "200", null, null, 3);
  }

  @Test
  void givenABlockedSink_whenTheQueueIsFull_thenRecordingNeitherBlocksNorThrowsAndDropsAreCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch writing = new CountDownLatch(1);
    FileAuditSinkStandIn sink = new FileAuditSinkStandIn(writing, release);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AuditLog log = new AuditLog(true, sink, 3, meters);
    try {
      log.record(event(0, "a", null));
      assertTrue(writing.await(5, TimeUnit.SECONDS), "the writer took the first event and is stuck in the sink");
      long started = System.nanoTime();
      for (int i = 1; i <= 10; i++) {
        log.record(event(i, "a", null));
      }
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1), "recording never waits for the sink");
      assertEquals(7, log.stats().dropped(), "3 fit in the queue, 7 did not");
      assertEquals(7.0, meters.counter("goldgate.audit.dropped").count());
    } finally {
      release.countDown();
      log.close();
    }
    assertEquals(4, sink.written);
  }

  /** Blocks its first append until released; counts what it was given. */
  static final class FileAuditSinkStandIn implements AuditSink {
    final CountDownLatch writing;
    final CountDownLatch release;
    volatile int written;

    FileAuditSinkStandIn(CountDownLatch writing, CountDownLatch release) {
      this.writing = writing;
      this.release = release;
    }

    @Override
    public void append(List<AuditEvent> events) throws Exception {
      writing.countDown();
      release.await();
      written += events.size();
    }

    @Override
    public List<AuditEvent> read(java.util.function.Predicate<AuditEvent> filter, boolean newestFirst, String cursor, Instant notBefore, int max) {
      return List.of();
    }

    @Override
    public Map<String, Instant> lastAccess() {
      return Map.of();
    }

    @Override
    public void saveLastAccess(Map<String, Instant> times) {}

    @Override
    public Map<String, FeatureLookups> featureLookups() {
      return Map.of();
    }

    @Override
    public void addFeatureLookups(Map<String, FeatureLookups> deltas) {}

    @Override
    public String description() {
      return "stand-in";
    }
  }

  @Test
  void givenSmallFiles_whenEventsAccumulate_thenFilesRotateOnlyTheNewestAreKeptAndPagingCrossesFiles(@TempDir Path dir) throws Exception {
    FileAuditSink sink = new FileAuditSink(dir, 1_000, 3);
    for (int i = 0; i < 30; i++) {
      sink.append(List.of(event(i, "r" + (i % 2), "sales_daily")));
    }
    List<Path> files;
    try (var list = Files.list(dir)) {
      files = list.sorted().toList();
    }
    assertEquals(3, files.size(), files.toString());
    for (Path file : files) {
      assertTrue(Files.size(file) <= 1_000, file + " stays under the limit");
    }
    List<AuditEvent> newest = sink.read(e -> true, true, null, null, 1000);
    int kept = newest.size();
    assertTrue(kept > 3 && kept < 30, "older files were deleted: " + kept);
    assertEquals(Instant.parse("2026-01-01T00:00:29Z"), newest.getFirst().time());
    // Walking newest first two at a time gives the same events as one read.
    List<AuditEvent> walked = new java.util.ArrayList<>();
    String cursor = null;
    while (true) {
      List<AuditEvent> page = sink.read(e -> e.recipient().equals("r1"), true, cursor, null, 2);
      if (page.isEmpty()) break;
      walked.addAll(page);
      cursor = page.getLast().id();
    }
    assertEquals(newest.stream().filter(e -> e.recipient().equals("r1")).toList(), walked);
    List<AuditEvent> oldest = sink.read(e -> true, false, null, null, 1000);
    assertEquals(newest.reversed(), oldest);
  }

  @Test
  void givenSavedStateFiles_whenTheSinkReopens_thenLastAccessAndCountersSurvive(@TempDir Path dir) throws Exception {
    FileAuditSink first = new FileAuditSink(dir, 1_000, 3);
    first.saveLastAccess(Map.of("retail.gold.sales_daily", Instant.parse("2026-01-02T00:00:00Z")));
    first.saveLastAccess(Map.of("retail.gold.sales_daily", Instant.parse("2026-01-01T00:00:00Z")));
    first.addFeatureLookups(Map.of("partner", new FeatureLookups(2, 5)));
    first.addFeatureLookups(Map.of("partner", new FeatureLookups(1, 1)));
    FileAuditSink reopened = new FileAuditSink(dir, 1_000, 3);
    assertEquals(Map.of("retail.gold.sales_daily", Instant.parse("2026-01-02T00:00:00Z")), reopened.lastAccess(), "never moved back");
    assertEquals(Map.of("partner", new FeatureLookups(3, 6)), reopened.featureLookups());
  }

  static AuditEvent call(Instant time, String recipient, String protocol, String status, Long bytes) {
    return new AuditEvent(null, time, recipient, "127.0.0.2", "test", protocol, "listShares", null, null, null, null, null, bytes, null, status, null, null, 1);
  }

  static AuditTimeline.Bucket bucket(String start, long requests, long bytes, long errors) {
    return new AuditTimeline.Bucket(Instant.parse(start), requests, bytes, errors);
  }

  @Test
  void givenEventsAroundAWindow_whenCountingATimeline_thenEachBucketHoldsExactlyItsEventsInAllAndPerRecipient(@TempDir Path dir) throws Exception {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    AuditLog log = new AuditLog(true, new FileAuditSink(dir, 1 << 20, 10), 100, new SimpleMeterRegistry());
    try {
      log.record(call(t.minusSeconds(1), "partner", AuditEvent.DELTA_SHARING, "200", 1L)); // before the window
      log.record(call(t, "partner", AuditEvent.DELTA_SHARING, "200", 100L));
      log.record(call(t.plusSeconds(30), "partner", AuditEvent.DELTA_SHARING, "404", 50L));
      log.record(call(t.plusSeconds(60), "analyst", AuditEvent.FLIGHT, "OK", 10L));
      log.record(call(t.plusSeconds(61), "analyst", AuditEvent.FLIGHT, "NOT_FOUND", null));
      log.record(new AuditEvent(null, t.plusSeconds(125), null, "127.0.0.3", null, AuditEvent.DELTA_SHARING, AuditEvent.UNAUTHENTICATED, null, null,
          null, null, null, null, null, "401", "UNAUTHENTICATED", null, 0, 7L));
      log.record(call(t.plusSeconds(180), "partner", AuditEvent.DELTA_SHARING, "200", 1000L)); // at the window's end: out
      AuditTimelines timelines = new AuditTimelines(log, Clock.fixed(t.plusSeconds(180), ZoneOffset.UTC), 100);
      String from = t.toString();
      String to = t.plusSeconds(180).toString();

      AuditTimeline all = timelines.timeline(from, to, "PT1M", e -> true);
      assertEquals(List.of(bucket("2026-01-01T00:00:00Z", 2, 150, 1), bucket("2026-01-01T00:01:00Z", 2, 10, 1), bucket("2026-01-01T00:02:00Z", 7, 0, 7)),
          all.buckets(), "a summary of unauthenticated failures counts as the failures it stands for");
      assertEquals(Map.of(
              "analyst", List.of(bucket("2026-01-01T00:00:00Z", 0, 0, 0), bucket("2026-01-01T00:01:00Z", 2, 10, 1), bucket("2026-01-01T00:02:00Z", 0, 0, 0)),
              "partner", List.of(bucket("2026-01-01T00:00:00Z", 2, 150, 1), bucket("2026-01-01T00:01:00Z", 0, 0, 0), bucket("2026-01-01T00:02:00Z", 0, 0, 0))),
          all.byRecipient());
      assertEquals(List.of("analyst", "partner"), List.copyOf(all.byRecipient().keySet()));
      assertEquals(new AuditTimeline(t, t.plusSeconds(180), 60, all.buckets(), all.byRecipient(), 0, 7, false), all);

      // A last bucket cut short by the window's end; filters.
      AuditTimeline uneven = timelines.timeline(from, to, "PT2M", AuditParams.matching(null, null, AuditEvent.FLIGHT, null));
      assertEquals(List.of(bucket("2026-01-01T00:00:00Z", 2, 10, 1), bucket("2026-01-01T00:02:00Z", 0, 0, 0)), uneven.buckets());
      assertEquals(List.of(bucket("2026-01-01T00:00:00Z", 1, 50, 1), bucket("2026-01-01T00:02:00Z", 7, 0, 7)),
          timelines.timeline(from, to, "PT2M", AuditParams.matching(null, null, AuditEvent.DELTA_SHARING, "error")).buckets());
      assertEquals(List.of(bucket("2026-01-01T00:00:00Z", 1, 100, 0), bucket("2026-01-01T00:02:00Z", 0, 0, 0)),
          timelines.timeline(from, to, "PT2M", AuditParams.matching("partner", null, null, "success")).buckets());
      assertEquals(List.of(bucket("2026-01-01T00:00:00Z", 1, 0, 1), bucket("2026-01-01T00:02:00Z", 0, 0, 0)),
          timelines.timeline(from, to, "PT2M", AuditParams.matching(null, null, null, AuditParams.status("not_found"))).buckets());

      // The default window: the 24 hours before now, hour by hour; the event before 00:00 is in it.
      AuditTimeline day = timelines.timeline(null, null, null, e -> true);
      assertEquals(t.plusSeconds(180).minus(java.time.Duration.ofHours(24)), day.from());
      assertEquals(3600, day.bucketSeconds());
      assertEquals(24, day.buckets().size());
      assertEquals(bucket("2025-12-31T23:03:00Z", 12, 161, 9), day.buckets().getLast());

      // At most so many events are read, newest first: the older ones are not counted.
      AuditTimeline cut = new AuditTimelines(log, Clock.systemUTC(), 3).timeline(from, to, "PT1M", e -> true);
      assertEquals(List.of(bucket("2026-01-01T00:00:00Z", 0, 0, 0), bucket("2026-01-01T00:01:00Z", 1, 0, 1), bucket("2026-01-01T00:02:00Z", 7, 0, 7)), cut.buckets());
      assertEquals(3, cut.scanned());
      assertTrue(cut.truncated());
      assertEquals(7, new AuditTimelines(log, Clock.systemUTC(), 7).timeline(from, to, "PT1M", e -> true).scanned());
      assertFalse(new AuditTimelines(log, Clock.systemUTC(), 7).timeline(from, to, "PT1M", e -> true).truncated(), "no event was left");
    } finally {
      log.close();
    }
  }

  @Test
  void givenWindowsAndBucketsOutOfBounds_whenCountingATimeline_thenItIs400NamingTheParameter(@TempDir Path dir) {
    AuditLog log = new AuditLog(true, new FileAuditSink(dir, 1 << 20, 10), 100, new SimpleMeterRegistry());
    try {
      AuditTimelines timelines = new AuditTimelines(log, Clock.systemUTC());
      Map<String, String[]> refused = new java.util.LinkedHashMap<>();
      String badBucket = "'bucket' must be an ISO-8601 duration from PT1M to P1D such as PT5M or PT1H, got '%s'";
      for (String bucket : List.of("PT59S", "P1DT1S", "P2D", "PT1.5M", "pt1h", "1h", "P", "PT", "-PT1H")) {
        refused.put(badBucket.formatted(bucket), new String[] {null, null, bucket});
      }
      refused.put("'from' must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, got 'yesterday'", new String[] {"yesterday", null, null});
      refused.put("'from' (2026-01-02T00:00:00Z) must be before 'to' (2026-01-01T00:00:00Z)", new String[] {"2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", null});
      refused.put("The window from 'from' (2026-01-01T00:00:00Z) to 'to' (2026-02-01T00:00:01Z) must be at most 31 days long",
          new String[] {"2026-01-01T00:00:00Z", "2026-02-01T00:00:01Z", "P1D"});
      refused.put("'bucket' (PT1M) cuts the window into 501 buckets, more than 500: choose a longer bucket or a shorter window",
          new String[] {"2026-01-01T00:00:00Z", "2026-01-01T08:20:01Z", "PT1M"});
      refused.forEach((message, params) -> {
        GoldgateException e = assertThrows(GoldgateException.class, () -> timelines.timeline(params[0], params[1], params[2], x -> true), message);
        assertEquals(GoldgateException.Kind.INVALID_ARGUMENT, e.kind());
        assertEquals(message, e.getMessage());
      });
      // The bounds themselves are allowed.
      assertEquals(31, timelines.timeline("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "P1D", x -> true).buckets().size());
      assertEquals(500, timelines.timeline("2026-01-01T00:00:00Z", "2026-01-01T08:20:00Z", "PT1M", x -> true).buckets().size());
      assertEquals(24, timelines.timeline("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "PT0H60M", x -> true).buckets().size());
      for (String[] bad : new String[][] {{"protocol", "http"}, {"status", "4xx"}, {"status", "x".repeat(41)}, {"table", "retail.sales"}}) {
        GoldgateException e = assertThrows(GoldgateException.class, () -> {
          switch (bad[0]) {
            case "protocol" -> AuditParams.protocol(bad[1]);
            case "status" -> AuditParams.status(bad[1]);
            default -> AuditParams.table(bad[1]);
          }
        });
        assertTrue(e.getMessage().startsWith("'" + bad[0] + "' must be"), e.getMessage());
      }
    } finally {
      log.close();
    }
  }
}
