package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the Flight connection's socket is given for a frame of a batch: the same bytes, off-heap, uncopied where they were. */
class DirectWritesTest {

  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  /** A frame as Arrow builds it: a small heap header, then off-heap body buffers, a heap padding between. */
  private static CompositeByteBuf frame(ByteBuf body1, ByteBuf body2) {
    CompositeByteBuf frame = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    frame.addComponent(true, Unpooled.copiedBuffer("header", StandardCharsets.US_ASCII));
    frame.addComponent(true, body1);
    frame.addComponent(true, Unpooled.wrappedBuffer(new byte[] {0, 0, 0}));
    frame.addComponent(true, body2);
    return frame;
  }

  private static ByteBuf randomDirect(Random random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return Unpooled.directBuffer(size).writeBytes(bytes);
  }

  @Test
  void givenASliceOfAMixedFrame_thenItBecomesOffHeapWithTheSameBytesAndTheBodyUncopied() {
    Random random = new Random(42);
    ByteBuf body1 = randomDirect(random, 70_000);
    ByteBuf body2 = randomDirect(random, 5_000);
    CompositeByteBuf frame = frame(body1, body2);
    byte[] expected = ByteBufUtil.getBytes(frame, 3, frame.readableBytes() - 10);
    // As the HTTP/2 writer hands out a frame's data: a retained slice, which the channel then owns.
    ByteBuf slice = frame.retainedSlice(3, frame.readableBytes() - 10);
    frame.release();

    ByteBuf out = DirectWrites.direct(ALLOC, slice);

    assertTrue(out.isDirect(), "the channel writes it as it is, without a copy of its own");
    assertArrayEquals(expected, ByteBufUtil.getBytes(out));
    long body1Address = body1.memoryAddress();
    boolean shared = false;
    for (ByteBuffer part : out.nioBuffers()) {
      shared |= part.isDirect() && PlatformDependent.directBufferAddress(part) == body1Address;
    }
    assertTrue(shared, "the first body buffer is written from its own memory");
    assertEquals(1, slice.refCnt(), "the source is kept while the socket may still read it");
    out.release();
    assertEquals(0, body1.refCnt(), "releasing what was written releases the frame's buffers");
    assertEquals(0, body2.refCnt());
  }

  @Test
  void givenRandomFramesAndSlices_thenTheBytesAreAlwaysTheSame() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      ByteBuf body1 = randomDirect(random, random.nextInt(1, 20_000));
      ByteBuf body2 = randomDirect(random, random.nextInt(1, 20_000));
      CompositeByteBuf frame = frame(body1, body2);
      int from = random.nextInt(frame.readableBytes());
      int length = random.nextInt(1, frame.readableBytes() - from + 1);
      byte[] expected = ByteBufUtil.getBytes(frame, from, length);
      ByteBuf out = DirectWrites.direct(ALLOC, frame.retainedSlice(from, length));
      frame.release();
      assertArrayEquals(expected, ByteBufUtil.getBytes(out), "round " + round);
      out.release();
      assertEquals(0, body1.refCnt(), "round " + round);
      assertEquals(0, body2.refCnt(), "round " + round);
    }
  }

  @Test
  void givenAnOffHeapOrSinglePartBuffer_thenItIsPassedOnAsItIs() {
    ByteBuf direct = Unpooled.directBuffer(16).writeLong(1).writeLong(2);
    assertSame(direct, DirectWrites.direct(ALLOC, direct));
    ByteBuf heap = Unpooled.buffer(8).writeLong(3);
    assertSame(heap, DirectWrites.direct(ALLOC, heap));
    ByteBuf empty = Unpooled.compositeBuffer();
    assertSame(empty, DirectWrites.direct(ALLOC, empty));
    direct.release();
    heap.release();
    empty.release();
  }
}
