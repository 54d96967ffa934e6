package io.goldgate.http;

import io.goldgate.GoldgateException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into the protocol's {@code {"errorCode","message"}} body. */
public class ErrorResponses {

  private static final Logger LOG = Logger.getLogger(ErrorResponses.class);

  @ServerExceptionMapper
  public Response domain(GoldgateException e) {
    return switch (e.kind()) {
      case NOT_FOUND -> error(404, "RESOURCE_DOES_NOT_EXIST", e.getMessage());
      case INVALID_ARGUMENT -> error(400, "INVALID_PARAMETER_VALUE", e.getMessage());
      case MALFORMED -> error(400, "MALFORMED_REQUEST", e.getMessage());
      case UNSUPPORTED -> error(400, "UNSUPPORTED_OPERATION", e.getMessage());
      case UNAUTHENTICATED ->
          Response.fromResponse(error(401, "UNAUTHENTICATED", e.getMessage())).header("WWW-Authenticate", bearerChallenge(e)).build();
      case PERMISSION_DENIED -> error(403, "PERMISSION_DENIED", e.getMessage());
      case CONFLICT -> error(409, "RESOURCE_CONFLICT", e.getMessage());
      case UNAVAILABLE -> Response.fromResponse(error(503, "TEMPORARILY_UNAVAILABLE", e.getMessage())).header("Retry-After", "1").build();
      case DATA_ERROR -> {
        LOG.warn(e.getMessage(), e.getCause());
        yield error(500, "INTERNAL_ERROR", e.getMessage());
      }
    };
  }

  /**
   * RFC 6750's challenge; a refused signed token also gets {@code error="invalid_token"} and its
   * reason, so an OAuth client library can tell an expired token (fetch another) from the rest.
   */
  private static String bearerChallenge(GoldgateException e) {
    if (e.reason() != null) {
      return "Bearer realm=\"goldgate\", error=\"invalid_token\", error_description=\"" + e.reason() + "\"";
    }
    return "Bearer realm=\"goldgate\"";
  }

  /** Gateway state in a Redis that is down or slow: a retryable 503, never a 500. */
  @ServerExceptionMapper
  public Response redisUnavailable(io.goldgate.redis.RedisUnavailableException e) {
    return domain(new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "Redis is unavailable: " + e.getMessage()));
  }

  @ServerExceptionMapper
  public Response notFound(NotFoundException e) {
    return error(404, "RESOURCE_DOES_NOT_EXIST", "No such endpoint");
  }

  @ServerExceptionMapper
  public Response notAllowed(NotAllowedException e) {
    return Response.fromResponse(error(405, "UNSUPPORTED_OPERATION", "This method is not allowed on this endpoint"))
        .allow(e.getResponse().getAllowedMethods())
        .build();
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      return unexpected(e);
    }
    return error(status, status == 415 || status == 400 ? "MALFORMED_REQUEST" : "INVALID_PARAMETER_VALUE", e.getMessage());
  }

  /** Never leak internals: log the cause under a reference the caller can quote. */
  @ServerExceptionMapper
  public Response unexpected(Throwable e) {
    String reference = UUID.randomUUID().toString();
    LOG.errorf(e, "Internal error %s", reference);
    return error(500, "INTERNAL_ERROR", "Internal error (reference " + reference + ")");
  }

  static Response error(int status, String code, String message) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ErrorResponse(code, message)).build();
  }
}
