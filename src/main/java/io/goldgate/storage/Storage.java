package io.goldgate.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.storage.azure.AzureStore;
import io.goldgate.storage.gcs.GcsStore;
import io.goldgate.storage.s3.S3Store;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one place that knows how to reach each kind of table location: file access for Delta Kernel
 * and, for object stores, pre-signed URLs that recipients download from directly. Each object
 * store's client is built the first time one of its locations is used, so a gateway with only
 * local tables never loads a cloud SDK or looks for cloud credentials. Built at startup, so a
 * provider's configuration that can never work fails the boot rather than the first query.
 */
@Startup
@ApplicationScoped
public class Storage {

  private final Map<TableLocation.Provider, Supplier<ObjectStore>> factories = new EnumMap<>(TableLocation.Provider.class);
  private final Map<TableLocation.Provider, ObjectStore> stores = new EnumMap<>(TableLocation.Provider.class);
  private final FileIO fileIO = new RoutingFileIO(provider -> store(provider).fileIO());

  public Storage(GoldgateConfig config) {
    GoldgateConfig.Storage storage = config.storage();
    factories.put(TableLocation.Provider.S3, () -> new S3Store(storage.s3()));
    factories.put(TableLocation.Provider.AZURE, AzureStore.validated(storage.azure(), config.sharing().urlLifetime()));
    factories.put(TableLocation.Provider.GCS, () -> new GcsStore(storage.gcs()));
  }

  /** File access for Delta Kernel, for every supported scheme. */
  public FileIO fileIO() {
    return fileIO;
  }

  /** Whether the file exists; other failures propagate. */
  public boolean exists(String uri) throws IOException {
    try {
      fileIO.getFileStatus(uri);
      return true;
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  /**
   * Copies one file of a table to the local file {@code target}, for readers that need a local
   * file (Arrow's native Parquet reader).
   *
   * @param relativePath the file's path under the table, decoded
   * @param size the file's size as the log records it
   * @throws java.io.FileNotFoundException when the store has no such file
   */
  public void copyToLocal(TableLocation table, String relativePath, long size, java.nio.file.Path target) throws IOException {
    try (java.io.InputStream in = fileIO.newInputFile(table.resolve(relativePath), size).newStream();
        java.io.OutputStream out = java.nio.file.Files.newOutputStream(target)) {
      in.transferTo(out);
    }
  }

  /** A URL the store itself will serve the object at, for {@code ttl}; only for object stores. */
  public String presign(TableLocation table, String relativePath, Duration ttl) {
    if (!table.isObjectStore()) {
      throw new IllegalArgumentException(table + " is not in an object store");
    }
    return store(table.provider()).presign(table, relativePath, ttl);
  }

  /** Fails when the table's store cannot pre-sign URLs for it; nothing to check for local tables. */
  public void requireSigning(TableLocation table) {
    if (table.isObjectStore()) {
      store(table.provider()).requireSigning(table);
    }
  }

  private synchronized ObjectStore store(TableLocation.Provider provider) {
    ObjectStore store = stores.get(provider);
    if (store == null) {
      Supplier<ObjectStore> factory = factories.get(provider);
      if (factory == null) {
        throw new UnsupportedOperationException("No object store serves " + provider + " locations");
      }
      store = factory.get();
      stores.put(provider, store);
    }
    return store;
  }

  @PreDestroy
  synchronized void close() {
    stores.values().forEach(ObjectStore::close);
    stores.clear();
  }
}
