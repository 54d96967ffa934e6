package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * A stream's memory when gRPC still holds the last batches it was handed without a copy; a buffer
 * kept by a test stands for a message Netty has not written yet.
 */
class StreamMemoryTest {

  @Test
  void givenNothingHeld_thenCloseClosesTheAllocatorAtOnce() {
    try (BufferAllocator root = new RootAllocator()) {
      StreamMemory memory = new StreamMemory(root, "stream", 1 << 20, Duration.ofSeconds(5));
      memory.allocator().buffer(1024).close();
      memory.close();
      assertTrue(root.getChildAllocators().isEmpty());
    }
  }

  @Test
  void givenABufferStillQueued_thenCloseWaitsForItsReleaseAndThenCloses() throws Exception {
    try (BufferAllocator root = new RootAllocator()) {
      StreamMemory memory = new StreamMemory(root, "stream", 1 << 20, Duration.ofSeconds(30));
      ArrowBuf queued = memory.allocator().buffer(4096);
      CompletableFuture<Void> closing = CompletableFuture.runAsync(memory::close);
      Thread.sleep(200);
      assertTrue(!closing.isDone(), "close waits while a buffer is held");
      queued.close();
      closing.get(5, TimeUnit.SECONDS);
      assertTrue(root.getChildAllocators().isEmpty());
      assertEquals(0, root.getAllocatedMemory());
    }
  }

  @Test
  void givenABufferNeverReleased_thenCloseGivesUpAfterTheWaitAndLeavesTheAllocatorOpen() {
    try (BufferAllocator root = new RootAllocator()) {
      StreamMemory memory = new StreamMemory(root, "stream", 1 << 20, Duration.ofMillis(100));
      ArrowBuf stuck = memory.allocator().buffer(4096);
      long started = System.nanoTime();
      memory.close();
      assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(100));
      assertEquals(1, root.getChildAllocators().size(), "left open, not closed under a held buffer");
      // The connection closing later frees the buffer; the allocator can then close.
      stuck.close();
      memory.allocator().close();
    }
  }
}
