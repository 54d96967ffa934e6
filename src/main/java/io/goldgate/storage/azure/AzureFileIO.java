package io.goldgate.storage.azure;

import io.goldgate.storage.Storage;
import io.goldgate.storage.ObjectFileIO;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobDownloadResponse;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Read-only Delta Kernel file access to Azure Blob Storage and ADLS Gen2 through the Blob API.
 * Failures are reported by status and Azure's error code only ({@link AzureErrors}).
 */
final class AzureFileIO extends ObjectFileIO {

  /** Bytes fetched per ranged read: a Parquet footer or column chunk usually fits one. */
  static final int READ_SIZE = 4 << 20;

  private final AzureStore store;

  AzureFileIO(AzureStore store) {
    this.store = store;
  }

  /**
   * The blobs at the same directory level as {@code filePath} whose names sort at or after it, in
   * order. The Blob API lists a level in name order but cannot start mid-level on every service
   * version, so the level is listed and filtered here. Directory entries of ADLS Gen2 accounts
   * (blob prefixes, and the {@code hdi_isfolder} marker blobs) are not files and are skipped.
   *
   * @throws FileNotFoundException when nothing at all lies under the directory
   */
  @Override
  public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
    AzurePath from = path(filePath);
    int slash = from.blobName().lastIndexOf('/');
    String prefix = slash < 0 ? "" : from.blobName().substring(0, slash + 1);
    List<FileStatus> found = new ArrayList<>();
    boolean directoryExists = false;
    try {
      BlobContainerClient container = store.container(from);
      ListBlobsOptions options = new ListBlobsOptions().setPrefix(prefix).setDetails(new BlobListDetails().setRetrieveMetadata(true));
      for (BlobItem item : container.listBlobsByHierarchy("/", options, null)) {
        directoryExists = true;
        if (Boolean.TRUE.equals(item.isPrefix()) || isFolderMarker(item) || item.getName().compareTo(from.blobName()) < 0) {
          continue;
        }
        found.add(FileStatus.of(from.sibling(item.getName()), item.getProperties().getContentLength(), item.getProperties().getLastModified().toInstant().toEpochMilli()));
      }
    } catch (RuntimeException e) {
      throw failure("Cannot list " + filePath, e);
    }
    if (!directoryExists) {
      throw new FileNotFoundException("No such directory: " + filePath);
    }
    found.sort(Comparator.comparing(FileStatus::getPath));
    return iterator(found);
  }

  private static boolean isFolderMarker(BlobItem item) {
    return item.getMetadata() != null && "true".equalsIgnoreCase(item.getMetadata().get("hdi_isfolder"));
  }

  @Override
  public FileStatus getFileStatus(String path) throws IOException {
    AzurePath blob = path(path);
    try {
      BlobProperties properties = store.container(blob).getBlobClient(blob.blobName()).getProperties();
      return FileStatus.of(path, properties.getBlobSize(), properties.getLastModified().toInstant().toEpochMilli());
    } catch (RuntimeException e) {
      if (AzureErrors.status(e) == 404) {
        throw new FileNotFoundException(path);
      }
      throw failure("Cannot read " + path, e);
    }
  }


  @Override
  protected SeekableInputStream open(String path, long fileSize) throws IOException {
    return new BlobInputStream(path, fileSize);
  }

  private AzurePath path(String uri) throws IOException {
    try {
      return store.path(uri);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage());
    }
  }

  /** An IOException that says what failed without anything of the SDK's message or the SDK exception itself. */
  private static IOException failure(String what, RuntimeException e) {
    return new IOException(what + ": " + AzureErrors.describe(e));
  }

  /**
   * Reads a blob in chunks of {@link #READ_SIZE} bytes, one ranged GET each: sequential reads walk
   * the chunks, a seek outside the chunk held fetches from the new position. Every chunk after the
   * first is pinned to the first one's ETag, so a blob replaced mid-read fails rather than mixing
   * two versions.
   */
  private final class BlobInputStream extends ObjectStream {
    private final String path;
    private final BlobClient blob;
    private final long size;
    private byte[] chunk = new byte[0];
    private long chunkStart;
    private long position;
    private String etag;

    /** @param size the blob's size, or -1 when unknown (then its end is found by a refused range) */
    BlobInputStream(String path, long size) throws IOException {
      this.path = path;
      this.size = size;
      AzurePath at = path(path);
      this.blob = store.container(at).getBlobClient(at.blobName());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if ((position < chunkStart || position >= chunkStart + chunk.length) && !fill(position)) {
        return -1;
      }
      int offset = (int) (position - chunkStart);
      int n = Math.min(len, chunk.length - offset);
      System.arraycopy(chunk, offset, b, off, n);
      position += n;
      return n;
    }

    /** Fetches the chunk starting at {@code from}; false at the end of the blob. */
    private boolean fill(long from) throws IOException {
      if (size >= 0 && from >= size) {
        return false;
      }
      long count = size >= 0 ? Math.min(READ_SIZE, size - from) : READ_SIZE;
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) count);
      try {
        BlobRequestConditions pinned = etag == null ? null : new BlobRequestConditions().setIfMatch(etag);
        BlobDownloadResponse response = blob.downloadStreamWithResponse(out, new BlobRange(from, count), null, pinned, false, null, Context.NONE);
        if (etag == null) {
          etag = response.getDeserializedHeaders().getETag();
        }
      } catch (RuntimeException e) {
        switch (AzureErrors.status(e)) {
          case 404 -> throw new FileNotFoundException(path);
          case 412 -> throw new IOException("Cannot read " + path + ": it changed while it was being read");
          case 416 -> {
            return false; // past the end (or a zero-length blob)
          }
          default -> throw failure("Cannot read " + path, e);
        }
      }
      chunk = out.toByteArray();
      chunkStart = from;
      return chunk.length > 0;
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void seek(long newPos) {
      position = newPos;
    }

    @Override
    protected String name() {
      return String.valueOf(path);
    }

    @Override
    public void close() {
      chunk = new byte[0];
    }
  }
}
