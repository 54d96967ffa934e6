package io.goldgate.arrow;

import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.actions.DeletionVectorDescriptor;
import io.delta.kernel.internal.deletionvectors.DeletionVectorUtils;
import io.delta.kernel.internal.deletionvectors.RoaringBitmapArray;
import io.goldgate.GoldgateException;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.DeletionVector;
import io.goldgate.lake.parquet.ParquetRecoder;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.TypedValues;
import io.goldgate.storage.Storage;
import io.goldgate.storage.TableLocation;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.dataset.source.DatasetFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BufferLayout;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.jboss.logging.Logger;

/**
 * Reads the files of one split with arrow-dataset (Arrow C++ over JNI) and hands out batches in
 * the table's logical schema: requested columns only, column-mapped names resolved, partition
 * values as constant columns, timestamps as microseconds, rows under a deletion vector removed.
 */
public final class SplitReader {

  private static final Logger LOG = Logger.getLogger(SplitReader.class);

  /** Receives each batch; the batch is closed after the call returns. */
  public interface Sink {
    void batch(VectorSchemaRoot batch) throws Exception;
  }

  private final BufferAllocator allocator;
  private final Engine engine;
  private final Storage storage;
  private final int batchRows;
  private final long scratchLimit;

  /** Decoded bytes of a file above which it is not read in whole row groups ({@link #scanRows}). */
  static final long WHOLE_GROUPS_MAX_BYTES = 64L << 20;

  /**
   * @param storage reaches the files of tables in object stores, which are copied to local scratch
   *     files for the native reader
   * @param scratchLimit bytes of scratch disk one data file may take: its copy out of an object
   *     store, and its uncompressed copy when its codec must be recoded for the native reader
   *     ({@code goldgate.flight.scratch-limit})
   */
  public SplitReader(BufferAllocator allocator, Engine engine, Storage storage, int batchRows, long scratchLimit) {
    this.allocator = allocator;
    this.engine = engine;
    this.storage = storage;
    this.batchRows = batchRows;
    this.scratchLimit = scratchLimit;
  }

  /** What one read asks for, shared by the files it reads. */
  private record Request(
      String table,
      List<ArrowSchemas.Column> columns,
      List<ArrowSchemas.Column> read,
      Schema schema,
      Schema readSchema,
      List<String> physical,
      RowFilter rowFilter,
      Long limit,
      BooleanSupplier cancelled,
      Sink sink) {}

  /** How far the read has got: rows produced in all, and rows of the current file taken from it. */
  private static final class Progress {
    long produced;
    long fileRows;
  }

  /** A failure of the sink, carried past the handler that takes native reader failures. */
  private static final class SinkFailure extends RuntimeException {
    SinkFailure(Exception cause) {
      super(cause);
    }
  }

  /**
   * @param table the table's qualified name, for errors
   * @return rows produced
   */
  public long read(
      String table,
      TableLocation location,
      List<DataFile> files,
      List<ArrowSchemas.Column> columns,
      List<ArrowSchemas.Column> allColumns,
      Filter filter,
      Long limit,
      BooleanSupplier cancelled,
      Sink sink)
      throws Exception {
    // The predicate may need columns the caller did not ask for: read them too, drop them after.
    List<ArrowSchemas.Column> read = new ArrayList<>(columns);
    RowFilter rowFilter = null;
    if (filter != null) {
      for (String name : RowFilter.columnsOf(filter)) {
        allColumns.stream()
            .filter(c -> c.field().getName().equalsIgnoreCase(name) && read.stream().noneMatch(r -> r.field().getName().equals(c.field().getName())))
            .findFirst()
            .ifPresent(read::add);
      }
      rowFilter = RowFilter.compile(filter, read);
    }
    List<String> physical = new ArrayList<>();
    for (ArrowSchemas.Column c : read) {
      if (!c.partition()) physical.add(c.physicalName());
    }
    Request request =
        new Request(table, columns, read, ArrowSchemas.schema(columns), ArrowSchemas.schema(read), physical, rowFilter, limit, cancelled, sink);
    Progress progress = new Progress();
    for (DataFile file : files) {
      if (done(request, progress)) {
        break;
      }
      RoaringBitmapArray deleted = deletedRows(location, file.deletionVector());
      String relative = file.relativePath();
      if (location.isLocal()) {
        readFile(request, progress, file, relative, location.localRoot().resolve(relative), deleted);
        continue;
      }
      // The native reader reads local files: an object is copied to scratch disk first.
      if (file.size() > scratchLimit) {
        throw new GoldgateException(
            GoldgateException.Kind.DATA_ERROR,
            "Table " + table + ": data file " + relative + " has " + file.size() + " bytes, over goldgate.flight.scratch-limit (" + scratchLimit
                + ") for a local copy of an object");
      }
      Path copy = Files.createTempFile("goldgate-object-", ".parquet");
      try {
        try {
          storage.copyToLocal(location, relative, file.size(), copy);
        } catch (java.io.FileNotFoundException e) {
          throw missing(table, relative);
        } catch (IOException e) {
          throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "Table " + table + ": data file " + relative + " cannot be fetched from storage: " + e.getMessage());
        }
        readFile(request, progress, file, relative, copy, deleted);
      } finally {
        Files.deleteIfExists(copy);
      }
    }
    return progress.produced;
  }

  private static boolean done(Request request, Progress progress) {
    return request.cancelled().getAsBoolean() || (request.limit() != null && progress.produced >= request.limit());
  }

  /**
   * Reads one file with the native reader. When that fails, a file in a codec the native reader
   * lacks is recoded and read again from the row it stopped at; any other failure names the table,
   * the file, its codecs and the reason.
   */
  private void readFile(Request request, Progress progress, DataFile file, String relative, Path path, RoaringBitmapArray deleted) throws Exception {
    progress.fileRows = 0;
    Exception nativeFailure = scanOrFailure(request, progress, file, path, deleted, 0);
    if (nativeFailure == null) {
      return;
    }
    if (!Files.isRegularFile(path)) {
      throw missing(request.table(), relative);
    }
    FileMetaData footer;
    try {
      footer = ParquetRecoder.footer(path);
    } catch (IOException e) {
      throw unreadable(request, relative, "unknown", e.getMessage(), e);
    }
    String codecs = String.join(", ", ParquetRecoder.codecNames(footer));
    if (!ParquetRecoder.needsRecoding(footer)) {
      throw unreadable(request, relative, codecs, nativeReason(nativeFailure, path, relative), nativeFailure);
    }
    long needed = ParquetRecoder.recodedSize(footer);
    if (needed > scratchLimit) {
      throw unreadable(
          request, relative, codecs,
          "the native reader lacks this codec, and an uncompressed copy needs " + needed + " bytes, over goldgate.flight.scratch-limit (" + scratchLimit + ")",
          nativeFailure);
    }
    Path copy = Files.createTempFile("goldgate-recode-", ".parquet");
    try {
      ParquetRecoder.recode(path, footer, copy);
      LOG.debugf("Table %s: read %s through an uncompressed copy (codecs %s)", request.table(), relative, codecs);
      long alreadyTaken = progress.fileRows;
      progress.fileRows = 0;
      Exception failure = scanOrFailure(request, progress, file, copy, deleted, alreadyTaken);
      if (failure != null) {
        throw unreadable(request, relative, codecs, nativeReason(failure, copy, relative), failure);
      }
    } catch (ParquetRecoder.RecodeException e) {
      throw unreadable(request, relative, codecs, e.getMessage(), e);
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  /**
   * Runs {@link #scan}; returns the native reader's failure, or null when the file was read.
   * Failures of the sink and {@link GoldgateException}s (a filter or type error) propagate.
   */
  private Exception scanOrFailure(Request request, Progress progress, DataFile file, Path path, RoaringBitmapArray deleted, long skipBelow) throws Exception {
    try {
      scan(request, progress, file, path, deleted, skipBelow);
      return null;
    } catch (SinkFailure f) {
      throw (Exception) f.getCause();
    } catch (GoldgateException e) {
      throw e;
    } catch (Exception e) {
      return e;
    }
  }

  /** As Delta Sharing answers a download of the file: not found, naming the table and the file. */
  private static GoldgateException missing(String table, String relative) {
    return GoldgateException.notFound("Table " + table + ": data file " + relative + " is missing from storage");
  }

  private static GoldgateException unreadable(Request request, String relative, String codecs, String reason, Exception cause) {
    boolean unsupported = cause instanceof ParquetRecoder.RecodeException && reason.startsWith("codec ");
    return new GoldgateException(
        unsupported ? GoldgateException.Kind.UNSUPPORTED : GoldgateException.Kind.DATA_ERROR,
        "Table " + request.table() + ": data file " + relative + " (Parquet, codec " + codecs + ") cannot be read: " + reason,
        cause);
  }

  /** The native reader's message, first line only, with the server's path to the file hidden. */
  private static String nativeReason(Exception e, Path path, String relative) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    return message.replace(path.toString(), relative);
  }

  /**
   * Scans one file, handing out its batches; rows below {@code skipBelow} were taken from this file
   * before (by a read that failed part-way) and are skipped.
   */
  private void scan(Request request, Progress progress, DataFile file, Path path, RoaringBitmapArray deleted, long skipBelow) throws Exception {
    try (DatasetFactory factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), FileFormat.PARQUET, path.toUri().toString());
        Dataset dataset = factory.finish()) {
      Schema fileSchema = factory.inspect();
      String[] present = present(fileSchema, request.physical());
      try (Scanner scanner = dataset.newScan(new ScanOptions(scanRows(file, path, fileSchema, present), Optional.of(present)));
          ArrowReader reader = scanner.scanBatches()) {
        long rowIndex = 0;
        while (reader.loadNextBatch()) {
          VectorSchemaRoot whole = reader.getVectorSchemaRoot();
          int total = whole.getRowCount();
          for (int from = 0; from == 0 || from < total; from += batchRows) {
            if (done(request, progress)) {
              return;
            }
            int n = Math.min(batchRows, total - from);
            if (n == total) {
              take(request, progress, file, deleted, whole, rowIndex, skipBelow, n);
            } else {
              try (VectorSchemaRoot window = window(whole, from, n)) {
                take(request, progress, file, deleted, window, rowIndex, skipBelow, n);
              }
            }
            rowIndex += n;
            progress.fileRows = Math.max(skipBelow, rowIndex);
          }
        }
      }
    }
  }

  /** Hands out the rows of one batch of at most {@code batchRows} rows, starting at file row {@code rowIndex}. */
  private void take(
      Request request, Progress progress, DataFile file, RoaringBitmapArray deleted, VectorSchemaRoot in, long rowIndex, long skipBelow, int n) {
    long remaining = request.limit() == null ? Long.MAX_VALUE : request.limit() - progress.produced;
    int[] keep = keptRows(deleted, rowIndex, skipBelow, n, request.rowFilter() == null ? remaining : Long.MAX_VALUE);
    if (request.rowFilter() == null) {
      try (VectorSchemaRoot out = VectorSchemaRoot.create(request.schema(), allocator)) {
        fill(out, in, request.columns(), file, keep, n);
        progress.produced += out.getRowCount();
        deliver(request, out);
      }
      return;
    }
    try (VectorSchemaRoot wide = VectorSchemaRoot.create(request.readSchema(), allocator);
        VectorSchemaRoot out = VectorSchemaRoot.create(request.schema(), allocator)) {
      fill(wide, in, request.read(), file, keep, n);
      int[] matching = request.rowFilter().select(wide, remaining);
      for (int c = 0; c < request.columns().size(); c++) {
        copy(wide.getVector(c), out.getVector(c), matching.length == wide.getRowCount() ? null : matching, wide.getRowCount(), request.columns().get(c));
      }
      out.setRowCount(matching.length);
      progress.produced += matching.length;
      if (matching.length > 0) {
        deliver(request, out);
      }
    }
  }

  private static void deliver(Request request, VectorSchemaRoot batch) {
    try {
      request.sink().batch(batch);
    } catch (Exception e) {
      throw new SinkFailure(e);
    }
  }

  /**
   * The requested physical columns this file has: files written before a column was added lack it,
   * and it reads as nulls.
   */
  private static String[] present(Schema fileSchema, List<String> physical) {
    java.util.Set<String> inFile = new java.util.HashSet<>();
    fileSchema.getFields().forEach(f -> inFile.add(f.getName()));
    return physical.stream().filter(inFile::contains).toArray(String[]::new);
  }

  /**
   * Rows per batch to ask the native reader for. It decodes a whole row group at a time and, asked
   * for smaller batches, cuts it into slices that it then copies whole (its JNI layer hands Java
   * only arrays that start at offset 0): for a projection of two numeric columns that copy took 5 to
   * 10% of the gateway's CPU. So when the file's row groups are larger than {@code batchRows},
   * the columns read all have fixed-width values and the whole file decoded stays under {@link
   * #WHOLE_GROUPS_MAX_BYTES} (the reader decodes up to 16 batches ahead), it is asked for whole row
   * groups, which {@link #window} cuts into batches here without copying.
   */
  long scanRows(DataFile file, Path path, Schema fileSchema, String[] present) {
    long statsRows = file.numRecords();
    if (present.length == 0 || (statsRows >= 0 && statsRows <= batchRows)) {
      return batchRows;
    }
    long rowBytes = 0;
    for (String name : present) {
      int width = fixedWidth(fileSchema.findField(name));
      if (width < 0) {
        return batchRows;
      }
      rowBytes += width;
    }
    FileMetaData footer;
    try {
      footer = ParquetRecoder.footer(path);
    } catch (IOException e) {
      return batchRows; // the native reader reports what is wrong with the file
    }
    long rows = 0;
    long largest = 0;
    for (RowGroup group : footer.getRow_groups()) {
      rows += group.getNum_rows();
      largest = Math.max(largest, group.getNum_rows());
    }
    long bound = Math.min(WHOLE_GROUPS_MAX_BYTES, allocator.getLimit() / 4);
    return largest > batchRows && largest <= Integer.MAX_VALUE && rows <= bound / Math.max(1, rowBytes) ? largest : batchRows;
  }

  /** Bytes per row of a column of fixed-width values (values and validity bits), or -1. */
  static int fixedWidth(Field field) {
    if (field == null || !field.getChildren().isEmpty() || field.getDictionary() != null) {
      return -1;
    }
    int bits = 0;
    for (BufferLayout layout : TypeLayout.getTypeLayout(field.getType()).getBufferLayouts()) {
      if (layout.getType() != BufferLayout.BufferType.VALIDITY && layout.getType() != BufferLayout.BufferType.DATA) {
        return -1;
      }
      bits += layout.getTypeBitWidth();
    }
    return (bits + 7) / 8;
  }

  /**
   * Rows {@code from} to {@code from + n} of a batch, sharing its buffers (validity bits are copied
   * when {@code from} is not a multiple of 8).
   */
  private VectorSchemaRoot window(VectorSchemaRoot whole, int from, int n) {
    List<FieldVector> parts = new ArrayList<>(whole.getFieldVectors().size());
    try {
      for (FieldVector vector : whole.getFieldVectors()) {
        TransferPair pair = vector.getTransferPair(allocator);
        parts.add((FieldVector) pair.getTo());
        pair.splitAndTransfer(from, n);
      }
    } catch (RuntimeException e) {
      parts.forEach(FieldVector::close);
      throw e;
    }
    return new VectorSchemaRoot(whole.getSchema().getFields(), parts, n);
  }

  private RoaringBitmapArray deletedRows(TableLocation location, DeletionVector dv) {
    if (dv == null) {
      return null;
    }
    var descriptor = new DeletionVectorDescriptor(dv.storageType(), dv.pathOrInlineDv(), Optional.ofNullable(dv.offset()), dv.sizeInBytes(), dv.cardinality());
    return DeletionVectorUtils.loadNewDvAndBitmap(engine, location.uri(), descriptor)._2;
  }

  /**
   * Row positions to keep in this batch, or null for all of them: rows not deleted and not below
   * {@code skipBelow}, at most {@code remaining}.
   */
  private static int[] keptRows(RoaringBitmapArray deleted, long firstRow, long skipBelow, int n, long remaining) {
    if (deleted == null && remaining >= n && firstRow >= skipBelow) {
      return null;
    }
    int[] keep = new int[n];
    int k = 0;
    for (int i = 0; i < n && k < remaining; i++) {
      if (firstRow + i >= skipBelow && (deleted == null || !deleted.contains(firstRow + i))) {
        keep[k++] = i;
      }
    }
    return java.util.Arrays.copyOf(keep, k);
  }

  private void fill(VectorSchemaRoot out, VectorSchemaRoot in, List<ArrowSchemas.Column> columns, DataFile file, int[] keep, int n) {
    int rows = keep == null ? n : keep.length;
    for (int c = 0; c < columns.size(); c++) {
      ArrowSchemas.Column column = columns.get(c);
      FieldVector target = out.getVector(c);
      if (column.partition()) {
        constant(target, column, file.partitionValues().get(column.physicalName()), rows);
        continue;
      }
      FieldVector source = in.getVector(column.physicalName());
      if (source == null) {
        // A column added to the table after this file was written: all nulls.
        target.setInitialCapacity(rows);
        target.allocateNew();
        target.setValueCount(rows);
        continue;
      }
      copy(source, target, keep, n, column);
    }
    out.setRowCount(rows);
  }

  private static void copy(FieldVector source, FieldVector target, int[] keep, int n, ArrowSchemas.Column column) {
    ArrowType from = source.getField().getType();
    ArrowType to = target.getField().getType();
    if (from.equals(to)) {
      TransferPair pair = source.makeTransferPair(target);
      if (keep == null) {
        pair.transfer();
      } else {
        target.setInitialCapacity(keep.length);
        target.allocateNew();
        for (int i = 0; i < keep.length; i++) {
          pair.copyValueSafe(keep[i], i);
        }
        target.setValueCount(keep.length);
      }
      return;
    }
    if (source instanceof TimeStampVector ts && target instanceof TimeStampVector out) {
      long scale = microsPer(((ArrowType.Timestamp) from).getUnit());
      int rows = keep == null ? n : keep.length;
      out.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        int at = keep == null ? i : keep[i];
        if (ts.isNull(at)) {
          out.setNull(i);
        } else {
          long v = ts.get(at);
          out.set(i, scale > 0 ? v * scale : Math.floorDiv(v, -scale));
        }
      }
      out.setValueCount(rows);
      return;
    }
    if (widens(source, target)) {
      int rows = keep == null ? n : keep.length;
      target.setInitialCapacity(rows);
      target.allocateNew();
      for (int i = 0; i < rows; i++) {
        int at = keep == null ? i : keep[i];
        if (source.isNull(at)) {
          target.setNull(i);
          continue;
        }
        switch (target) {
          case VarCharVector out -> out.setSafe(i, ((LargeVarCharVector) source).get(at));
          case VarBinaryVector out -> out.setSafe(i, ((LargeVarBinaryVector) source).get(at));
          case BaseIntVector out -> out.setWithPossibleTruncate(i, ((BaseIntVector) source).getValueAsLong(at));
          case Float8Vector out -> out.setSafe(i, source instanceof Float4Vector f ? f.get(at) : (double) ((BaseIntVector) source).getValueAsLong(at));
          case DecimalVector out ->
              out.setSafe(i, (source instanceof DecimalVector d ? d.getObject(at) : BigDecimal.valueOf(((BaseIntVector) source).getValueAsLong(at))).setScale(out.getScale()));
          default -> throw new IllegalStateException("widens() admitted " + from + " to " + to);
        }
      }
      target.setValueCount(rows);
      return;
    }
    throw new GoldgateException(
        GoldgateException.Kind.DATA_ERROR, "Column " + column.field().getName() + " is stored as " + from + " but the table declares " + to);
  }

  /**
   * Whether a file's column converts to the table's type without loss: the large string and binary
   * layouts some writers keep in the file's Arrow schema (delta-rs given Polars' data), and the
   * widenings of Delta's type widening (narrower integers, float to double, integers to double or
   * decimal, decimal to a wider decimal).
   */
  private static boolean widens(FieldVector source, FieldVector target) {
    return switch (target) {
      case VarCharVector out -> source instanceof LargeVarCharVector;
      case VarBinaryVector out -> source instanceof LargeVarBinaryVector;
      case BaseIntVector out when source instanceof BaseIntVector in ->
          ((ArrowType.Int) source.getField().getType()).getBitWidth() <= ((ArrowType.Int) target.getField().getType()).getBitWidth();
      case Float8Vector out -> source instanceof Float4Vector || source instanceof TinyIntVector || source instanceof SmallIntVector || source instanceof IntVector;
      case DecimalVector out when source instanceof DecimalVector in ->
          in.getScale() <= out.getScale() && in.getPrecision() - in.getScale() <= out.getPrecision() - out.getScale();
      case DecimalVector out when source instanceof BaseIntVector in ->
          digits(((ArrowType.Int) source.getField().getType()).getBitWidth()) <= out.getPrecision() - out.getScale();
      default -> false;
    };
  }

  /** Decimal digits the largest integer of this width has. */
  private static int digits(int bitWidth) {
    return switch (bitWidth) {
      case 8 -> 3;
      case 16 -> 5;
      case 32 -> 10;
      default -> 19;
    };
  }

  /** Positive: multiply to get microseconds; negative: divide by its absolute value. */
  private static long microsPer(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> 1_000_000;
      case MILLISECOND -> 1_000;
      case MICROSECOND -> 1;
      case NANOSECOND -> -1_000;
    };
  }

  private static void constant(FieldVector target, ArrowSchemas.Column column, String text, int rows) {
    target.setInitialCapacity(rows);
    target.allocateNew();
    ArrowType type = target.getField().getType();
    Object value = TypedValues.isNullPartitionValue(text) ? null : parse(text, type);
    for (int i = 0; i < rows; i++) {
      if (value == null) {
        target.setNull(i);
        continue;
      }
      switch (target) {
        case TinyIntVector v -> v.setSafe(i, ((Long) value).byteValue());
        case SmallIntVector v -> v.setSafe(i, ((Long) value).shortValue());
        case IntVector v -> v.setSafe(i, ((Long) value).intValue());
        case BigIntVector v -> v.setSafe(i, (Long) value);
        case Float4Vector v -> v.setSafe(i, ((Double) value).floatValue());
        case Float8Vector v -> v.setSafe(i, (Double) value);
        case BitVector v -> v.setSafe(i, ((Boolean) value) ? 1 : 0);
        case DateDayVector v -> v.setSafe(i, (int) ((LocalDate) value).toEpochDay());
        case TimeStampVector v -> v.setSafe(i, ChronoUnit.MICROS.between(Instant.EPOCH, (Instant) value));
        case DecimalVector v -> v.setSafe(i, ((BigDecimal) value).setScale(v.getScale()));
        case VarCharVector v -> v.setSafe(i, ((String) value).getBytes(StandardCharsets.UTF_8));
        case VarBinaryVector v -> v.setSafe(i, ((String) value).getBytes(StandardCharsets.UTF_8));
        default ->
            throw new GoldgateException(GoldgateException.Kind.UNSUPPORTED, "Partition column " + column.field().getName() + " has a type Flight cannot fill: " + type);
      }
    }
    target.setValueCount(rows);
  }

  private static Object parse(String text, ArrowType type) {
    return switch (type) {
      case ArrowType.Int i -> TypedValues.parseLiteral(text, Filter.ValueType.LONG);
      case ArrowType.FloatingPoint f ->
          TypedValues.parseStored(text, f.getPrecision() == FloatingPointPrecision.SINGLE ? Filter.ValueType.FLOAT : Filter.ValueType.DOUBLE);
      case ArrowType.Bool b -> TypedValues.parseLiteral(text, Filter.ValueType.BOOL);
      case ArrowType.Date d -> TypedValues.parseLiteral(text, Filter.ValueType.DATE);
      case ArrowType.Timestamp t -> TypedValues.parseLiteral(text, Filter.ValueType.TIMESTAMP);
      case ArrowType.Decimal d -> TypedValues.parseLiteral(text, Filter.ValueType.DECIMAL);
      default -> text;
    };
  }
}
