package io.goldgate.flight;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Lets a Flight batch reach the socket without a copy. Arrow frames a batch as a composite of a
 * small heap header and the batch's own off-heap buffers, and Netty's NIO channel copies any buffer
 * that is not wholly off-heap into a new one before writing it: for a 4 MiB HTTP/2 frame, a 4 MiB
 * allocation and a copy on the event loop. Placed first in each connection's pipeline, this handler
 * hands the channel the same bytes as a composite in which only the heap parts are copied, so the
 * batch's buffers go to the socket in one gathering write, straight from Arrow's memory.
 */
@ChannelHandler.Sharable
final class DirectWrites extends ChannelOutboundHandlerAdapter {

  static final DirectWrites INSTANCE = new DirectWrites();

  private DirectWrites() {}

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    ctx.write(msg instanceof ByteBuf buf ? direct(ctx.alloc(), buf) : msg, promise);
  }

  /**
   * The bytes of {@code buf} as a wholly off-heap buffer, taking over the caller's reference to
   * it: {@code buf} itself when it is off-heap or has a single part (the channel copies those as
   * before), else a composite of views of its off-heap parts and copies of its heap parts, which
   * releases {@code buf} when it is released.
   */
  static ByteBuf direct(ByteBufAllocator alloc, ByteBuf buf) {
    if (buf.isDirect() || !buf.isReadable() || buf.nioBufferCount() < 2) {
      return buf;
    }
    ByteBuffer[] parts = buf.nioBuffers();
    Holding out = new Holding(alloc, parts.length, buf);
    try {
      for (ByteBuffer part : parts) {
        if (part.hasRemaining()) {
          out.addComponent(true, part.isDirect() ? Unpooled.wrappedBuffer(part) : alloc.directBuffer(part.remaining()).writeBytes(part));
        }
      }
    } catch (RuntimeException | Error e) {
      out.release();
      throw e;
    }
    return out;
  }

  /** A composite of views into {@code source}'s memory: keeps {@code source} until it is released. */
  private static final class Holding extends CompositeByteBuf {
    private final ByteBuf source;

    Holding(ByteBufAllocator alloc, int parts, ByteBuf source) {
      super(alloc, true, parts);
      this.source = source;
    }

    @Override
    protected void deallocate() {
      try {
        super.deallocate();
      } finally {
        source.release();
      }
    }
  }

  /** The Flight server's listening channel: every connection it accepts writes through {@link DirectWrites}. */
  static final class ServerChannel extends NioServerSocketChannel {
    @Override
    protected int doReadMessages(List<Object> accepted) throws Exception {
      int count = super.doReadMessages(accepted);
      for (int i = accepted.size() - count; i < accepted.size(); i++) {
        ((Channel) accepted.get(i)).pipeline().addFirst(INSTANCE);
      }
      return count;
    }
  }
}
