package io.goldgate.flight.sql;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/** A table with a schema and no rows: what a query is described over, so describing reads nothing. */
final class EmptyReader extends ArrowReader {

  private final Schema schema;

  EmptyReader(BufferAllocator allocator, Schema schema) {
    super(allocator);
    this.schema = schema;
  }

  @Override
  public boolean loadNextBatch() {
    return false;
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() {}

  @Override
  protected Schema readSchema() {
    return schema;
  }
}
