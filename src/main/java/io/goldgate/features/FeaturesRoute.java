package io.goldgate.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.CompletionFailures;
import io.goldgate.GoldgateException;
import io.goldgate.access.BearerAuthenticator;
import io.goldgate.access.Recipient;
import io.goldgate.access.TrustedProxies;
import io.goldgate.audit.AuditLog;
import io.goldgate.http.ErrorResponses;
import io.goldgate.http.RoutePaths;
import io.goldgate.redis.RedisUnavailableException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.context.ManagedExecutor;

/**
 * Feast's HTTP feature server API ({@code POST /get-online-features}), as a plain Vert.x route.
 * Online lookups are the gateway's latency-critical path: the route keeps a lookup on the event
 * loop that received it, where its Redis reads also run ({@link
 * io.goldgate.redis.RedisConnection#nonBlockingReadConnection()}), and the response goes out from
 * the buffer it was rendered into, with no JAX-RS request context, filters or entity writers on
 * the way. Callers authenticate with the same bearer tokens as Delta Sharing, and errors have the
 * same statuses, headers and bodies as the JAX-RS endpoints.
 */
@ApplicationScoped
public class FeaturesRoute {

  public static final String PATH = RoutePaths.ONLINE_FEATURES;
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private final OnlineFeatures online;
  private final BearerAuthenticator authenticator;
  private final ObjectMapper json;
  private final ManagedExecutor lookups;
  private final AuditLog audit;
  private final TrustedProxies proxies;
  private final ErrorResponses errors = new ErrorResponses();
  private final long maxBodyBytes;

  public FeaturesRoute(OnlineFeatures online, BearerAuthenticator authenticator, ObjectMapper json, ManagedExecutor lookups, AuditLog audit,
      TrustedProxies proxies, @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBodySize) {
    this.online = online;
    this.authenticator = authenticator;
    this.json = json;
    this.lookups = lookups;
    this.audit = audit;
    this.proxies = proxies;
    this.maxBodyBytes = maxBodySize.asLongValue();
  }

  void register(@Observes Router router) {
    router.post(PATH).handler(this::handle);
    router.route(PATH).handler(this::methodNotAllowed);
  }

  private void handle(RoutingContext context) {
    HttpServerRequest request = context.request();
    // A declared length over the limit never gets here: the HTTP server answers 413 itself.
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    // The declared length sizes the buffer, up to a bound: a client could declare and not send.
    Buffer body = Buffer.buffer(length == null ? 256 : (int) Math.clamp(parseLength(length), 0, 64 * 1024));
    request.handler(chunk -> {
      if (body.length() + chunk.length() > maxBodyBytes) {
        request.handler(null);
        tooLarge(context);
        return;
      }
      body.appendBuffer(chunk);
    });
    request.endHandler(ended -> {
      if (!context.response().ended()) {
        lookup(context, request.getHeader(HttpHeaders.AUTHORIZATION), body);
      }
    });
    request.resume();
  }

  private void lookup(RoutingContext context, String authorization, Buffer body) {
    // Runs on the I/O thread: nothing here waits, and runtime tokens are looked up elsewhere.
    String address = proxies.clientAddress(context);
    // A runtime token is looked up on another thread: come back to this event loop for the read,
    // which then uses this loop's own Redis connection.
    Context loop = Vertx.currentContext();
    Executor onThisLoop = task -> {
      if (loop == null || Vertx.currentContext() == loop) {
        task.run();
      } else {
        loop.runOnContext(ignored -> task.run());
      }
    };
    // Made when the answer is rendered; released here should the lookup fail after that.
    BufferOutput[] rendered = new BufferOutput[1];
    authenticator.authenticateWithoutBlocking(authorization, address, lookups)
        .thenComposeAsync(principal -> {
          Recipient recipient = principal.recipient();
          JsonNode request = parse(body);
          return online.get(request, recipient, size -> rendered[0] = new BufferOutput(size)).thenApply(answer -> {
            // Lookups are counted per recipient, not audited one by one: they are too many and too small.
            audit.countFeatureLookup(recipient.name(), entityRows(request));
            return answer;
          });
        }, onThisLoop)
        .whenComplete((answer, failure) -> {
          if (failure == null) {
            send(context, answer);
          } else {
            if (rendered[0] != null) {
              rendered[0].release();
            }
            fail(context, CompletionFailures.unwrap(failure), 0);
          }
        });
  }

  /** Answers 413 to a chunked body that grows over the limit, and stops reading it. */
  private void tooLarge(RoutingContext context) {
    context.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    fail(context, new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body is larger than " + maxBodyBytes + " bytes"), 413);
    context.request().connection().close();
  }

  private void methodNotAllowed(RoutingContext context) {
    HttpServerResponse response = context.response();
    response.putHeader(HttpHeaders.ALLOW, "POST");
    write(response, errors.notAllowed(new jakarta.ws.rs.NotAllowedException("POST")), 0);
  }

  /** The same status, headers and body the JAX-RS endpoints give for the same failure. */
  private void fail(RoutingContext context, Throwable failure, int status) {
    Response error;
    if (failure instanceof GoldgateException e) {
      error = errors.domain(e);
    } else if (failure instanceof RedisUnavailableException e) {
      error = errors.redisUnavailable(e);
    } else {
      error = errors.unexpected(failure);
    }
    write(context.response(), error, status);
  }

  private void write(HttpServerResponse response, Response error, int status) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(status == 0 ? error.getStatus() : status);
    error.getStringHeaders().forEach((name, values) -> {
      if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE.toString())) {
        response.putHeader(name, values);
      }
    });
    try {
      response.putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Buffer.buffer(json.writeValueAsBytes(error.getEntity())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a rendered answer and releases its memory once it is written, or could not be. */
  private static void send(RoutingContext context, BufferOutput answer) {
    try {
      context.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(answer.buffer()).onComplete(written -> answer.release());
    } catch (RuntimeException e) {
      answer.release();
      throw e;
    }
  }

  /**
   * Collects a response in pooled direct memory, which the HTTP server writes to the socket as it
   * is. A response runs to hundreds of kilobytes: on the heap it was half of all a 100-entity
   * lookup allocated, so young collections came twice as often, and it was copied into direct
   * memory once more on the way out.
   */
  private static final class BufferOutput extends OutputStream {
    private final ByteBuf bytes;

    BufferOutput(int sizeHint) {
      bytes = PooledByteBufAllocator.DEFAULT.directBuffer(sizeHint);
    }

    /** The response for the server to write: Vert.x wraps it so that writing does not release it. */
    Buffer buffer() {
      return Buffer.buffer(bytes);
    }

    void release() {
      bytes.release();
    }

    @Override
    public void write(int b) {
      bytes.writeByte(b);
    }

    @Override
    public void write(byte[] source, int offset, int length) {
      bytes.writeBytes(source, offset, length);
    }
  }

  private static long parseLength(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int entityRows(JsonNode request) {
    var columns = request.path("entities").elements();
    return columns.hasNext() ? columns.next().size() : 0;
  }

  private JsonNode parse(Buffer body) {
    JsonNode request;
    try {
      request = body.length() == 0 ? null : json.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (request == null || !request.isObject()) {
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body must be a JSON object");
    }
    return request;
  }
}
