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
    int status = status(e.kind());
    if (e.kind() == GoldgateException.Kind.DATA_ERROR) {
      LOG.warn(e.getMessage(), e.getCause());
    }
    Response response = error(status, code(e.kind()), e.getMessage());
    return switch (e.kind()) {
      case UNAUTHENTICATED -> Response.fromResponse(response).header("WWW-Authenticate", bearerChallenge(e)).build();
      case UNAVAILABLE -> Response.fromResponse(response).header("Retry-After", "1").build();
      default -> response;
    };
  }

  /** The HTTP status of a domain failure; routes outside the REST layer answer with it too. */
  public static int status(GoldgateException.Kind kind) {
    return switch (kind) {
      case NOT_FOUND -> 404;
      case INVALID_ARGUMENT, MALFORMED, UNSUPPORTED -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case CONFLICT -> 409;
      case UNAVAILABLE -> 503;
      case DATA_ERROR -> 500;
    };
  }

  /** The protocol's {@code errorCode} of a domain failure. */
  public static String code(GoldgateException.Kind kind) {
    return switch (kind) {
      case NOT_FOUND -> "RESOURCE_DOES_NOT_EXIST";
      case INVALID_ARGUMENT -> "INVALID_PARAMETER_VALUE";
      case MALFORMED -> "MALFORMED_REQUEST";
      case UNSUPPORTED -> "UNSUPPORTED_OPERATION";
      case UNAUTHENTICATED -> "UNAUTHENTICATED";
      case PERMISSION_DENIED -> "PERMISSION_DENIED";
      case CONFLICT -> "RESOURCE_CONFLICT";
      case UNAVAILABLE -> "TEMPORARILY_UNAVAILABLE";
      case DATA_ERROR -> "INTERNAL_ERROR";
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
