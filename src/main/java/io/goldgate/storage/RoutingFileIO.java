package io.goldgate.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;

/** Sends each Kernel file operation to the store its path's scheme names. */
final class RoutingFileIO implements FileIO {

  private final FileIO local = new LocalFileIO();
  private final Function<TableLocation.Provider, FileIO> objectStores;

  RoutingFileIO(Function<TableLocation.Provider, FileIO> objectStores) {
    this.objectStores = objectStores;
  }

  private FileIO route(String path) {
    TableLocation.Provider provider = TableLocation.Provider.ofPath(path);
    if (provider == null) {
      int colon = path.indexOf(':');
      throw new UnsupportedOperationException("No storage configured for '" + path.substring(0, colon) + "' locations");
    }
    return provider == TableLocation.Provider.LOCAL ? local : objectStores.apply(provider);
  }

  @Override
  public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
    return route(filePath).listFrom(filePath);
  }

  @Override
  public FileStatus getFileStatus(String path) throws IOException {
    return route(path).getFileStatus(path);
  }

  @Override
  public String resolvePath(String path) throws IOException {
    return route(path).resolvePath(path);
  }

  @Override
  public boolean mkdirs(String path) throws IOException {
    return route(path).mkdirs(path);
  }

  @Override
  public InputFile newInputFile(String path, long fileSize) {
    return route(path).newInputFile(path, fileSize);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return route(path).newOutputFile(path);
  }

  @Override
  public boolean delete(String path) throws IOException {
    return route(path).delete(path);
  }

  @Override
  public Optional<String> getConf(String confKey) {
    return Optional.empty();
  }

  @Override
  public void copyFileAtomically(String srcPath, String destPath, boolean overwrite) throws IOException {
    route(srcPath).copyFileAtomically(srcPath, destPath, overwrite);
  }
}
