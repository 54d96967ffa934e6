package io.goldgate.storage.gcs;

import io.goldgate.storage.ObjectFileIO;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobField;
import com.google.cloud.storage.Storage.BlobGetOption;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.StorageException;
import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only Delta Kernel file access to Google Cloud Storage through its Java client (JSON API).
 * Failures become IOExceptions whose message names the object and the HTTP status only: the
 * client's own messages quote request URLs and server text, which stay in the cause for the log.
 */
final class GcsFileIO extends ObjectFileIO {

  private static final BlobField[] STATUS_FIELDS = {BlobField.NAME, BlobField.SIZE, BlobField.UPDATED};

  private final Storage gcs;

  GcsFileIO(Storage gcs) {
    this.gcs = gcs;
  }

  /** Bucket and object name of a {@code gs://bucket/name} URI. */
  record Key(String bucket, String name) {
    static Key of(String uri) {
      URI parsed = URI.create(uri.replace(" ", "%20"));
      String path = parsed.getPath();
      return new Key(parsed.getHost(), path.startsWith("/") ? path.substring(1) : path);
    }

    BlobId blob() {
      return BlobId.of(bucket, name);
    }

    @Override
    public String toString() {
      return "gs://" + bucket + "/" + name;
    }
  }

  /**
   * Kernel's listing: the objects of {@code filePath}'s directory whose names sort at or after it,
   * in order, without descending into sub-directories. GCS does all three itself: {@code prefix}
   * plus the {@code /} delimiter keep one level, {@code startOffset} is inclusive, and names come
   * back in lexicographic order.
   */
  @Override
  public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
    Key from = Key.of(filePath);
    int slash = from.name().lastIndexOf('/');
    String prefix = slash < 0 ? "" : from.name().substring(0, slash + 1);
    List<FileStatus> found = new ArrayList<>();
    try {
      var options = new ArrayList<BlobListOption>(List.of(BlobListOption.prefix(prefix), BlobListOption.delimiter("/"), BlobListOption.fields(STATUS_FIELDS)));
      if (from.name().length() > prefix.length()) {
        options.add(BlobListOption.startOffset(from.name()));
      }
      for (Blob blob : gcs.list(from.bucket(), options.toArray(BlobListOption[]::new)).iterateAll()) {
        // With a delimiter the sub-directories come back as pseudo-objects: not files.
        if (!blob.isDirectory() && blob.getName().compareTo(from.name()) >= 0) {
          found.add(FileStatus.of("gs://" + from.bucket() + "/" + blob.getName(), blob.getSize(), modified(blob)));
        }
      }
      if (found.isEmpty() && !prefixExists(from.bucket(), prefix)) {
        throw new FileNotFoundException("No such directory: " + filePath);
      }
    } catch (StorageException e) {
      throw failure("list", new Key(from.bucket(), prefix), e);
    }
    return iterator(found);
  }

  private boolean prefixExists(String bucket, String prefix) {
    return gcs.list(bucket, BlobListOption.prefix(prefix), BlobListOption.pageSize(1), BlobListOption.fields(BlobField.NAME)).getValues().iterator().hasNext();
  }

  private static long modified(Blob blob) {
    OffsetDateTime updated = blob.getUpdateTimeOffsetDateTime();
    return updated == null ? 0 : updated.toInstant().toEpochMilli();
  }

  @Override
  public FileStatus getFileStatus(String path) throws IOException {
    Key key = Key.of(path);
    Blob blob;
    try {
      blob = gcs.get(key.blob(), BlobGetOption.fields(STATUS_FIELDS));
    } catch (StorageException e) {
      throw failure("read", key, e);
    }
    if (blob == null) {
      throw new FileNotFoundException(path);
    }
    return FileStatus.of(path, blob.getSize(), modified(blob));
  }


  @Override
  protected SeekableInputStream open(String path, long fileSize) throws IOException {
    return new ChannelInputStream(Key.of(path));
  }

  /**
   * An IOException that names the object and what the store answered (status and reason) but not
   * the client's message; 404 is Kernel's FileNotFoundException.
   */
  static IOException failure(String action, Key key, StorageException e) {
    if (e.getCode() == 404) {
      return new FileNotFoundException(key.toString());
    }
    String answer = e.getCode() > 0 ? "HTTP " + e.getCode() + (e.getReason() == null ? "" : " " + e.getReason()) : "no answer from the store";
    return new IOException("Cannot " + action + " " + key + " on Google Cloud Storage: " + answer, e);
  }

  /** The StorageException behind a read failure, if the client wrapped one. */
  private static StorageException storageCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StorageException s) {
        return s;
      }
    }
    return null;
  }

  /**
   * Reads an object through the client's read channel, which fetches from the current position with
   * a ranged GET and starts a new one after a seek.
   */
  private final class ChannelInputStream extends ObjectStream {
    private final Key key;
    private ReadChannel channel;
    private long position;

    ChannelInputStream(Key key) {
      this.key = key;
    }

    private ReadChannel channel() throws IOException {
      if (channel == null) {
        try {
          channel = gcs.reader(key.blob());
          channel.seek(position);
        } catch (StorageException e) {
          throw failure("read", key, e);
        }
      }
      return channel;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      int n;
      try {
        do {
          n = channel().read(buffer);
        } while (n == 0);
      } catch (IOException | RuntimeException e) {
        StorageException cause = storageCause(e);
        if (cause == null) {
          if (e instanceof RuntimeException runtime) {
            throw runtime;
          }
          throw new IOException("Cannot read " + key + " on Google Cloud Storage: " + e.getClass().getSimpleName(), e);
        }
        if (cause.getCode() == 416) {
          return -1;
        }
        throw failure("read", key, cause);
      }
      if (n > 0) {
        position += n;
      }
      return n;
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void seek(long newPos) throws IOException {
      if (newPos != position) {
        position = newPos;
        if (channel != null) {
          channel.seek(newPos);
        }
      }
    }

    @Override
    protected String name() {
      return String.valueOf(key);
    }

    @Override
    public void close() {
      if (channel != null) {
        channel.close();
        channel = null;
      }
    }
  }
}
