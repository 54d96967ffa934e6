package io.goldgate.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Buffers writes to a response stream in a buffer that starts small and grows, by doubling, up to
 * a maximum once the response outgrows it: a large response goes out in few large writes (each
 * one wakes the I/O thread), while the many small answers never allocate the large buffer.
 * Not thread-safe.
 */
public final class GrowingBuffer extends FillingStream {

  private static final int INITIAL = 8 * 1024;

  private final OutputStream out;
  private final int max;

  /** @param max the largest buffer, in bytes, and so the largest write to {@code out} */
  public GrowingBuffer(OutputStream out, int max) {
    super(INITIAL);
    this.out = out;
    this.max = Math.max(INITIAL, max);
  }

  /** Grows a full buffer while it may, else writes it out. */
  @Override
  protected void full() throws IOException {
    if (buffer.length < max) {
      buffer = java.util.Arrays.copyOf(buffer, Math.min(max, buffer.length * 2));
    } else {
      out.write(buffer, 0, count);
      count = 0;
    }
  }

  /** Writes what is buffered; does not flush {@code out}, which would send a chunk per call. */
  public void drain() throws IOException {
    if (count > 0) {
      out.write(buffer, 0, count);
      count = 0;
    }
  }

  @Override
  public void flush() throws IOException {
    drain();
    out.flush();
  }
}
