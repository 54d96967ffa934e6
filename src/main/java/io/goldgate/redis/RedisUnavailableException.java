package io.goldgate.redis;

/** Redis did not answer within the configured timeout, or is unreachable. */
public class RedisUnavailableException extends RuntimeException {
  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
