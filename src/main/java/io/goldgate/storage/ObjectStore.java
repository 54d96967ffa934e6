package io.goldgate.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import java.time.Duration;
import java.util.Optional;

/**
 * One object-store provider: read-only file access for Delta Kernel and the Arrow read path, and
 * the pre-signed URLs recipients download data files from without passing through the gateway.
 * Built lazily by {@link Storage} the first time a location of its provider is used.
 */
interface ObjectStore extends AutoCloseable {

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
   * Why this store cannot pre-sign URLs for the table's files (for the caller to refuse the
   * request before it starts answering), or empty when it can. May reach the store to get what
   * signing needs (a signing key), and throws {@link io.goldgate.GoldgateException} when that fails.
   */
  default Optional<String> cannotPresign(TableLocation table) {
    return Optional.empty();
  }

  @Override
  void close();
}
