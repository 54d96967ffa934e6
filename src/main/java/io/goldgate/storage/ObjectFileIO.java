package io.goldgate.storage;

import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import java.io.IOException;

/**
 * Read-only Kernel file access to an object store, where a path is already the object's full URI
 * and a file is read through the store's own ranged reads.
 */
public abstract class ObjectFileIO extends ReadOnlyFileIO {

  /** Object URIs are absolute and canonical as Kernel builds them. */
  @Override
  public final String resolvePath(String path) {
    return path;
  }

  @Override
  public final InputFile newInputFile(String path, long fileSize) {
    return new InputFile() {
      @Override
      public long length() throws IOException {
        return fileSize >= 0 ? fileSize : getFileStatus(path).getSize();
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public SeekableInputStream newStream() throws IOException {
        return open(path, fileSize);
      }
    };
  }

  /**
   * A stream over one object, positioned at its start.
   *
   * @param fileSize the size the Delta log records, or -1 when unknown
   */
  protected abstract SeekableInputStream open(String path, long fileSize) throws IOException;

  /** A stream over one object; {@link #readFully} loops over the store's partial reads. */
  protected abstract static class ObjectStream extends SeekableInputStream {

    /** The object, for messages. */
    protected abstract String name();

    /** One byte through {@link #read(byte[], int, int)}, where each store keeps its position. */
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        int n = read(b, off, len);
        if (n < 0) {
          throw new java.io.EOFException("Unexpected end of " + name());
        }
        off += n;
        len -= n;
      }
    }
  }
}
