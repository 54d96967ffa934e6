package io.goldgate.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Buffers writes to a response stream in a buffer that starts small and grows, by doubling, up to
 * a maximum once the response outgrows it: a large response goes out in few large writes (each
 * one wakes the I/O thread), while the many small answers never allocate the large buffer.
 * Not thread-safe.
 */
public final class GrowingBuffer extends OutputStream {

  private static final int INITIAL = 8 * 1024;

  private final OutputStream out;
  private final int max;
  private byte[] buffer;
  private int count;

  /** @param max the largest buffer, in bytes, and so the largest write to {@code out} */
  public GrowingBuffer(OutputStream out, int max) {
    this.out = out;
    this.max = Math.max(INITIAL, max);
    this.buffer = new byte[INITIAL];
  }

  @Override
  public void write(int b) throws IOException {
    if (count == buffer.length) {
      makeRoom();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (count == buffer.length) {
        makeRoom();
      }
      int n = Math.min(len, buffer.length - count);
      System.arraycopy(b, off, buffer, count, n);
      count += n;
      off += n;
      len -= n;
    }
  }

  /** Grows a full buffer while it may, else writes it out. */
  private void makeRoom() throws IOException {
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
