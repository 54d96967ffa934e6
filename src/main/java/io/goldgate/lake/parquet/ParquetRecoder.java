package io.goldgate.lake.parquet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.brotli.dec.BrotliInputStream;

/**
 * Rewrites a Parquet file whose column chunks use a codec the native (Arrow C++) reader was built
 * without, so that it can read it: those chunks' pages are decompressed in Java and written
 * uncompressed; every other chunk, the schema, the statistics and the key-value metadata (the Arrow
 * schema among them) are copied as they are. Page indexes and bloom filters, which point at the
 * old offsets, are left out. The copy holds the same rows in the same order.
 *
 * <p>Only Brotli needs it with the arrow-dataset build in use (its native library says "Support
 * for codec 'brotli' not built"); LZO has no decoder here and is refused by name. Encrypted files
 * and chunks stored in other files are refused too.
 */
public final class ParquetRecoder {

  /** What arrow-dataset's bundled Arrow C++ decodes. */
  public static final Set<CompressionCodec> NATIVE =
      EnumSet.of(CompressionCodec.UNCOMPRESSED, CompressionCodec.SNAPPY, CompressionCodec.GZIP, CompressionCodec.LZ4, CompressionCodec.ZSTD, CompressionCodec.LZ4_RAW);

  /** What this class decodes in Java. */
  public static final Set<CompressionCodec> DECODED_HERE = EnumSet.of(CompressionCodec.BROTLI);

  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENCRYPTED_MAGIC = "PARE".getBytes(StandardCharsets.US_ASCII);
  /** Footers are kilobytes to a few megabytes; a larger length field is a damaged file. */
  private static final int MAX_FOOTER_BYTES = 64 << 20;
  /** One page decompressed is held in memory: larger pages are refused as damaged. */
  private static final int MAX_PAGE_BYTES = 256 << 20;

  /** The file cannot be recoded; the message says why, naming no path. */
  public static final class RecodeException extends IOException {
    public RecodeException(String message) {
      super(message);
    }
  }

  private ParquetRecoder() {}

  /** The codecs of every column chunk of the file, by name, in order. */
  public static Set<String> codecNames(FileMetaData footer) {
    Set<String> names = new TreeSet<>();
    for (RowGroup group : footer.getRow_groups()) {
      for (ColumnChunk chunk : group.getColumns()) {
        if (chunk.isSetMeta_data()) {
          CompressionCodec codec = chunk.getMeta_data().getCodec();
          names.add(codec == null ? "UNKNOWN" : codec.name());
        }
      }
    }
    return names;
  }

  /** Whether some chunk of the file needs decoding here before the native reader can read it. */
  public static boolean needsRecoding(FileMetaData footer) {
    for (RowGroup group : footer.getRow_groups()) {
      for (ColumnChunk chunk : group.getColumns()) {
        if (chunk.isSetMeta_data() && !NATIVE.contains(chunk.getMeta_data().getCodec())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Reads and parses the footer of a Parquet file. */
  public static FileMetaData footer(Path file) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      return footer(in);
    }
  }

  private static FileMetaData footer(FileChannel in) throws IOException {
    long size = in.size();
    if (size < 12) {
      throw new RecodeException("it is not a Parquet file (" + size + " bytes)");
    }
    ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(in, tail, size - 8);
    byte[] magic = Arrays.copyOfRange(tail.array(), 4, 8);
    if (Arrays.equals(magic, ENCRYPTED_MAGIC)) {
      throw new RecodeException("it is an encrypted Parquet file");
    }
    if (!Arrays.equals(magic, MAGIC)) {
      throw new RecodeException("it is not a Parquet file (no PAR1 at its end)");
    }
    int length = tail.getInt(0);
    if (length <= 0 || length > MAX_FOOTER_BYTES || length > size - 12) {
      throw new RecodeException("its footer length (" + length + " bytes) does not fit the file");
    }
    ByteBuffer footer = ByteBuffer.allocate(length);
    readFully(in, footer, size - 8 - length);
    try {
      return Util.readFileMetaData(new ByteArrayInputStream(footer.array()));
    } catch (IOException | RuntimeException e) {
      throw new RecodeException("its footer cannot be parsed: " + e.getMessage());
    }
  }

  /**
   * The number of bytes a recoded copy of the file takes: chunks copied as they are, recoded chunks
   * at their uncompressed size.
   */
  public static long recodedSize(FileMetaData footer) {
    long bytes = 0;
    for (RowGroup group : footer.getRow_groups()) {
      for (ColumnChunk chunk : group.getColumns()) {
        ColumnMetaData meta = chunk.getMeta_data();
        bytes += NATIVE.contains(meta.getCodec()) ? meta.getTotal_compressed_size() : meta.getTotal_uncompressed_size();
      }
    }
    return bytes;
  }

  /**
   * Writes to {@code target} a copy of {@code source} in which every column chunk of a codec outside
   * {@link #NATIVE} is stored uncompressed.
   *
   * @throws RecodeException when a chunk cannot be recoded (a codec without a decoder here, an
   *     encrypted or damaged file)
   */
  public static void recode(Path source, FileMetaData footer, Path target) throws IOException {
    if (footer.isSetEncryption_algorithm()) {
      throw new RecodeException("it is an encrypted Parquet file");
    }
    FileMetaData out = footer.deepCopy();
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        CountingOutputStream sink = new CountingOutputStream(Files.newOutputStream(target))) {
      sink.write(MAGIC);
      for (RowGroup group : out.getRow_groups()) {
        long groupStart = sink.count;
        long groupBytes = 0;
        for (ColumnChunk chunk : group.getColumns()) {
          groupBytes += copyChunk(in, chunk, sink);
        }
        group.setFile_offset(groupStart);
        group.setTotal_compressed_size(groupBytes);
      }
      ByteArrayOutputStream footerBytes = new ByteArrayOutputStream();
      Util.writeFileMetaData(out, footerBytes);
      footerBytes.writeTo(sink);
      ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(footerBytes.size());
      sink.write(length.array());
      sink.write(MAGIC);
    }
  }

  /** Copies one column chunk to the end of {@code sink}, updating its metadata; returns its bytes. */
  private static long copyChunk(FileChannel in, ColumnChunk chunk, CountingOutputStream sink) throws IOException {
    if (chunk.isSetFile_path()) {
      throw new RecodeException("its column chunks are stored in other files");
    }
    if (chunk.isSetCrypto_metadata() || chunk.isSetEncrypted_column_metadata()) {
      throw new RecodeException("it has encrypted columns");
    }
    if (!chunk.isSetMeta_data()) {
      throw new RecodeException("a column chunk has no metadata");
    }
    ColumnMetaData meta = chunk.getMeta_data();
    CompressionCodec codec = meta.getCodec();
    boolean decode = !NATIVE.contains(codec);
    if (decode && !DECODED_HERE.contains(codec)) {
      throw new RecodeException("codec " + (codec == null ? "UNKNOWN" : codec.name()) + " is not supported");
    }
    long start = meta.getData_page_offset();
    if (meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0 && meta.getDictionary_page_offset() < start) {
      start = meta.getDictionary_page_offset();
    }
    long length = meta.getTotal_compressed_size();
    if (start < 4 || length < 0 || start + length > in.size()) {
      throw new RecodeException("a column chunk lies outside the file");
    }
    long chunkStart = sink.count;
    long dictionaryOffset = -1;
    long dataOffset = -1;
    CountingInputStream pages = new CountingInputStream(Channels.newInputStream(in.position(start)));
    while (pages.count < length) {
      long pageStart = sink.count;
      PageHeader header = Util.readPageHeader(pages);
      int stored = header.getCompressed_page_size();
      if (stored < 0 || pages.count + stored > length) {
        throw new RecodeException("a page of column " + String.join(".", meta.getPath_in_schema()) + " runs past its column chunk");
      }
      byte[] body = pages.readNBytes(stored);
      if (body.length != stored) {
        throw new EOFException("the file ends inside a page");
      }
      if (decode) {
        body = decompressed(header, body, meta);
        header.setCompressed_page_size(body.length);
        header.unsetCrc();
      }
      Util.writePageHeader(header, sink);
      sink.write(body);
      if (header.getType() == PageType.DICTIONARY_PAGE && dictionaryOffset < 0) {
        dictionaryOffset = pageStart;
      } else if ((header.getType() == PageType.DATA_PAGE || header.getType() == PageType.DATA_PAGE_V2) && dataOffset < 0) {
        dataOffset = pageStart;
      }
    }
    if (dataOffset < 0) {
      throw new RecodeException("column " + String.join(".", meta.getPath_in_schema()) + " has no data page");
    }
    long bytes = sink.count - chunkStart;
    meta.setData_page_offset(dataOffset);
    if (dictionaryOffset >= 0) {
      meta.setDictionary_page_offset(dictionaryOffset);
    } else {
      meta.unsetDictionary_page_offset();
    }
    meta.unsetIndex_page_offset();
    meta.unsetBloom_filter_offset();
    meta.unsetBloom_filter_length();
    meta.setTotal_compressed_size(bytes);
    if (decode) {
      meta.setCodec(CompressionCodec.UNCOMPRESSED);
      meta.setTotal_uncompressed_size(bytes);
    }
    chunk.setFile_offset(chunkStart);
    chunk.unsetOffset_index_offset();
    chunk.unsetOffset_index_length();
    chunk.unsetColumn_index_offset();
    chunk.unsetColumn_index_length();
    return bytes;
  }

  /**
   * The page body uncompressed. In a V2 data page the repetition and definition levels come first
   * and are never compressed.
   */
  private static byte[] decompressed(PageHeader header, byte[] body, ColumnMetaData meta) throws IOException {
    int size = header.getUncompressed_page_size();
    if (size < 0 || size > MAX_PAGE_BYTES) {
      throw new RecodeException("a page of column " + String.join(".", meta.getPath_in_schema()) + " declares " + size + " bytes uncompressed");
    }
    int levels = 0;
    if (header.getType() == PageType.DATA_PAGE_V2) {
      DataPageHeaderV2 v2 = header.getData_page_header_v2();
      levels = v2.getDefinition_levels_byte_length() + v2.getRepetition_levels_byte_length();
      if (levels < 0 || levels > body.length || levels > size) {
        throw new RecodeException("a page of column " + String.join(".", meta.getPath_in_schema()) + " has level lengths past its end");
      }
      if (v2.isSetIs_compressed() && !v2.isIs_compressed()) {
        return body;
      }
      v2.setIs_compressed(false);
    }
    byte[] out = new byte[size];
    System.arraycopy(body, 0, out, 0, levels);
    try (InputStream data = new BrotliInputStream(new ByteArrayInputStream(body, levels, body.length - levels))) {
      int n = data.readNBytes(out, levels, size - levels);
      if (n != size - levels || data.read() != -1) {
        throw new RecodeException("a page of column " + String.join(".", meta.getPath_in_schema()) + " does not decompress to its declared size");
      }
    } catch (RecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new RecodeException("a page of column " + String.join(".", meta.getPath_in_schema()) + " is not valid " + meta.getCodec() + ": " + e.getMessage());
    }
    return out;
  }

  private static void readFully(FileChannel in, ByteBuffer into, long position) throws IOException {
    while (into.hasRemaining()) {
      int n = in.read(into, position + into.position());
      if (n < 0) {
        throw new EOFException("the file is shorter than its footer says");
      }
    }
  }

  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(new java.io.BufferedInputStream(in, 1 << 16));
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }

  private static final class CountingOutputStream extends OutputStream {
    private final OutputStream out;
    long count;

    CountingOutputStream(OutputStream out) {
      this.out = new java.io.BufferedOutputStream(out, 1 << 16);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
