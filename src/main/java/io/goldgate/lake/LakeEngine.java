package io.goldgate.lake;

import io.delta.kernel.defaults.engine.DefaultExpressionHandler;
import io.delta.kernel.defaults.engine.DefaultFileSystemClient;
import io.delta.kernel.defaults.engine.DefaultJsonHandler;
import io.delta.kernel.defaults.engine.DefaultParquetHandler;
import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.ExpressionHandler;
import io.delta.kernel.engine.FileSystemClient;
import io.delta.kernel.engine.JsonHandler;
import io.delta.kernel.engine.MetricsReporter;
import io.delta.kernel.engine.ParquetHandler;
import java.util.List;

/**
 * The Kernel engine of the gateway: Kernel's default JSON, Parquet and expression handlers over a
 * {@link FileIO} of our own, so storage access never goes through Hadoop's FileSystem layer and no
 * per-operation metrics are logged. Commit files are checked before Kernel reads them ({@link
 * CommitValidation}).
 */
final class LakeEngine implements Engine {

  private final JsonHandler json;
  private final ParquetHandler parquet;
  private final FileSystemClient fileSystem;
  private final ExpressionHandler expressions = new DefaultExpressionHandler();

  LakeEngine(FileIO io) {
    this.json = new CommitValidation(new DefaultJsonHandler(io), io);
    this.parquet = new DefaultParquetHandler(io);
    this.fileSystem = new DefaultFileSystemClient(io);
  }

  @Override
  public ExpressionHandler getExpressionHandler() {
    return expressions;
  }

  @Override
  public JsonHandler getJsonHandler() {
    return json;
  }

  @Override
  public FileSystemClient getFileSystemClient() {
    return fileSystem;
  }

  @Override
  public ParquetHandler getParquetHandler() {
    return parquet;
  }

  @Override
  public List<MetricsReporter> getMetricsReporters() {
    return List.of();
  }
}
