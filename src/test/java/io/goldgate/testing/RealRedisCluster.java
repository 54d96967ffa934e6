package io.goldgate.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real three-node Redis Cluster (three redis-server processes with cluster mode on, slots split
 * evenly, no replicas), built with plain CLUSTER commands so no redis-cli is needed.
 */
public class RealRedisCluster implements QuarkusTestResourceLifecycleManager {

  static final int NODES = 3;
  private static final int SLOTS = 16384;
  private static final List<Integer> ports = new ArrayList<>();
  private static Path dir;

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("goldgate-redis-cluster");
      ports.clear();
      while (ports.size() < NODES) {
        int port = ThreadLocalRandom.current().nextInt(20000, 30000);
        // The cluster bus listens on port + 10000.
        if (!ports.contains(port) && free(port) && free(port + 10000)) {
          ports.add(port);
        }
      }
      for (int port : ports) {
        launch(port);
      }
      for (int i = 0; i < NODES; i++) {
        int from = i * SLOTS / NODES;
        int to = (i + 1) * SLOTS / NODES;
        String slots = IntStream.range(from, to).mapToObj(String::valueOf).collect(Collectors.joining(" "));
        expectOk(RealRedis.send(ports.get(i), "CLUSTER ADDSLOTS " + slots));
        if (i > 0) {
          expectOk(RealRedis.send(ports.get(0), "CLUSTER MEET 127.0.0.1 " + ports.get(i)));
        }
      }
      awaitClusterOk();
      // No background store check: the tests restart a master and look at what it left themselves.
      return Map.of("goldgate.redis.url", "redis://127.0.0.1:" + ports.get(0), "goldgate.redis.cluster", "true", "goldgate.redis.timeout", "500ms",
          "goldgate.features.store-check-interval", "0s");
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void launch(int port) throws IOException, InterruptedException {
    new ProcessBuilder(RealRedis.binary().toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(), "--dir", dir.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    awaitPong(port);
  }

  private static void awaitClusterOk() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (!ports.stream().allMatch(p -> RealRedis.send(p, "CLUSTER INFO").contains("cluster_state:ok"))) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the Redis Cluster on ports " + ports + " did not reach cluster_state:ok");
      }
      Thread.sleep(100);
    }
  }

  /**
   * Stops one master and starts it again on the same port and node file: it owns the same slots
   * and holds no keys (nothing is persisted), as a master restarted without persistence does.
   */
  public static void restartEmpty(int port) {
    RealRedis.shutdown(port);
    try {
      launch(port);
      awaitClusterOk();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void stop() {
    ports.forEach(RealRedis::shutdown);
  }

  /** The ports of the cluster's nodes. */
  public static List<Integer> ports() {
    return List.copyOf(ports);
  }

  /** How many keys one node holds. */
  public static long keysOn(int port) {
    String reply = RealRedis.send(port, "DBSIZE").strip();
    return Long.parseLong(reply.substring(1));
  }

  /** How many of the node's keys are the gateway's own (goldgate:*): watermarks, markers, their copies. */
  public static long ownKeysOn(int port) {
    String reply = RealRedis.send(port, "EVAL \"return #redis.call('KEYS', 'goldgate:*')\" 0").strip();
    return Long.parseLong(reply.substring(1));
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitPong(int port) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!RealRedis.send(port, "PING").startsWith("+PONG")) {
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException("redis-server did not answer on port " + port);
      Thread.sleep(50);
    }
  }

  private static void expectOk(String reply) {
    if (!reply.startsWith("+OK")) {
      throw new IllegalStateException("Redis Cluster setup failed: " + reply);
    }
  }
}
