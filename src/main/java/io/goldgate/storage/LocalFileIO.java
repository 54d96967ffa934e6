package io.goldgate.storage;

import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Read-only local file system access for Delta Kernel through plain {@code java.nio}, so reading a
 * local lake never goes through Hadoop's FileSystem layer. The gateway never writes to a lake.
 */
public final class LocalFileIO extends ReadOnlyFileIO {

  public static Path toPath(String pathOrUri) {
    if (pathOrUri.startsWith("file:")) {
      String uri = pathOrUri.replace(" ", "%20");
      return Path.of(URI.create(uri.startsWith("file:///") ? uri : "file://" + uri.substring("file:".length())));
    }
    return Path.of(pathOrUri);
  }

  /** Kernel compares log paths as strings, in Hadoop's {@code file:/a/b} form. */
  public static String toUri(Path path) {
    String uri = path.toUri().toString();
    return uri.startsWith("file:///") ? "file:/" + uri.substring("file:///".length()) : uri;
  }

  @Override
  public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
    Path from = toPath(filePath);
    Path dir = from.getParent();
    String start = from.getFileName().toString();
    if (!Files.isDirectory(dir)) {
      throw new FileNotFoundException("No such directory: " + dir);
    }
    List<FileStatus> found = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        if (p.getFileName().toString().compareTo(start) >= 0) {
          BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
          if (attrs.isRegularFile()) {
            found.add(FileStatus.of(toUri(p), attrs.size(), attrs.lastModifiedTime().toMillis()));
          }
        }
      }
    }
    found.sort(Comparator.comparing(FileStatus::getPath));
    return iterator(found);
  }

  @Override
  public FileStatus getFileStatus(String path) throws IOException {
    Path p = toPath(path);
    try {
      BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
      return FileStatus.of(toUri(p), attrs.size(), attrs.lastModifiedTime().toMillis());
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(path);
    }
  }

  @Override
  public String resolvePath(String path) {
    return toUri(toPath(path).toAbsolutePath().normalize());
  }


  @Override
  public InputFile newInputFile(String path, long fileSize) {
    Path p = toPath(path);
    return new InputFile() {
      @Override
      public long length() throws IOException {
        return fileSize >= 0 ? fileSize : Files.size(p);
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public SeekableInputStream newStream() throws IOException {
        return new ChannelInputStream(FileChannel.open(p, StandardOpenOption.READ));
      }
    };
  }






  private static final class ChannelInputStream extends SeekableInputStream {
    private final FileChannel channel;

    ChannelInputStream(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return channel.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public long getPos() throws IOException {
      return channel.position();
    }

    @Override
    public void seek(long newPos) throws IOException {
      channel.position(newPos);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(b, off, len);
      while (buf.hasRemaining()) {
        if (channel.read(buf) < 0) {
          throw new java.io.EOFException("Unexpected end of file");
        }
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
