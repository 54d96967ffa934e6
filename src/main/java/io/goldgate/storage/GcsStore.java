package io.goldgate.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.goldgate.config.GoldgateConfig;
import java.time.Duration;

/** Google Cloud Storage. Placeholder until the GCS client lands. */
final class GcsStore implements ObjectStore {

  GcsStore(GoldgateConfig.Storage.Gcs config) {}

  @Override
  public FileIO fileIO() {
    throw new UnsupportedOperationException("Google Cloud Storage is not implemented yet");
  }

  @Override
  public String presign(TableLocation table, String relativePath, Duration ttl) {
    throw new UnsupportedOperationException("Google Cloud Storage is not implemented yet");
  }

  @Override
  public void close() {}
}
