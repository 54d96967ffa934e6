package io.goldgate.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.testing.Await;
import io.goldgate.testing.RealRedis;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real redis-server, on event loops standing in for the HTTP server's. */
class EventLoopReadersTest {

  private static int port;
  private static NioEventLoopGroup loops;

  @BeforeAll
  static void startRedisAndLoops() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    RealRedis.start(port);
    RealRedis.send(port, "SET k v");
    loops = new NioEventLoopGroup(3);
  }

  @AfterAll
  static void stop() {
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    RealRedis.shutdown(port);
  }

  @Test
  void givenOneConnectionPerLoop_whenALoopReads_thenTheReplyIsHandledOnThatSameLoop() throws Exception {
    try (EventLoopReaders readers = EventLoopReaders.connect(loops, RedisURI.create("redis://127.0.0.1:" + port), ClientOptions.create())) {
      Set<StatefulRedisConnection<byte[], byte[]>> distinct = new HashSet<>();
      for (EventExecutor executor : loops) {
        EventLoop loop = (EventLoop) executor;
        Thread loopThread = loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
        CompletableFuture<Thread> repliedOn = new CompletableFuture<>();
        CompletableFuture<String> value = new CompletableFuture<>();
        loop.execute(() -> {
          StatefulRedisConnection<byte[], byte[]> own = readers.forCurrentThread();
          if (own == null) {
            value.completeExceptionally(new AssertionError("a loop without its connection"));
            return;
          }
          distinct.add(own);
          own.async().get("k".getBytes(StandardCharsets.UTF_8)).thenAccept(v -> {
            repliedOn.complete(Thread.currentThread());
            value.complete(new String(v, StandardCharsets.UTF_8));
          });
        });
        assertEquals("v", value.get(5, TimeUnit.SECONDS));
        assertSame(loopThread, repliedOn.get(5, TimeUnit.SECONDS), "the reply came back on the loop that asked: no hand-over to another thread");
      }
      assertEquals(3, distinct.size(), "one connection per loop");
      assertNull(readers.forCurrentThread(), "off the loops there is none: callers use the shared connection");
    }
  }

  @Test
  void givenRedisDroppedEveryConnection_whenTheyHaveReconnected_thenEachLoopStillReadsOnItsOwnThread() throws Exception {
    try (EventLoopReaders readers = EventLoopReaders.connect(loops, RedisURI.create("redis://127.0.0.1:" + port), ClientOptions.create())) {
      for (int drop = 0; drop < 3; drop++) {
        assertTrue(RealRedis.send(port, "CLIENT KILL TYPE normal").startsWith(":"), "Redis dropped its clients");
        for (EventExecutor executor : loops) {
          EventLoop loop = (EventLoop) executor;
          Thread loopThread = loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
          Thread[] repliedOn = new Thread[1];
          Await.until("loop " + loopThread.getName() + " reads again", Duration.ofSeconds(20), () -> {
            repliedOn[0] = readOn(loop, readers);
            return repliedOn[0] != null;
          });
          assertSame(loopThread, repliedOn[0], "after reconnect " + (drop + 1) + " the reply came back on the loop that asked");
        }
      }
    }
  }

  /** The thread a GET issued on {@code loop} over its own connection was answered on; null if it failed. */
  private static Thread readOn(EventLoop loop, EventLoopReaders readers) {
    CompletableFuture<Thread> repliedOn = new CompletableFuture<>();
    loop.execute(() -> readers.forCurrentThread().async().get("k".getBytes(StandardCharsets.UTF_8))
        .whenComplete((value, failure) -> repliedOn.complete(failure == null ? Thread.currentThread() : null)));
    try {
      return repliedOn.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return null;
    }
  }
}
