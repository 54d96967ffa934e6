package io.goldgate.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** What every store of the gateway shares: it reads lakes and refuses every write. */
public abstract class ReadOnlyFileIO implements FileIO {

  @Override
  public final boolean mkdirs(String path) {
    throw readOnly();
  }

  @Override
  public final OutputFile newOutputFile(String path) {
    throw readOnly();
  }

  @Override
  public final boolean delete(String path) {
    throw readOnly();
  }

  @Override
  public final void copyFileAtomically(String srcPath, String destPath, boolean overwrite) {
    throw readOnly();
  }

  @Override
  public Optional<String> getConf(String confKey) {
    return Optional.empty();
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("Goldgate reads lakes and never writes to them");
  }

  /** A listing already in memory, as Kernel's iterator type. */
  protected static CloseableIterator<FileStatus> iterator(List<FileStatus> statuses) {
    Iterator<FileStatus> it = statuses.iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public FileStatus next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }
}
