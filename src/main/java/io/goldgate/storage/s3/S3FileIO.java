package io.goldgate.storage.s3;

import io.goldgate.storage.ObjectFileIO;

import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Read-only Delta Kernel file access to S3 and S3-compatible stores through the AWS SDK. */
final class S3FileIO extends ObjectFileIO {

  private final S3Client s3;

  S3FileIO(S3Client s3) {
    this.s3 = s3;
  }

  private record Key(String bucket, String key) {
    static Key of(String uri) {
      URI parsed = URI.create(uri.replace(" ", "%20"));
      String path = parsed.getPath();
      return new Key(parsed.getHost(), path.startsWith("/") ? path.substring(1) : path);
    }
  }

  private static String uri(String scheme, String bucket, String key) {
    return scheme + "://" + bucket + "/" + key;
  }

  @Override
  public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
    Key from = Key.of(filePath);
    String scheme = URI.create(filePath).getScheme();
    int slash = from.key().lastIndexOf('/');
    String prefix = slash < 0 ? "" : from.key().substring(0, slash + 1);
    List<FileStatus> found = new ArrayList<>();
    String token = null;
    try {
      do {
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(from.bucket()).prefix(prefix).delimiter("/");
        if (token != null) {
          request.continuationToken(token);
        } else if (from.key().length() > prefix.length()) {
          // startAfter is exclusive; listFrom is inclusive, so start just before the name.
          request.startAfter(justBefore(from.key()));
        }
        ListObjectsV2Response page = s3.listObjectsV2(request.build());
        for (S3Object object : page.contents()) {
          if (object.key().compareTo(from.key()) >= 0) {
            found.add(FileStatus.of(uri(scheme, from.bucket(), object.key()), object.size(), object.lastModified().toEpochMilli()));
          }
        }
        token = page.isTruncated() ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (S3Exception e) {
      throw new IOException("Cannot list " + filePath + ": " + e.awsErrorDetails().errorMessage(), e);
    }
    if (found.isEmpty() && !prefixExists(from.bucket(), prefix)) {
      throw new FileNotFoundException("No such directory: " + filePath);
    }
    return iterator(found);
  }

  private boolean prefixExists(String bucket, String prefix) {
    return !s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).maxKeys(1).build()).contents().isEmpty();
  }

  /**
   * A key sorting before {@code key} and after the keys that precede it closely enough to matter;
   * what lies between is filtered out by the caller. Stays plain ASCII: stores echo it in XML.
   */
  private static String justBefore(String key) {
    char last = key.charAt(key.length() - 1);
    return key.substring(0, key.length() - 1) + (char) (last - 1);
  }

  @Override
  public FileStatus getFileStatus(String path) throws IOException {
    Key key = Key.of(path);
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(key.bucket()).key(key.key()));
      return FileStatus.of(path, head.contentLength(), head.lastModified().toEpochMilli());
    } catch (NoSuchKeyException e) {
      throw new FileNotFoundException(path);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new FileNotFoundException(path);
      }
      throw new IOException("Cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected SeekableInputStream open(String path, long fileSize) throws IOException {
    return new RangeInputStream(Key.of(path));
  }

  /** Reads an object sequentially; a seek reopens it at the new position with a range request. */
  private final class RangeInputStream extends ObjectStream {
    private final Key key;
    private long position;
    private InputStream current;

    RangeInputStream(Key key) {
      this.key = key;
    }

    private InputStream stream() throws IOException {
      if (current == null) {
        try {
          GetObjectRequest request = GetObjectRequest.builder().bucket(key.bucket()).key(key.key()).range("bytes=" + position + "-").build();
          ResponseInputStream<GetObjectResponse> in = s3.getObject(request);
          current = in;
        } catch (NoSuchKeyException e) {
          throw new FileNotFoundException(key.bucket() + "/" + key.key());
        } catch (S3Exception e) {
          if (e.statusCode() == 416) {
            current = InputStream.nullInputStream();
          } else {
            throw new IOException(e.getMessage(), e);
          }
        }
      }
      return current;
    }

    @Override
    public int read() throws IOException {
      int b = stream().read();
      if (b >= 0) position++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = stream().read(b, off, len);
      if (n > 0) position += n;
      return n;
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void seek(long newPos) throws IOException {
      if (newPos != position) {
        close();
        position = newPos;
      }
    }

    @Override
    protected String name() {
      return String.valueOf(key.key());
    }

    @Override
    public void close() throws IOException {
      if (current != null) {
        if (current instanceof ResponseInputStream<?> response) {
          response.abort();
        }
        current.close();
        current = null;
      }
    }
  }
}
