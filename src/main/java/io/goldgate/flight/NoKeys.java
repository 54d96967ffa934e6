package io.goldgate.flight;

import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The answer to GetPrimaryKeys, GetExportedKeys, GetImportedKeys and GetCrossReference: Delta
 * tables declare no keys, so every one is an empty batch of the command's schema. JDBC tools ask
 * for keys while browsing any table and treat an error as a broken connection, an empty answer as
 * "no keys". The answer is the same for any name, granted or not, so it tells nothing about
 * tables a caller may not see.
 */
final class NoKeys {

  private NoKeys() {}

  static void send(Schema schema, BufferAllocator allocator, ServerStreamListener listener) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.setRowCount(0);
      listener.start(root);
      listener.putNext();
      listener.completed();
    } catch (RuntimeException e) {
      listener.error(CallStatus.INTERNAL.withDescription("Cannot list keys: " + e.getMessage()).toRuntimeException());
    }
  }
}
