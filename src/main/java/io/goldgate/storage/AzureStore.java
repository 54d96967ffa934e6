package io.goldgate.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.goldgate.config.GoldgateConfig;
import java.time.Duration;

/** Azure Blob Storage and ADLS Gen2. Placeholder until the Azure client lands. */
final class AzureStore implements ObjectStore {

  AzureStore(GoldgateConfig.Storage.Azure config) {}

  @Override
  public FileIO fileIO() {
    throw new UnsupportedOperationException("Azure storage is not implemented yet");
  }

  @Override
  public String presign(TableLocation table, String relativePath, Duration ttl) {
    throw new UnsupportedOperationException("Azure storage is not implemented yet");
  }

  @Override
  public void close() {}
}
