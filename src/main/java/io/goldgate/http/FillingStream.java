package io.goldgate.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An output stream that copies what it is given into a buffer and calls {@link #full()} whenever
 * the buffer is full and more is to come; subclasses decide what a full buffer means (grow it,
 * send it, hand it to a compressor). Not thread-safe.
 */
abstract class FillingStream extends OutputStream {

  protected byte[] buffer;
  protected int count;

  FillingStream(int size) {
    this.buffer = new byte[size];
  }

  /** Makes room in a full buffer: afterwards {@code count < buffer.length}. */
  protected abstract void full() throws IOException;

  @Override
  public final void write(int b) throws IOException {
    if (count == buffer.length) {
      full();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public final void write(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (count == buffer.length) {
        full();
      }
      int n = Math.min(len, buffer.length - count);
      System.arraycopy(b, off, buffer, count, n);
      count += n;
      off += n;
      len -= n;
    }
  }
}
