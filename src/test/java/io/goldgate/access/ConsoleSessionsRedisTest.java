package io.goldgate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.redis.RedisConnection;
import io.goldgate.redis.RedisUnavailableException;
import io.goldgate.testing.HandClock;
import io.goldgate.testing.RealRedis;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas sharing a real Redis: a sign-out on one ends the session on the other, with a TTL
 * that ends at the session's expiry; without Redis answering, a sign-out changes nothing and says so.
 */
class ConsoleSessionsRedisTest {

  private final RealRedis server = new RealRedis();
  private RedisConnection one;
  private RedisConnection two;
  private final HandClock clock = new HandClock();

  @BeforeEach
  void start() {
    String url = server.start().get("goldgate.redis.url");
    one = new RedisConnection(url, false, Duration.ofSeconds(2));
    two = new RedisConnection(url, false, Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    one.close();
    two.close();
    server.stop();
  }

  private ConsoleSessions replica(RedisConnection redis) {
    return new ConsoleSessions(
        new Signer(ConsoleSessionsTest.SIGNING_KEY), new AdminToken(ConsoleSessionsTest.ADMIN_TOKEN), ConsoleSessionsTest.LIFETIME, redis, clock);
  }

  @Test
  void givenASignOutOnOneReplica_thenTheOtherRefusesTheSessionToo() {
    ConsoleSessions a = replica(one);
    ConsoleSessions b = replica(two);
    ConsoleSessions.Session out = a.open();
    ConsoleSessions.Session on = a.open();
    assertTrue(b.verify(out.cookie()).isPresent());

    a.close(out);

    assertEquals(Optional.empty(), b.verify(out.cookie()));
    assertEquals(Optional.of(on), b.verify(on.cookie()));
    long ttl = one.await(one.strings().ttl(RevokedSessions.REDIS_PREFIX + out.nonce()));
    assertTrue(ttl > 0 && ttl <= ConsoleSessionsTest.LIFETIME.toSeconds(), "the key lives until the session would have expired: " + ttl);
  }

  @Test
  void givenRedisDown_thenSignOutFailsWithoutEndingTheSessionAnywhere_andNoSessionVerifies() {
    ConsoleSessions a = replica(one);
    ConsoleSessions.Session session = a.open();
    server.stop();

    assertThrows(RedisUnavailableException.class, () -> a.close(session));
    assertThrows(RedisUnavailableException.class, () -> a.verify(session.cookie()), "a session that may be signed out is not believed");
  }
}
