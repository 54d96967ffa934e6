package io.goldgate.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import java.time.Duration;

/**
 * One object-store provider: read-only file access for Delta Kernel and the Arrow read path, and
 * the pre-signed URLs recipients download data files from without passing through the gateway.
 * Built lazily by {@link Storage} the first time a location of its provider is used.
 */
public interface ObjectStore extends AutoCloseable {

  /** Read-only Kernel file access to this provider's URIs. */
  FileIO fileIO();

  /**
   * A URL the store itself serves one object at, valid for at least {@code ttl} and for reading
   * that object only.
   *
   * @param relativePath the file's path under the table, decoded
   */
  String presign(TableLocation table, String relativePath, Duration ttl);

  /**
   * Fails when this store cannot sign URLs for the table's files at all (credentials without a
   * signing key, an operator's SAS token), so a response fails before it starts rather than
   * halfway through its files. May reach the store for what signing needs (a signing key).
   *
   * @throws io.goldgate.GoldgateException saying why, without naming the table
   */
  default void requireSigning(TableLocation table) {}

  @Override
  void close();
}
