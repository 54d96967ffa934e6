package io.goldgate.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream (RFC 1952) whose compression runs beside the thread that writes it: the writer
 * renders the next chunk while a compressor thread deflates the previous one, so a large response
 * takes about as long as the slower of the two instead of their sum. Chunks are deflated one after
 * another into one deflate stream, so the output is the same single gzip member a plain {@link
 * java.util.zip.GZIPOutputStream} writes.
 *
 * <p>Only the writing thread touches {@code out}; compressor threads only turn byte arrays into
 * byte arrays. At most {@link #IN_FLIGHT} chunks are held at a time, so one response holds at most
 * about a megabyte and a half, whatever its size. A body smaller than one chunk is compressed on the
 * writing thread, without a hand-off.
 *
 * <p>{@link #finish()} writes the end of the gzip stream and leaves {@code out} open; {@link
 * #release()} must follow in a finally block: it frees the deflater's native memory once no
 * compressor uses it any more.
 */
public final class PipelinedGzip extends FillingStream {

  /** Uncompressed bytes handed to the compressor at a time. */
  static final int CHUNK = 256 * 1024;

  /** Chunks written but not yet sent, at most: the writer waits for the oldest beyond this. */
  static final int IN_FLIGHT = 4;

  /** No file name, no modification time, unknown OS, as GZIPOutputStream writes it. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, 0};

  private final OutputStream out;
  private final Executor compressors;
  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  /** Chunks handed to the compressor, oldest first, whose output is not yet written. */
  private final ArrayDeque<CompletableFuture<byte[]>> pending = new ArrayDeque<>();
  /** Spare chunk buffers the compressor has finished with. */
  private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> spare = new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** The last chunk handed over: the next one is deflated after it. */
  private CompletableFuture<byte[]> tail = CompletableFuture.completedFuture(null);
  private long total;
  private boolean finished;
  private boolean released;

  /**
   * @param level the deflate level, 1 (fastest) to 9
   * @param compressors runs the deflating; it must never wait for the writing thread
   */
  public PipelinedGzip(OutputStream out, int level, Executor compressors) throws IOException {
    super(CHUNK);
    this.out = out;
    this.compressors = compressors;
    this.deflater = new Deflater(level, true);
    out.write(HEADER);
  }

  @Override
  protected void full() throws IOException {
    handOver();
  }

  /** Hands the full buffer to the compressor and writes whatever compressed output is ready. */
  private void handOver() throws IOException {
    if (finished) {
      throw new IOException("The gzip stream is finished");
    }
    byte[] chunk = buffer;
    int length = count;
    byte[] next = spare.poll();
    buffer = next != null ? next : new byte[CHUNK];
    count = 0;
    total += length;
    tail =
        tail.thenApplyAsync(
            ignored -> {
              byte[] compressed = deflate(chunk, length);
              spare.offer(chunk);
              return compressed;
            },
            compressors);
    pending.add(tail);
    while (!pending.isEmpty() && (pending.peek().isDone() || pending.size() > IN_FLIGHT)) {
      out.write(await(pending.poll()));
    }
  }

  /** Ends the gzip stream: the rest of the body, the deflate end and the trailer. Leaves out open. */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    if (!pending.isEmpty() && count > 0) {
      handOver();
    }
    finished = true;
    while (!pending.isEmpty()) {
      out.write(await(pending.poll()));
    }
    // Every hand-off has completed: the deflater is this thread's again.
    if (count > 0) {
      total += count;
      out.write(deflate(buffer, count));
      count = 0;
    }
    deflater.finish();
    byte[] block = new byte[64 * 1024];
    while (!deflater.finished()) {
      int n = deflater.deflate(block);
      out.write(block, 0, n);
    }
    byte[] trailer = new byte[8];
    int crcValue = (int) crc.getValue();
    int size = (int) total;
    for (int i = 0; i < 4; i++) {
      trailer[i] = (byte) (crcValue >>> (8 * i));
      trailer[4 + i] = (byte) (size >>> (8 * i));
    }
    out.write(trailer);
  }

  /** Frees the deflater once the compressor is done with it; safe to call more than once. */
  public void release() {
    if (released) {
      return;
    }
    released = true;
    finished = true;
    tail.whenComplete((r, e) -> deflater.end());
  }

  /** Feeds one chunk to the deflater and returns what it wrote so far. */
  private byte[] deflate(byte[] chunk, int length) {
    crc.update(chunk, 0, length);
    deflater.setInput(chunk, 0, length);
    byte[] result = new byte[Math.max(1024, length / 4)];
    int size = 0;
    while (!deflater.needsInput()) {
      if (size == result.length) {
        result = Arrays.copyOf(result, result.length * 2);
      }
      size += deflater.deflate(result, size, result.length - size, Deflater.NO_FLUSH);
    }
    return size == result.length ? result : Arrays.copyOf(result, size);
  }

  private static byte[] await(CompletableFuture<byte[]> chunk) throws IOException {
    try {
      return chunk.join();
    } catch (CompletionException e) {
      throw new IOException("gzip compression failed", e.getCause());
    }
  }
}
