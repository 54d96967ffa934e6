package io.goldgate.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A real redis-server for tests, never a mock: the one on the PATH (Debian's redis-server), else
 * the Linux binary that com.github.codemonstur:embedded-redis ships. Tests may stop it and start it
 * again on the same port to check that serving degrades to 503 and recovers.
 */
public class RealRedis implements QuarkusTestResourceLifecycleManager {

  private int port;

  @Override
  public Map<String, String> start() {
    IllegalStateException last = null;
    // Another process may take the free port between the probe and redis-server's bind.
    for (int attempt = 0; attempt < 5; attempt++) {
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      try {
        start(port);
        return Map.of("goldgate.redis.url", "redis://127.0.0.1:" + port, "goldgate.redis.timeout", "300ms");
      } catch (IllegalStateException e) {
        last = e;
      }
    }
    throw last;
  }

  @Override
  public void stop() {
    shutdown(port);
  }

  /** The port of the Redis a test talks to, from the gateway's own configuration. */
  public static int configuredPort() {
    String url = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("goldgate.redis.url", String.class);
    return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
  }

  static Path binary() throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate)) return candidate;
    }
    Path extracted = Path.of(System.getProperty("java.io.tmpdir"), "goldgate-test-redis-server-6.2.6");
    if (!Files.isExecutable(extracted)) {
      try (InputStream in = RealRedis.class.getResourceAsStream("/redis-server-6.2.6-v5-linux-amd64")) {
        if (in == null) throw new IllegalStateException("No redis-server on the PATH and no embedded binary for this platform");
        Path tmp = Files.createTempFile("redis-server", ".tmp");
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        tmp.toFile().setExecutable(true);
        Files.move(tmp, extracted, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    return extracted;
  }

  /**
   * Starts redis-server on the port (no persistence) and waits until it answers PING. Its working
   * directory is unique, so a server that answers but is not this one (another test run's, on a
   * reused port) is noticed.
   */
  public static void start(int port) {
    try {
      Path dir = Files.createTempDirectory("goldgate-test-redis").toRealPath();
      Process process = new ProcessBuilder(binary().toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
              "--dir", dir.toString())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline && process.isAlive()) {
        if (send(port, "PING").startsWith("+PONG")) {
          if (!send(port, "CONFIG GET dir").contains(dir.toString())) {
            process.destroy();
            throw new IllegalStateException("port " + port + " is taken by another redis-server");
          }
          return;
        }
        Thread.sleep(50);
      }
      process.destroy();
      throw new IllegalStateException("redis-server did not start on port " + port);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the server on the port, as an operator's SHUTDOWN would. */
  public static void shutdown(int port) {
    send(port, "SHUTDOWN NOSAVE");
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline && send(port, "PING").startsWith("+PONG")) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One inline command over a raw socket; the reply's first line, or "" when nothing answers. */
  public static String send(int port, String command) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(2_000);
      OutputStream out = socket.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buffer = new byte[256];
      int n = socket.getInputStream().read(buffer);
      return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }
}
