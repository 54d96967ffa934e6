package io.goldgate.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GrowingBufferTest {

  /** Records the size of every write it gets. */
  private static final class Recording extends ByteArrayOutputStream {
    final List<Integer> writes = new ArrayList<>();

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes.add(len);
      super.write(b, off, len);
    }
  }

  @Test
  void bytesArriveInOrderAndLargeAnswersInFullSizedWrites() throws IOException {
    Random random = new Random(5);
    for (int round = 0; round < 50; round++) {
      int max = 8 * 1024 << random.nextInt(6);
      byte[] data = new byte[random.nextInt(3 * max)];
      random.nextBytes(data);
      Recording out = new Recording();
      GrowingBuffer buffer = new GrowingBuffer(out, max);
      int at = 0;
      while (at < data.length) {
        if (random.nextInt(20) == 0) {
          buffer.write(data[at++]);
          continue;
        }
        int n = Math.min(data.length - at, 1 + random.nextInt(20_000));
        buffer.write(data, at, n);
        at += n;
      }
      buffer.drain();
      assertArrayEquals(data, out.toByteArray());
      for (int i = 0; i < out.writes.size() - 1; i++) {
        assertTrue(out.writes.get(i) == max, "every write but the last is a full buffer: " + out.writes);
      }
    }
  }

  @Test
  void aSmallAnswerIsOneWrite() throws IOException {
    Recording out = new Recording();
    GrowingBuffer buffer = new GrowingBuffer(out, 256 * 1024);
    buffer.write(new byte[5000]);
    buffer.write(new byte[5000]);
    buffer.flush();
    assertTrue(out.writes.equals(List.of(10_000)), out.writes.toString());
  }
}
