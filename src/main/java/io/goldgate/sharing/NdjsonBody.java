package io.goldgate.sharing;

import java.io.IOException;

/**
 * The lines of an NDJSON response, written lazily: everything that can fail with a clean error
 * (lookup, validation, log replay, pruning) happens before the first byte is sent; the body only
 * formats and signs.
 */
@FunctionalInterface
public interface NdjsonBody {

  void writeTo(Sink sink) throws IOException;

  @FunctionalInterface
  interface Sink {
    void line(Object action) throws IOException;
  }
}
