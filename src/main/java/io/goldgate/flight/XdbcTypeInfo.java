package io.goldgate.flight;

import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.Comparator;
import java.util.List;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.XdbcDataType;
import org.apache.arrow.flight.sql.impl.FlightSql.XdbcDatetimeSubcode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;

/**
 * The answer to GetXdbcTypeInfo (JDBC's {@code DatabaseMetaData.getTypeInfo}, ODBC's
 * {@code SQLGetTypeInfo}): one row per DuckDB type a Goldgate query can return, named as DuckDB's
 * {@code typeof} names it.
 *
 * <p>{@code data_type} is the {@link java.sql.Types} number the Arrow Flight SQL JDBC driver
 * reports for a column of that type, so a tool can look up the type of any column it was shown:
 * the driver reports a single-precision float as {@code FLOAT} and structs and maps as
 * {@code JAVA_OBJECT}, and so does this table. {@code sql_data_type} is the same number except
 * for dates and timestamps, which carry ODBC's generic {@code DATETIME} and a subcode, as the Flight
 * SQL specification asks.
 */
final class XdbcTypeInfo {

  private static final int NULLABLE = 1; // typeNullable
  private static final int SEARCHABLE_EXCEPT_LIKE = 2; // typePredBasic
  private static final int SEARCHABLE = 3; // typeSearchable
  private static final int UNBOUNDED = Integer.MAX_VALUE;

  /** One row; null fields are null in the answer. */
  record Type(
      String name,
      int dataType,
      Integer columnSize,
      String literalPrefix,
      String literalSuffix,
      List<String> createParams,
      boolean caseSensitive,
      int searchable,
      Boolean unsigned,
      Integer minimumScale,
      Integer maximumScale,
      int sqlDataType,
      Integer datetimeSubcode,
      Integer radix) {

    boolean numeric() {
      return unsigned != null;
    }
  }

  private static Type integer(String name, int dataType, int digits) {
    return new Type(name, dataType, digits, null, null, null, false, SEARCHABLE_EXCEPT_LIKE, false, 0, 0, dataType, null, 10);
  }

  private static Type floating(String name, int dataType, int bits) {
    return new Type(name, dataType, bits, null, null, null, false, SEARCHABLE_EXCEPT_LIKE, false, null, null, dataType, null, 2);
  }

  private static Type datetime(String name, int dataType, int length, String keyword, int fractionDigits, XdbcDatetimeSubcode subcode) {
    return new Type(name, dataType, length, keyword + " '", "'", null, false, SEARCHABLE_EXCEPT_LIKE, null, 0, fractionDigits,
        XdbcDataType.XDBC_DATETIME_VALUE, subcode.getNumber(), null);
  }

  private static Type nested(String name, int dataType) {
    return new Type(name, dataType, null, null, null, null, false, SEARCHABLE_EXCEPT_LIKE, null, null, null, dataType, null, null);
  }

  /** Every row, ordered by {@code data_type} as JDBC asks (then the closer match first). */
  static final List<Type> TYPES =
      List.of(
              new Type("BOOLEAN", Types.BOOLEAN, 1, null, null, null, false, SEARCHABLE_EXCEPT_LIKE, null, null, null, Types.BOOLEAN, null, null),
              integer("TINYINT", Types.TINYINT, 3),
              integer("SMALLINT", Types.SMALLINT, 5),
              integer("INTEGER", Types.INTEGER, 10),
              integer("BIGINT", Types.BIGINT, 19),
              floating("FLOAT", Types.FLOAT, 24),
              floating("DOUBLE", Types.DOUBLE, 53),
              new Type("DECIMAL", Types.DECIMAL, 38, null, null, List.of("precision", "scale"), false, SEARCHABLE_EXCEPT_LIKE, false, 0, 38, Types.DECIMAL, null, 10),
              new Type("VARCHAR", Types.VARCHAR, UNBOUNDED, "'", "'", null, true, SEARCHABLE, null, null, null, Types.VARCHAR, null, null),
              new Type("BLOB", Types.VARBINARY, UNBOUNDED, "BLOB '", "'", null, false, SEARCHABLE_EXCEPT_LIKE, null, null, null, Types.VARBINARY, null, null),
              datetime("DATE", Types.DATE, 10, "DATE", 0, XdbcDatetimeSubcode.XDBC_SUBCODE_DATE),
              // yyyy-mm-dd hh:mm:ss.ffffff, and +hh:mm for the zone.
              datetime("TIMESTAMP", Types.TIMESTAMP, 26, "TIMESTAMP", 6, XdbcDatetimeSubcode.XDBC_SUBCODE_TIMESTAMP),
              datetime("TIMESTAMP WITH TIME ZONE", Types.TIMESTAMP_WITH_TIMEZONE, 32, "TIMESTAMPTZ", 6, XdbcDatetimeSubcode.XDBC_SUBCODE_TIMESTAMP_WITH_TIMEZONE),
              nested("STRUCT", Types.JAVA_OBJECT),
              nested("MAP", Types.JAVA_OBJECT),
              nested("LIST", Types.ARRAY))
          .stream()
          .sorted(Comparator.comparingInt(Type::dataType))
          .toList();

  private XdbcTypeInfo() {}

  /** The rows of one {@code data_type}, or all of them when it is null. */
  static List<Type> rows(Integer dataType) {
    return dataType == null ? TYPES : TYPES.stream().filter(t -> t.dataType() == dataType).toList();
  }

  /** Sends {@code types} as one batch of {@link Schemas#GET_TYPE_INFO_SCHEMA}. */
  static void send(List<Type> types, BufferAllocator allocator, ServerStreamListener listener) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_TYPE_INFO_SCHEMA, allocator)) {
      root.allocateNew();
      ListVector createParams = (ListVector) root.getVector("create_params");
      VarCharVector params = (VarCharVector) createParams.getDataVector();
      for (int i = 0; i < types.size(); i++) {
        Type t = types.get(i);
        text(root, "type_name", i, t.name());
        integer(root, "data_type", i, t.dataType());
        integer(root, "column_size", i, t.columnSize());
        text(root, "literal_prefix", i, t.literalPrefix());
        text(root, "literal_suffix", i, t.literalSuffix());
        if (t.createParams() != null) {
          int start = createParams.startNewValue(i);
          for (int p = 0; p < t.createParams().size(); p++) {
            params.setSafe(start + p, t.createParams().get(p).getBytes(StandardCharsets.UTF_8));
          }
          createParams.endValue(i, t.createParams().size());
        }
        integer(root, "nullable", i, NULLABLE);
        bit(root, "case_sensitive", i, t.caseSensitive());
        integer(root, "searchable", i, t.searchable());
        bit(root, "unsigned_attribute", i, t.unsigned());
        bit(root, "fixed_prec_scale", i, false);
        bit(root, "auto_increment", i, t.numeric() ? false : null);
        text(root, "local_type_name", i, t.name());
        integer(root, "minimum_scale", i, t.minimumScale());
        integer(root, "maximum_scale", i, t.maximumScale());
        integer(root, "sql_data_type", i, t.sqlDataType());
        integer(root, "datetime_subcode", i, t.datetimeSubcode());
        integer(root, "num_prec_radix", i, t.radix());
        integer(root, "interval_precision", i, null);
      }
      root.setRowCount(types.size());
      listener.start(root);
      listener.putNext();
      listener.completed();
    } catch (RuntimeException e) {
      listener.error(CallStatus.INTERNAL.withDescription("Cannot list the types: " + e.getMessage()).toRuntimeException());
    }
  }

  private static void text(VectorSchemaRoot root, String column, int row, String value) {
    VarCharVector vector = (VarCharVector) root.getVector(column);
    if (value == null) vector.setNull(row);
    else vector.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void integer(VectorSchemaRoot root, String column, int row, Integer value) {
    IntVector vector = (IntVector) root.getVector(column);
    if (value == null) vector.setNull(row);
    else vector.setSafe(row, value);
  }

  private static void bit(VectorSchemaRoot root, String column, int row, Boolean value) {
    BitVector vector = (BitVector) root.getVector(column);
    if (value == null) vector.setNull(row);
    else vector.setSafe(row, value ? 1 : 0);
  }
}
