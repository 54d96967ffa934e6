package io.goldgate.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AcceptEncodingTest {

  @Test
  void gzipIsAcceptedWhenListedWithAPositiveWeightOrCoveredByAStar() {
    for (String header : new String[] {"gzip", "gzip, deflate", "deflate, GZIP;q=0.5", "br;q=1.0, x-gzip", "*", "identity, *;q=0.1", " gzip ; q=1 "}) {
      assertTrue(AcceptEncoding.acceptsGzip(header), header);
    }
  }

  @Test
  void gzipIsRefusedWhenAbsentWeightedZeroOrMalformed() {
    for (String header : new String[] {"", "identity", "deflate, br", "gzip;q=0", "gzip;q=0.000", "*, gzip;q=0", "gzip;q=", "gzip;q=NaN", "gzip;q=abc",
        "gzip;q=100000000"}) {
      assertFalse(AcceptEncoding.acceptsGzip(header), header);
    }
    assertFalse(AcceptEncoding.acceptsGzip(null));
  }

  @Test
  void aHugeHeaderIsReadInLinearTime() {
    assertFalse(AcceptEncoding.acceptsGzip("x,".repeat(200_000)));
    assertTrue(AcceptEncoding.acceptsGzip("gzip," + ";".repeat(200_000)));
  }
}
