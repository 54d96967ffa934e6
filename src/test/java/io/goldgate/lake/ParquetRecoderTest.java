package io.goldgate.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.lake.parquet.ParquetRecoder;
import io.goldgate.testing.SampleLake;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recoding Parquet files the native reader cannot decode, on files written by delta-rs: the copy
 * holds the same rows as the Hadoop-LZ4 twin of the same data (which the native reader reads as
 * it is), and what cannot be recoded is refused with a reason.
 */
class ParquetRecoderTest {

  @TempDir Path tmp;

  private static Path onlyFile(String table, String partition) throws Exception {
    try (Stream<Path> files = Files.list(SampleLake.CONFORMANCE_LAKE.resolve(table).resolve(partition))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
  }

  /** Every row of the file as the native reader gives it, each row's cells as text. */
  private static List<String> nativeRows(Path file) throws Exception {
    List<String> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        var factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), FileFormat.PARQUET, file.toUri().toString());
        var dataset = factory.finish();
        var scanner = dataset.newScan(new ScanOptions(16));
        var reader = scanner.scanBatches()) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        for (int r = 0; r < root.getRowCount(); r++) {
          StringBuilder row = new StringBuilder();
          for (var v : root.getFieldVectors()) {
            Object value = v.getObject(r);
            row.append(value instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(value)).append('|');
          }
          rows.add(row.toString());
        }
      }
    }
    return rows;
  }

  @Test
  void aBrotliFileRecodesToTheRowsOfItsLz4Twin() throws Exception {
    Path brotli = onlyFile("brotli_mixed", "part=north");
    FileMetaData footer = ParquetRecoder.footer(brotli);
    assertEquals(Set.of("BROTLI"), ParquetRecoder.codecNames(footer));
    assertTrue(ParquetRecoder.needsRecoding(footer));
    assertThrows(RuntimeException.class, () -> nativeRows(brotli), "the native reader lacks Brotli");

    Path copy = tmp.resolve("copy.parquet");
    ParquetRecoder.recode(brotli, footer, copy);
    FileMetaData recoded = ParquetRecoder.footer(copy);
    assertEquals(Set.of("UNCOMPRESSED"), ParquetRecoder.codecNames(recoded));
    assertFalse(ParquetRecoder.needsRecoding(recoded));
    assertEquals(footer.getKey_value_metadata(), recoded.getKey_value_metadata(), "the Arrow schema travels along");

    Path lz4 = onlyFile("lz4_hadoop_mixed", "part=north");
    assertEquals(Set.of("LZ4"), ParquetRecoder.codecNames(ParquetRecoder.footer(lz4)), "delta-rs writes LZ4 in the Hadoop framing");
    List<String> expected = nativeRows(lz4);
    assertTrue(expected.size() > 5);
    assertEquals(expected, nativeRows(copy));
  }

  @Test
  void aCodecWithoutADecoderIsRefusedByName() throws Exception {
    Path brotli = onlyFile("brotli_mixed", "part=south");
    FileMetaData footer = ParquetRecoder.footer(brotli);
    footer.getRow_groups().forEach(g -> g.getColumns().forEach(c -> c.getMeta_data().setCodec(CompressionCodec.LZO)));
    var e = assertThrows(ParquetRecoder.RecodeException.class, () -> ParquetRecoder.recode(brotli, footer, tmp.resolve("x.parquet")));
    assertEquals("codec LZO is not supported", e.getMessage());
  }

  @Test
  void damagedFilesAreRefusedWithAReason() throws Exception {
    Path brotli = onlyFile("brotli_mixed", "part=south");
    byte[] bytes = Files.readAllBytes(brotli);

    Path truncated = tmp.resolve("truncated.parquet");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertTrue(assertThrows(ParquetRecoder.RecodeException.class, () -> ParquetRecoder.footer(truncated)).getMessage().startsWith("it is not a Parquet file"));

    Path hugeFooter = tmp.resolve("footer.parquet");
    byte[] lying = bytes.clone();
    ByteBuffer.wrap(lying, lying.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MAX_VALUE);
    Files.write(hugeFooter, lying);
    assertTrue(assertThrows(ParquetRecoder.RecodeException.class, () -> ParquetRecoder.footer(hugeFooter)).getMessage().contains("footer length"));

    // Every data byte after the first page header flipped: the Brotli stream is no longer valid.
    FileMetaData footer = ParquetRecoder.footer(brotli);
    var chunk = footer.getRow_groups().get(0).getColumns().get(0).getMeta_data();
    long start = chunk.isSetDictionary_page_offset() && chunk.getDictionary_page_offset() > 0 ? chunk.getDictionary_page_offset() : chunk.getData_page_offset();
    var header = Util.readPageHeader(new java.io.ByteArrayInputStream(bytes, (int) start, bytes.length - (int) start));
    ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
    Util.writePageHeader(header, headerBytes);
    byte[] corrupt = bytes.clone();
    int body = (int) start + headerBytes.size();
    for (int i = body; i < body + header.getCompressed_page_size(); i++) {
      corrupt[i] = (byte) ~corrupt[i];
    }
    Path damaged = tmp.resolve("damaged.parquet");
    Files.write(damaged, corrupt);
    var e = assertThrows(ParquetRecoder.RecodeException.class, () -> ParquetRecoder.recode(damaged, ParquetRecoder.footer(damaged), tmp.resolve("y.parquet")));
    assertTrue(e.getMessage().startsWith("a page of column"), e.getMessage());
  }
}
