package io.goldgate.lake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.engine.JsonHandler;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.goldgate.BoundedCache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Kernel's JSON handler, made strict about commit files: before Kernel reads a commit
 * ({@code _delta_log/<version>.json}) the first time, every line of it must be one JSON object,
 * else the read fails with {@link DamagedCommit} naming the version and line. Kernel alone would
 * skip a line it cannot parse and serve the table without it. Commits never change once written,
 * so each (path, size) is checked once; the check reads the commit a second time, only then.
 */
final class CommitValidation implements JsonHandler {

  /** Commits remembered as checked; one entry is a path and a size. */
  static final int REMEMBERED = 20_000;

  private static final JsonFactory JSON = new JsonFactory();

  private final JsonHandler delegate;
  private final FileIO io;
  private final Map<String, Boolean> checked = BoundedCache.lru(REMEMBERED);

  /** A commit file with a line that is not a JSON object: the table is damaged at that version. */
  static final class DamagedCommit extends RuntimeException {
    final long version;
    final long line;

    DamagedCommit(long version, long line) {
      super("commit " + version + " (line " + line + ") is not a valid Delta log entry");
      this.version = version;
      this.line = line;
    }
  }

  CommitValidation(JsonHandler delegate, FileIO io) {
    this.delegate = delegate;
    this.io = io;
  }

  @Override
  public ColumnarBatch parseJson(ColumnVector jsonStringVector, StructType outputSchema, Optional<ColumnVector> selectionVector) {
    return delegate.parseJson(jsonStringVector, outputSchema, selectionVector);
  }

  @Override
  public CloseableIterator<ColumnarBatch> readJsonFiles(CloseableIterator<FileStatus> files, StructType physicalSchema, Optional<Predicate> predicate)
      throws IOException {
    return delegate.readJsonFiles(files.map(this::checked), physicalSchema, predicate);
  }

  @Override
  public void writeJsonFileAtomically(String filePath, CloseableIterator<Row> data, boolean overwrite) throws IOException {
    delegate.writeJsonFileAtomically(filePath, data, overwrite);
  }

  private FileStatus checked(FileStatus file) {
    long version = commitVersion(file.getPath());
    if (version < 0) {
      return file;
    }
    String key = file.getPath() + "#" + file.getSize();
    if (checked.containsKey(key)) {
      return file;
    }
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(io.newInputFile(file.getPath(), file.getSize()).newStream(), StandardCharsets.UTF_8))) {
      long number = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        if (!line.isBlank() && !isOneObject(line)) {
          throw new DamagedCommit(version, number);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    checked.put(key, Boolean.TRUE);
    return file;
  }

  /** Whether {@code line} is exactly one JSON object (nesting is capped by Jackson's read constraints). */
  static boolean isOneObject(String line) {
    try (JsonParser parser = JSON.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The version of a commit file path ({@code .../_delta_log/00000000000000000004.json}), or -1. */
  static long commitVersion(String path) {
    int slash = path.lastIndexOf('/');
    String name = path.substring(slash + 1);
    if (name.length() != 25 || !name.endsWith(".json") || !path.regionMatches(Math.max(0, slash - 10), "_delta_log", 0, 10)) {
      return -1;
    }
    for (int i = 0; i < 20; i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(name.substring(0, 20));
  }
}
