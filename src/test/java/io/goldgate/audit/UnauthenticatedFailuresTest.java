package io.goldgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.audit.model.AuditEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnauthenticatedFailuresTest {

  /** A clock the test moves by hand. */
  static final class HandClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static AuditEvent failure(String address) {
    return new AuditEvent(
        null, Instant.parse("2026-01-01T00:00:00Z"), null, address, "curl", AuditEvent.DELTA_SHARING, "listShares", null, null, null, null, null,
        10L, null, "401", "UNAUTHENTICATED", "Unknown bearer token", 1);
  }

  @Test
  void givenAFloodFromOneAddress_thenItsBurstIsStoredAndTheRestSummarizedOncePerInterval() {
    HandClock clock = new HandClock();
    UnauthenticatedFailures failures = new UnauthenticatedFailures(5, 50, 100, Duration.ofMinutes(1), clock);
    int stored = 0;
    for (int i = 0; i < 5_000; i++) {
      if (failures.admit(failure("198.51.100.7"))) stored++;
    }
    assertEquals(5, stored);
    assertEquals(List.of(), failures.due(false), "no summary before the interval ends");

    clock.now = clock.now.plusSeconds(60);
    List<AuditEvent> summaries = failures.due(false);
    assertEquals(1, summaries.size());
    AuditEvent summary = summaries.getFirst();
    assertEquals(AuditEvent.UNAUTHENTICATED, summary.operation());
    assertEquals("198.51.100.7", summary.clientIp());
    assertEquals(4_995L, summary.count());
    assertEquals("401", summary.status());
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), summary.time());
    assertEquals("4995 unauthenticated call(s) from this address between 2026-01-01T00:00:00Z and 2026-01-01T00:01:00Z were counted, not stored one by one",
        summary.message());
    assertNull(summary.userAgent());
    assertEquals(List.of(), failures.due(false), "a summary is handed out once");
    assertTrue(failures.admit(failure("198.51.100.7")), "a new interval has a new burst");
  }

  @Test
  void givenManyAddresses_thenTheGlobalBudgetAndTheAddressBoundHold() {
    HandClock clock = new HandClock();
    UnauthenticatedFailures failures = new UnauthenticatedFailures(2, 10, 20, Duration.ofMinutes(1), clock);
    int stored = 0;
    for (int round = 0; round < 3; round++) {
      for (int a = 0; a < 1_000; a++) {
        if (failures.admit(failure("2001:db8::" + Integer.toHexString(a)))) stored++;
      }
    }
    assertEquals(10, stored, "the budget caps what all addresses store together");
    assertEquals(20, failures.trackedAddresses(), "at most maxAddresses are tallied");
    clock.now = clock.now.plusSeconds(61);
    List<AuditEvent> summaries = failures.due(false);
    assertEquals(11, summaries.size(), "the 10 largest tallies, and one for everything else");
    long total = summaries.stream().mapToLong(AuditEvent::count).sum();
    assertEquals(3_000 - 10, total, "every failure not stored is counted exactly once");
    AuditEvent rest = summaries.getLast();
    assertNull(rest.clientIp());
    assertTrue(rest.message().contains("from addresses not tracked one by one"), rest.message());
  }

  @Test
  void givenShutdown_thenTheCurrentIntervalIsSummarized() {
    UnauthenticatedFailures failures = new UnauthenticatedFailures(0, 50, 100, Duration.ofMinutes(1), new HandClock());
    assertFalse(failures.admit(failure(null)));
    List<AuditEvent> summaries = failures.due(true);
    assertEquals(1, summaries.size());
    assertEquals(1L, summaries.getFirst().count());
  }

  @Test
  void givenHugeFields_thenTheStoredEventIsBounded() {
    String agent = "A".repeat(16 * 1024);
    AuditEvent event = new AuditEvent(
        null, Instant.EPOCH, "r", "127.0.0.1", agent, AuditEvent.DELTA_SHARING, "getShare", "s\u0000".repeat(5_000), null, null, null, null,
        null, null, "404", "RESOURCE_DOES_NOT_EXIST", "m".repeat(100_000), 1).bounded();
    assertEquals("A".repeat(AuditEvent.MAX_USER_AGENT - 3) + "...", event.userAgent());
    assertEquals(AuditEvent.MAX_MESSAGE, event.message().length());
    assertEquals(AuditEvent.MAX_FIELD, event.share().length());
    assertTrue(event.share().startsWith("s?s?"), "control characters are replaced: " + event.share().substring(0, 8));
    assertTrue(AuditJson.write(event).length() < 4_096, "one stored event stays under 4 KB");
    AuditEvent emoji = new AuditEvent(
        null, Instant.EPOCH, null, null, "\uD83D\uDE00".repeat(200), null, null, null, null, null, null, null, null, null, null, null, null, 0);
    assertEquals("\uD83D\uDE00".repeat(126) + "...", emoji.bounded().userAgent(), "a surrogate pair is never split");
  }
}
