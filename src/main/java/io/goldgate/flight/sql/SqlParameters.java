package io.goldgate.flight.sql;

import io.goldgate.GoldgateException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.Channels;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.util.Text;

/**
 * Bound parameter values of a prepared statement. A client binds them with DoPut; they travel back
 * inside the statement's next handle as one Arrow IPC row, so no replica keeps them.
 */
public final class SqlParameters {

  private SqlParameters() {}

  /** The parameter row a client sent, as IPC bytes (exactly one row, at most {@link SqlLimits#MAX_PARAMETER_BYTES}). */
  public static byte[] encode(VectorSchemaRoot root) {
    if (root.getRowCount() != 1) {
      throw GoldgateException.invalid("Bind exactly one row of parameters to a query, got " + root.getRowCount());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
      writer.start();
      writer.writeBatch();
      writer.end();
    } catch (IOException e) {
      throw GoldgateException.invalid("The parameters cannot be encoded: " + e.getMessage());
    }
    if (out.size() > SqlLimits.MAX_PARAMETER_BYTES) {
      throw GoldgateException.invalid("The parameters take " + out.size() + " bytes; the limit is " + SqlLimits.MAX_PARAMETER_BYTES);
    }
    return out.toByteArray();
  }

  /** The values of an encoded row, as JDBC objects DuckDB binds. */
  static List<Object> decode(byte[] bytes, BufferAllocator allocator) {
    try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
      List<Object> values = new ArrayList<>();
      if (!reader.loadNextBatch()) return values;
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      for (FieldVector vector : root.getFieldVectors()) {
        values.add(value(vector));
      }
      return values;
    } catch (IOException e) {
      throw GoldgateException.invalid("The bound parameters cannot be read: " + e.getMessage());
    }
  }

  private static Object value(FieldVector vector) {
    if (vector.isNull(0)) return null;
    if (vector instanceof DateDayVector days) return LocalDate.ofEpochDay(days.get(0));
    if (vector instanceof DateMilliVector millis) return LocalDate.ofEpochDay(Math.floorDiv(millis.get(0), 86_400_000L));
    if (vector instanceof TimeStampVector stamps) {
      ArrowType.Timestamp type = (ArrowType.Timestamp) vector.getField().getType();
      long raw = stamps.get(0);
      Instant instant =
          switch (type.getUnit()) {
            case SECOND -> Instant.ofEpochSecond(raw);
            case MILLISECOND -> Instant.ofEpochMilli(raw);
            case MICROSECOND -> Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000L), Math.floorMod(raw, 1_000_000L) * 1000);
            case NANOSECOND -> Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000_000L), Math.floorMod(raw, 1_000_000_000L));
          };
      return type.getTimezone() == null ? LocalDateTime.ofInstant(instant, ZoneOffset.UTC) : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
    Object value = vector.getObject(0);
    if (value instanceof Text text) return text.toString();
    if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long || value instanceof Float
        || value instanceof Double || value instanceof Boolean || value instanceof BigDecimal || value instanceof byte[] || value instanceof String) {
      return value;
    }
    throw GoldgateException.invalid("Parameters of type " + vector.getField().getType() + " are not supported");
  }

  /** The Arrow field a client should bind for a parameter DuckDB typed as {@code duckType}. */
  static Field field(String name, String duckType) {
    String type = duckType == null ? "" : duckType.toUpperCase(Locale.ROOT);
    ArrowType arrow;
    if (type.startsWith("DECIMAL")) {
      int open = type.indexOf('(');
      int comma = type.indexOf(',');
      int close = type.indexOf(')');
      arrow =
          open > 0 && comma > open && close > comma
              ? new ArrowType.Decimal(Integer.parseInt(type.substring(open + 1, comma).trim()), Integer.parseInt(type.substring(comma + 1, close).trim()), 128)
              : new ArrowType.Decimal(38, 10, 128);
    } else {
      arrow =
          switch (type) {
            case "BOOLEAN" -> ArrowType.Bool.INSTANCE;
            case "TINYINT" -> new ArrowType.Int(8, true);
            case "SMALLINT" -> new ArrowType.Int(16, true);
            case "INTEGER" -> new ArrowType.Int(32, true);
            case "BIGINT" -> new ArrowType.Int(64, true);
            case "UTINYINT" -> new ArrowType.Int(8, false);
            case "USMALLINT" -> new ArrowType.Int(16, false);
            case "UINTEGER" -> new ArrowType.Int(32, false);
            case "UBIGINT" -> new ArrowType.Int(64, false);
            case "FLOAT" -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case "DOUBLE" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case "DATE" -> new ArrowType.Date(DateUnit.DAY);
            case "TIMESTAMP" -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
            case "BLOB" -> ArrowType.Binary.INSTANCE;
            default -> ArrowType.Utf8.INSTANCE;
          };
    }
    return new Field(name, FieldType.nullable(arrow), null);
  }
}
