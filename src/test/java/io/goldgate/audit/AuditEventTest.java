package io.goldgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.audit.model.AuditEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The feature views of an event: each named once, at most 32 and 256 characters together stored. */
class AuditEventTest {

  static AuditEvent withViews(List<String> views) {
    return new AuditEvent(
        null, Instant.EPOCH, "writer", "127.0.0.1", "ua", AuditEvent.FEATURES, "materialize", null, null, null, null, null, 0L, 3L, "200", null,
        null, 1, null, views);
  }

  @Test
  void givenViewsThatFit_thenTheyAreStoredAsNamed() {
    assertEquals(List.of("customer_stats", "crm_packed"), withViews(List.of("customer_stats", "crm_packed")).bounded().featureViews());
    assertNull(withViews(List.of()).bounded().featureViews(), "no views: the field is absent");
    assertNull(withViews(null).bounded().featureViews());
  }

  @Test
  void givenViewsLongerTogetherThan256Characters_thenTheFirstThatFitAreKeptAndTheListEndsInTheCutMark() {
    List<String> views = IntStream.range(0, 30).mapToObj(i -> "view_number_%03d".formatted(i)).toList();
    List<String> stored = withViews(views).bounded().featureViews();
    // 15 characters each: 16 fit in 256 - 3, then "...".
    assertEquals(views.subList(0, 16), stored.subList(0, stored.size() - 1));
    assertEquals("...", stored.getLast());
    assertTrue(stored.stream().mapToInt(String::length).sum() <= AuditEvent.MAX_FEATURE_VIEW_CHARS);
  }

  @Test
  void givenMoreThan32ShortViews_thenThe31FirstAreKeptAndTheListEndsInTheCutMark() {
    List<String> views = IntStream.range(0, 100).mapToObj(i -> "v" + i).toList();
    List<String> stored = withViews(views).bounded().featureViews();
    assertEquals(AuditEvent.MAX_FEATURE_VIEWS, stored.size());
    assertEquals(views.subList(0, 31), stored.subList(0, 31));
    assertEquals("...", stored.getLast());
    assertEquals(views.subList(0, 32), withViews(views.subList(0, 32)).bounded().featureViews(), "32 fit");
  }

  @Test
  void givenOneHugeViewName_thenItIsCutAndControlCharactersReplaced() {
    List<String> stored = withViews(List.of("v\u0000".repeat(1000), "other")).bounded().featureViews();
    assertEquals(2, stored.size());
    assertEquals(AuditEvent.MAX_FEATURE_VIEW_CHARS - 3, stored.getFirst().length());
    assertTrue(stored.getFirst().startsWith("v?v?") && stored.getFirst().endsWith("..."), stored.getFirst());
    assertEquals("...", stored.getLast());
  }

  @Test
  void givenEveryFieldAtItsLimit_thenOneStoredEventStaysUnder4Point4KB() {
    String max = "x".repeat(10_000);
    AuditEvent event = new AuditEvent(
        null, Instant.EPOCH, max, max, max, max, max, max, max, max, Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, max, max,
        max, Long.MAX_VALUE, Long.MAX_VALUE, java.util.Collections.nCopies(100, "v".repeat(8))).bounded();
    int length = AuditJson.write(event).length();
    assertTrue(length < 4_400, "stored event of " + length + " characters");
  }

  @Test
  void givenACallNamingManyViewsAndOneOfThemOften_thenItKeepsEachOnceAndAtMost64() {
    CallAudit call = new CallAudit();
    assertNull(call.featureViewNames());
    for (int i = 0; i < 1000; i++) {
      call.featureView("same");
    }
    assertEquals(List.of("same"), call.featureViewNames());
    List<String> expected = new ArrayList<>(List.of("same"));
    for (int i = 0; i < 100; i++) {
      call.featureView("v" + i);
      if (expected.size() < CallAudit.MAX_FEATURE_VIEWS) expected.add("v" + i);
    }
    expected.add("...");
    assertEquals(expected, call.featureViewNames());
  }
}
