package io.goldgate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.goldgate.GoldgateException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The times of Feast's materialize requests, as its clients write them. */
class FeastTimesTest {

  private static Instant time(String text) {
    return FeastServeResource.time("end_ts", text);
  }

  @Test
  void givenWhatFeastsClientsSendWhenParsedThenNaiveTimesAreUtcAndOffsetsApply() {
    // datetime.isoformat(): naive, with microseconds, tz-aware (the SDK's remote materialize sends this).
    assertEquals(Instant.parse("2025-03-01T00:00:00Z"), time("2025-03-01T00:00:00"));
    assertEquals(Instant.parse("2025-03-01T00:00:00.123456Z"), time("2025-03-01T00:00:00.123456"));
    assertEquals(Instant.parse("2025-03-01T00:00:00Z"), time("2025-03-01T00:00:00+00:00"));
    assertEquals(Instant.parse("2025-02-28T22:30:00Z"), time("2025-03-01T00:00:00+01:30"));
    // str(datetime) and pandas: a space between date and time.
    assertEquals(Instant.parse("2025-03-01T05:00:00Z"), time("2025-03-01 00:00:00-05:00"));
    assertEquals(Instant.parse("2025-03-01T00:00:00Z"), time("2025-03-01T00:00:00Z"));
    assertEquals(Instant.parse("2025-03-01T00:00:00Z"), time("2025-03-01t00:00:00z"));
    assertEquals(Instant.parse("2025-03-01T00:00:00Z"), time("2025-03-01T00:00"));
    assertEquals(Instant.parse("2025-03-01T01:00:00Z"), time("2025-03-01T02:00:00+0100"));
    assertEquals(Instant.parse("2025-03-01T01:00:00Z"), time("2025-03-01T02:00:00+01"));
    assertEquals(Instant.parse("2025-03-01T00:00:00Z"), time(" 2025-03-01 "));
  }

  @Test
  void givenSomethingElseWhenParsedThenTheFieldIsNamed() {
    for (String bad : new String[] {"yesterday", "", "2025-02-30T00:00:00", "2025-03-01T25:00:00", "1700000000", "2025-03-01T00:00:00+25:00",
        "0000-01-01T00:00:00", "+10000-01-01T00:00:00", "2025-03-01T00:00:00 UTC", "2025-03-01X00:00:00"}) {
      GoldgateException e = assertThrows(GoldgateException.class, () -> time(bad), bad);
      assertEquals(GoldgateException.Kind.INVALID_ARGUMENT, e.kind());
      assertEquals("end_ts: '" + bad + "' is not an ISO-8601 time (such as 2025-03-01T00:00:00+00:00; without an offset it is UTC)", e.getMessage());
    }
  }
}
