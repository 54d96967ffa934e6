package io.goldgate.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class PipelinedGzipTest {

  private static final ExecutorService COMPRESSORS = Executors.newFixedThreadPool(2);
  private static final int CHUNK = PipelinedGzip.CHUNK;

  @AfterAll
  static void stop() {
    COMPRESSORS.shutdownNow();
  }

  @Test
  void everySizeAroundTheChunkBoundariesRoundTrips() throws IOException {
    Random random = new Random(1);
    int[] sizes = {0, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, (PipelinedGzip.IN_FLIGHT + 2) * CHUNK + 17, 23 * CHUNK + 5};
    for (int size : sizes) {
      for (boolean text : new boolean[] {true, false}) {
        byte[] data = text ? ndjson(random, size) : randomBytes(random, size);
        byte[] gz = compress(data, 1, random);
        assertArrayEquals(data, gunzip(gz), "size " + size + (text ? " text" : " random bytes"));
        assertOneMember(gz, data.length);
      }
    }
  }

  @Test
  void randomWritesAtEveryLevelRoundTrip() throws IOException {
    Random random = new Random(42);
    for (int round = 0; round < 40; round++) {
      int level = 1 + random.nextInt(9);
      int size = random.nextInt(6 * CHUNK);
      byte[] data = random.nextBoolean() ? ndjson(random, size) : randomBytes(random, size);
      byte[] gz = compress(data, level, random);
      assertArrayEquals(data, gunzip(gz), "round " + round + ", level " + level + ", " + size + " bytes");
    }
  }

  @Test
  void aClientThatLeavesFailsTheWriterAndTheDeflaterIsStillReleased() throws IOException {
    OutputStream failing =
        new OutputStream() {
          int written;

          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            written += len;
            if (written > 10_000) {
              throw new IOException("Broken pipe");
            }
          }
        };
    byte[] data = randomBytes(new Random(3), 20 * CHUNK);
    PipelinedGzip gzip = new PipelinedGzip(failing, 1, COMPRESSORS);
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              try {
                gzip.write(data);
                gzip.finish();
              } finally {
                gzip.release();
              }
            });
    assertEquals("Broken pipe", e.getMessage());
    assertThrows(IOException.class, () -> gzip.write(data), "a released stream takes no more chunks");
  }

  @Test
  void aSmallBodyNeverLeavesTheWritingThread() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PipelinedGzip gzip = new PipelinedGzip(out, 1, task -> {
      throw new AssertionError("handed to a compressor");
    });
    byte[] data = "{\"protocol\":{\"minReaderVersion\":1}}\n".getBytes(StandardCharsets.UTF_8);
    gzip.write(data);
    gzip.finish();
    gzip.release();
    assertArrayEquals(data, gunzip(out.toByteArray()));
  }

  /** Writes in random pieces, single bytes among them, as Jackson's buffer flushes do. */
  private static byte[] compress(byte[] data, int level, Random random) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PipelinedGzip gzip = new PipelinedGzip(out, level, COMPRESSORS);
    try {
      int at = 0;
      while (at < data.length) {
        if (random.nextInt(50) == 0) {
          gzip.write(data[at++]);
          continue;
        }
        int n = Math.min(data.length - at, 1 + random.nextInt(random.nextBoolean() ? 9000 : 3 * CHUNK));
        gzip.write(data, at, n);
        at += n;
      }
      gzip.finish();
    } finally {
      gzip.release();
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  /** One gzip member: a raw deflate stream that ends exactly before the 8-byte trailer. */
  private static void assertOneMember(byte[] gz, int size) {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(gz, 10, gz.length - 10);
      byte[] sink = new byte[64 * 1024];
      while (!inflater.finished()) {
        inflater.inflate(sink);
      }
      assertEquals(8, inflater.getRemaining(), "the trailer follows the deflate stream, and nothing else");
      assertEquals(size, inflater.getBytesWritten());
    } catch (java.util.zip.DataFormatException e) {
      throw new AssertionError(e);
    } finally {
      inflater.end();
    }
    assertTrue(gz[3] == 0, "no optional header fields");
  }

  private static byte[] randomBytes(Random random, int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }

  /** Lines like a query's, with unicode in them, cut to exactly {@code size} bytes. */
  private static byte[] ndjson(Random random, int size) {
    StringBuilder s = new StringBuilder(size + 200);
    while (s.length() < size) {
      s.append("{\"file\":{\"url\":\"http://gw/files/").append(random.nextLong()).append("?e=").append(random.nextInt())
          .append("\",\"partitionValues\":{\"région\":\"日本-").append(random.nextInt(5)).append("\"},\"size\":").append(random.nextInt()).append("}}\n");
    }
    byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.copyOf(bytes, size);
  }
}
