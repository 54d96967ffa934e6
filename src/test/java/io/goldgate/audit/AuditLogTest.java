package io.goldgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.audit.model.AuditEvent;
import io.goldgate.audit.model.FeatureLookups;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
}
