package io.goldgate.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.TableRef;
import io.goldgate.lake.TableSnapshot;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.Filter.Operand;
import io.goldgate.storage.TableLocation;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batches of the native read path when a file's row groups are larger than the batch size: the
 * reader asks for whole row groups and cuts them into batches itself. Checked against orders_dv as
 * Spark wrote it (expected rows in shares/feature-lake/expected: 20-row files under deletion
 * vectors, INT96 timestamps, a decimal).
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class SplitReaderBatchesTest {

  static final Path ORDERS = Path.of("shares", "feature-lake", "orders_dv").toAbsolutePath();
  static final Path EXPECTED = Path.of("shares", "feature-lake", "expected", "orders_dv.v3.jsonl");
  static final List<String> FIXED_WIDTH = List.of("order_id", "customer_id", "amount", "order_ts");

  record Order(long id, long customer, BigDecimal amount, long micros) {}

  @Inject DeltaLake lake;

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8, 19, 64})
  void fixedWidthColumnsReadAsSparkWroteThemInBatchesOfAtMostTheBatchSize(int batchRows) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    List<Order> got = read(batchRows, null, null, sizes);
    assertEquals(expected(), sorted(got));
    assertTrue(sizes.stream().allMatch(n -> n <= batchRows), "batch sizes " + sizes);
    if (batchRows == 8) {
      // Three 20-row files cut at 8 and 16, less their deleted rows, and the 4-row file of v3.
      assertEquals(10, sizes.size(), "batch sizes " + sizes);
    }
  }

  @Test
  void aLimitStopsInsideARowGroupAndAFilterKeepsExactlyItsRows() throws Exception {
    List<Order> limited = read(3, null, 10L, new ArrayList<>());
    assertEquals(10, limited.size());
    assertTrue(expected().containsAll(limited), "limited rows are rows of the table: " + limited);

    Filter atLeast = new Filter.Compare(Filter.Op.GE, new Operand.Column("customer_id", null), new Operand.Literal("130", Filter.ValueType.LONG));
    List<Order> filtered = read(3, atLeast, null, new ArrayList<>());
    assertEquals(expected().stream().filter(o -> o.customer() >= 130).toList(), sorted(filtered));
  }

  @Test
  void wholeRowGroupsOnlyForFixedWidthColumnsWithinTheBound() throws Exception {
    TableSnapshot snapshot = lake.latest(new TableRef(TableLocation.local(ORDERS), "orders_dv"));
    DataFile file = snapshot.files().stream().filter(f -> f.numRecords() == 20).findFirst().orElseThrow();
    Path path = ORDERS.resolve(file.relativePath());
    try (BufferAllocator allocator = new RootAllocator();
        BufferAllocator small = allocator.newChildAllocator("small", 0, 1000);
        FileSystemDatasetFactory factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), FileFormat.PARQUET, path.toUri().toString())) {
      Schema schema = factory.inspect();
      String[] numbers = {"order_id", "amount", "order_ts"};
      assertEquals(20, reader(allocator, 3).scanRows(file, path, schema, numbers), "one 20-row group, fixed-width columns");
      assertEquals(3, reader(allocator, 3).scanRows(file, path, schema, new String[] {"order_id", "status"}), "a string column");
      assertEquals(3, reader(small, 3).scanRows(file, path, schema, numbers), "over a quarter of the allocator's limit");
      assertEquals(64, reader(allocator, 64).scanRows(file, path, schema, numbers), "row groups no larger than a batch");
      assertEquals(3, reader(allocator, 3).scanRows(file, path, schema, new String[0]), "no column read from the file");
    }
  }

  @Test
  void fixedWidthIsValuesAndValidityOfFlatColumns() {
    assertEquals(9, SplitReader.fixedWidth(field(new ArrowType.Int(64, true))));
    assertEquals(5, SplitReader.fixedWidth(field(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))));
    assertEquals(17, SplitReader.fixedWidth(field(new ArrowType.Decimal(10, 2, 128))));
    assertEquals(1, SplitReader.fixedWidth(field(ArrowType.Bool.INSTANCE)));
    assertEquals(-1, SplitReader.fixedWidth(field(ArrowType.Utf8.INSTANCE)));
    assertEquals(-1, SplitReader.fixedWidth(field(ArrowType.LargeBinary.INSTANCE)));
    assertEquals(-1, SplitReader.fixedWidth(new Field("l", FieldType.nullable(ArrowType.List.INSTANCE), List.of(field(new ArrowType.Int(32, true))))));
    assertEquals(-1, SplitReader.fixedWidth(null));
  }

  private static Field field(ArrowType type) {
    return new Field("c", FieldType.nullable(type), null);
  }

  private SplitReader reader(BufferAllocator allocator, int batchRows) {
    return new SplitReader(allocator, lake.engine(), lake.storage(), batchRows, Long.MAX_VALUE);
  }

  private List<Order> read(int batchRows, Filter filter, Long limit, List<Integer> sizes) throws Exception {
    TableSnapshot snapshot = lake.latest(new TableRef(TableLocation.local(ORDERS), "orders_dv"));
    List<ArrowSchemas.Column> all = ArrowSchemas.columns(snapshot.metadata().schemaString(), snapshot.metadata().partitionColumns());
    List<ArrowSchemas.Column> columns = FIXED_WIDTH.stream().map(n -> all.stream().filter(c -> c.field().getName().equals(n)).findFirst().orElseThrow()).toList();
    List<Order> out = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator()) {
      reader(allocator, batchRows).read("orders_dv", TableLocation.local(ORDERS), snapshot.files(), columns, all, filter, limit, () -> false, batch -> {
        sizes.add(batch.getRowCount());
        BigIntVector id = (BigIntVector) batch.getVector("order_id");
        BigIntVector customer = (BigIntVector) batch.getVector("customer_id");
        DecimalVector amount = (DecimalVector) batch.getVector("amount");
        TimeStampVector ts = (TimeStampVector) batch.getVector("order_ts");
        for (int i = 0; i < batch.getRowCount(); i++) {
          out.add(new Order(id.get(i), customer.get(i), amount.getObject(i), ts.get(i)));
        }
      });
    }
    return out;
  }

  private static List<Order> sorted(List<Order> orders) {
    return orders.stream().sorted(Comparator.comparingLong(Order::id)).toList();
  }

  private static List<Order> expected() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<Long, Order> rows = new TreeMap<>();
    for (String line : Files.readAllLines(EXPECTED)) {
      if (line.isBlank()) continue;
      JsonNode n = json.readTree(line);
      Instant at = Instant.parse(n.get("order_ts").asText());
      rows.put(n.get("order_id").asLong(),
          new Order(n.get("order_id").asLong(), n.get("customer_id").asLong(), new BigDecimal(n.get("amount").asText()), ChronoUnit.MICROS.between(Instant.EPOCH, at)));
    }
    assertEquals(54, rows.size());
    return List.copyOf(rows.values());
  }
}
