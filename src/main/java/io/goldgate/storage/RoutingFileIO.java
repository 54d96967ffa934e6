package io.goldgate.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/** Sends each Kernel file operation to the store its path's scheme names. */
final class RoutingFileIO implements FileIO {

  private final FileIO local = new LocalFileIO();
  private final Supplier<FileIO> s3;

  RoutingFileIO(Supplier<FileIO> s3) {
    this.s3 = s3;
  }

  private FileIO route(String path) {
    int colon = path.indexOf(':');
    String scheme = colon < 0 ? "file" : path.substring(0, colon).toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "file" -> local;
      case "s3", "s3a" -> s3.get();
      default -> throw new UnsupportedOperationException("No storage configured for '" + scheme + "' locations");
    };
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
