package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.arrow.SplitReader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the warm-up ends, without a gateway: a failure is only a state (and a WARN), never an
 * exception out of its thread, and every ending closes its allocator and deletes its scratch copy.
 * Local files without deletion vectors need neither Delta Kernel's engine nor storage.
 */
class ReadPathWarmUpFailureTest {

  private static final Function<BufferAllocator, SplitReader> READERS = a -> new SplitReader(a, null, null, 65_536, 1L << 30);

  private BufferAllocator root;

  @BeforeEach
  void allocate() {
    root = new RootAllocator();
  }

  @AfterEach
  void nothingLeaked() {
    assertEquals(0, root.getAllocatedMemory());
    assertTrue(root.getChildAllocators().isEmpty(), "the warm-up's allocator is closed");
    root.close();
  }

  private static ReadPathWarmUp ended(ReadPathWarmUp warmUp) throws InterruptedException {
    assertTrue(warmUp.await(Duration.ofMinutes(1)), "the warm-up ended");
    return warmUp;
  }

  @Test
  void theBundledFileIsReadAndItsCopyDeleted() throws Exception {
    ReadPathWarmUp warmUp = ended(ReadPathWarmUp.start(root, READERS, ReadPathWarmUp.RESOURCE, () -> true));
    assertEquals(ReadPathWarmUp.State.DONE, warmUp.state());
    assertEquals(ReadPathWarmUp.ROWS, warmUp.rows());
    assertFalse(Files.exists(warmUp.scratch()));
  }

  @Test
  void aFileTheNativeReaderCannotReadIsAFailedWarmUpAndNothingElse() throws Exception {
    ReadPathWarmUp warmUp = ended(ReadPathWarmUp.start(root, READERS, "not-parquet.txt", () -> true));
    assertEquals(ReadPathWarmUp.State.FAILED, warmUp.state());
    assertEquals(0, warmUp.rows());
    assertFalse(Files.exists(warmUp.scratch()));
  }

  @Test
  void aMissingFileIsAFailedWarmUp() throws Exception {
    ReadPathWarmUp warmUp = ended(ReadPathWarmUp.start(root, READERS, "no-such-file.parquet", () -> true));
    assertEquals(ReadPathWarmUp.State.FAILED, warmUp.state());
    assertFalse(Files.exists(warmUp.scratch()));
  }

  @Test
  void aWarmUpCancelledBeforeStartUpFinishedReadsNothing() throws Exception {
    ReadPathWarmUp warmUp = ReadPathWarmUp.start(root, READERS, ReadPathWarmUp.RESOURCE, () -> false);
    assertEquals(ReadPathWarmUp.State.WAITING, warmUp.state());
    warmUp.cancel();
    ended(warmUp);
    assertEquals(ReadPathWarmUp.State.CANCELLED, warmUp.state());
    assertNull(warmUp.scratch(), "no scratch copy was made");
  }
}
