package io.goldgate.flight;

import java.time.Duration;
import org.apache.arrow.memory.BufferAllocator;
import org.jboss.logging.Logger;

/**
 * The Arrow memory of one DoGet stream, whose batches go to gRPC without a copy: a message holds
 * its batch's buffers until Netty has written them to the socket (or dropped them with the call).
 * Closing therefore waits for the last messages to be written before it closes the allocator,
 * which would otherwise report their buffers as a leak.
 */
final class StreamMemory implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StreamMemory.class);
  private static final long MAX_PAUSE_MS = 50;

  private final BufferAllocator allocator;
  private final Duration wait;

  /**
   * @param wait how long closing waits for a client to take the last messages; the same bound as a
   *     stream's wait for a client that is not reading
   */
  StreamMemory(BufferAllocator parent, String name, long limit, Duration wait) {
    this.allocator = parent.newChildAllocator(name, 0, limit);
    this.wait = wait;
  }

  BufferAllocator allocator() {
    return allocator;
  }

  /**
   * Closes the allocator once every buffer is back. When the client has not taken the last messages
   * within the wait (or the thread is interrupted at shutdown), the allocator is left open with a
   * warning: its buffers are freed when the connection closes, and closing it under them would
   * only turn that into an error.
   */
  @Override
  public void close() {
    long deadline = System.nanoTime() + wait.toNanos();
    long pause = 1;
    while (allocator.getAllocatedMemory() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        LOG.warnf("A Flight stream's last %d bytes were not taken by its client within %s; they are freed when its connection closes",
            allocator.getAllocatedMemory(), wait);
        return;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.debugf("Interrupted while a Flight stream's last %d bytes were queued for its client", allocator.getAllocatedMemory());
        return;
      }
      pause = Math.min(MAX_PAUSE_MS, pause * 2);
    }
    allocator.close();
  }
}
