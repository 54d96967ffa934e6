package io.goldgate.flight;

import static io.goldgate.flight.FlightTest.PARTNER;
import static io.goldgate.flight.FlightTest.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.Savepoint;
import org.apache.arrow.flight.sql.FlightSqlClient.SubstraitPlan;
import org.apache.arrow.flight.sql.FlightSqlClient.Transaction;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlInfo;
import org.apache.arrow.flight.sql.util.TableRef;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.DenseUnionVector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;
import org.junit.jupiter.api.Test;

/**
 * The Flight SQL metadata JDBC, ODBC and ADBC drivers ask for before (and besides) any query:
 * GetSqlInfo, GetXdbcTypeInfo and the four key commands, and the exact refusal of every command
 * that would write, transact or run a Substrait plan. Through Arrow's own FlightSqlClient.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class FlightSqlMetadataTest extends SqlTestBase {

  /** Granted nothing but share {@code conformance}. */
  private static final CallOption CONFORMANCE = bearer(SampleLake.CONFORMANCE_TOKEN);

  /** Every row of the single endpoint of a metadata answer, each read by {@code row}, after checking its schema. */
  private <T> List<T> rows(FlightInfo info, Schema schema, CallOption auth, java.util.function.BiFunction<VectorSchemaRoot, Integer, T> row) throws Exception {
    assertEquals(schema, info.getSchema(), "the FlightInfo announces the command's schema");
    assertEquals(1, info.getEndpoints().size());
    List<T> rows = new ArrayList<>();
    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), auth)) {
      assertEquals(schema, stream.getSchema(), "the stream carries the command's schema");
      while (stream.next()) {
        for (int i = 0; i < stream.getRoot().getRowCount(); i++) rows.add(row.apply(stream.getRoot(), i));
      }
    }
    return rows;
  }

  /** The SqlInfo answer as name -> value: strings and string lists as Java strings, numbers and booleans as they are. */
  private Map<Integer, Object> sqlInfo(SqlInfo... names) throws Exception {
    Map<Integer, Object> values = new LinkedHashMap<>();
    for (Map.Entry<Integer, Object> e : rows(sql.getSqlInfo(names, PARTNER), Schemas.GET_SQL_INFO_SCHEMA, PARTNER, (root, i) -> {
      Object value = ((DenseUnionVector) root.getVector("value")).getObject(i);
      if (value instanceof Text text) value = text.toString();
      if (value instanceof List<?> list) value = list.stream().map(Object::toString).toList();
      return Map.entry((int) ((UInt4Vector) root.getVector("info_name")).getValueAsLong(i), value);
    })) {
      values.put(e.getKey(), e.getValue());
    }
    return values;
  }

  private static int bits(com.google.protobuf.ProtocolMessageEnum... values) {
    return Arrays.stream(values).mapToInt(v -> 1 << v.getNumber()).reduce(0, (a, b) -> a | b);
  }

  @Test
  void sqlInfoDescribesTheServerAsReadOnlySqlWithoutSubstraitOrTransactions() throws Exception {
    Map<Integer, Object> info =
        sqlInfo(SqlInfo.FLIGHT_SQL_SERVER_NAME, SqlInfo.FLIGHT_SQL_SERVER_VERSION, SqlInfo.FLIGHT_SQL_SERVER_ARROW_VERSION, SqlInfo.FLIGHT_SQL_SERVER_READ_ONLY,
            SqlInfo.FLIGHT_SQL_SERVER_SQL, SqlInfo.FLIGHT_SQL_SERVER_SUBSTRAIT, SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION, SqlInfo.FLIGHT_SQL_SERVER_CANCEL,
            SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION, SqlInfo.FLIGHT_SQL_SERVER_STATEMENT_TIMEOUT, SqlInfo.SQL_TRANSACTIONS_SUPPORTED,
            SqlInfo.SQL_SAVEPOINTS_SUPPORTED, SqlInfo.SQL_DDL_CATALOG, SqlInfo.SQL_DDL_SCHEMA, SqlInfo.SQL_DDL_TABLE, SqlInfo.SQL_CATALOG_TERM);
    Map<Integer, Object> expected = new LinkedHashMap<>();
    expected.put(SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE, "Goldgate");
    expected.put(SqlInfo.FLIGHT_SQL_SERVER_VERSION_VALUE, "0.1.0");
    expected.put(SqlInfo.FLIGHT_SQL_SERVER_ARROW_VERSION_VALUE, "18.3.0");
    expected.put(SqlInfo.FLIGHT_SQL_SERVER_READ_ONLY_VALUE, true);
    expected.put(SqlInfo.FLIGHT_SQL_SERVER_SQL_VALUE, true);
    expected.put(SqlInfo.FLIGHT_SQL_SERVER_SUBSTRAIT_VALUE, false);
    expected.put(SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION_VALUE, FlightSql.SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE_VALUE);
    expected.put(SqlInfo.FLIGHT_SQL_SERVER_CANCEL_VALUE, true);
    expected.put(SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION_VALUE, false);
    expected.put(SqlInfo.FLIGHT_SQL_SERVER_STATEMENT_TIMEOUT_VALUE, 600_000);
    expected.put(SqlInfo.SQL_TRANSACTIONS_SUPPORTED_VALUE, false);
    expected.put(SqlInfo.SQL_SAVEPOINTS_SUPPORTED_VALUE, false);
    expected.put(SqlInfo.SQL_DDL_CATALOG_VALUE, false);
    expected.put(SqlInfo.SQL_DDL_SCHEMA_VALUE, false);
    expected.put(SqlInfo.SQL_DDL_TABLE_VALUE, false);
    expected.put(SqlInfo.SQL_CATALOG_TERM_VALUE, "share");
    assertEquals(expected, info);
  }

  @Test
  void sqlInfoDescribesDuckDbsDialect() throws Exception {
    Map<Integer, Object> info =
        sqlInfo(SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR, SqlInfo.SQL_IDENTIFIER_CASE, SqlInfo.SQL_QUOTED_IDENTIFIER_CASE, SqlInfo.SQL_SEARCH_STRING_ESCAPE,
            SqlInfo.SQL_EXTRA_NAME_CHARACTERS, SqlInfo.SQL_NULL_ORDERING, SqlInfo.SQL_SUPPORTS_COLUMN_ALIASING, SqlInfo.SQL_NULL_PLUS_NULL_IS_NULL,
            SqlInfo.SQL_SUPPORTED_GRAMMAR, SqlInfo.SQL_ANSI92_SUPPORTED_LEVEL, SqlInfo.SQL_OUTER_JOINS_SUPPORT_LEVEL, SqlInfo.SQL_SUPPORTED_GROUP_BY,
            SqlInfo.SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE, SqlInfo.SQL_SUPPORTS_NON_NULLABLE_COLUMNS, SqlInfo.SQL_SUPPORTS_EXPRESSIONS_IN_ORDER_BY,
            SqlInfo.SQL_SUPPORTED_SUBQUERIES, SqlInfo.SQL_CORRELATED_SUBQUERIES_SUPPORTED, SqlInfo.SQL_SUPPORTED_UNIONS, SqlInfo.SQL_MAX_COLUMN_NAME_LENGTH,
            SqlInfo.SQL_MAX_STATEMENT_LENGTH);
    Map<Integer, Object> expected = new LinkedHashMap<>();
    expected.put(SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR_VALUE, "\"");
    // DuckDB matches quoted and unquoted names alike case-insensitively. (Arrow's builder sends
    // these two and the null ordering as int64.)
    expected.put(SqlInfo.SQL_IDENTIFIER_CASE_VALUE, (long) FlightSql.SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE_VALUE);
    expected.put(SqlInfo.SQL_QUOTED_IDENTIFIER_CASE_VALUE, (long) FlightSql.SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE_VALUE);
    expected.put(SqlInfo.SQL_SEARCH_STRING_ESCAPE_VALUE, "\\");
    expected.put(SqlInfo.SQL_EXTRA_NAME_CHARACTERS_VALUE, "$");
    expected.put(SqlInfo.SQL_NULL_ORDERING_VALUE, (long) FlightSql.SqlNullOrdering.SQL_NULLS_SORTED_AT_END_VALUE);
    expected.put(SqlInfo.SQL_SUPPORTS_COLUMN_ALIASING_VALUE, true);
    expected.put(SqlInfo.SQL_NULL_PLUS_NULL_IS_NULL_VALUE, true);
    expected.put(SqlInfo.SQL_SUPPORTED_GRAMMAR_VALUE, bits(FlightSql.SupportedSqlGrammar.SQL_MINIMUM_GRAMMAR, FlightSql.SupportedSqlGrammar.SQL_CORE_GRAMMAR));
    expected.put(SqlInfo.SQL_ANSI92_SUPPORTED_LEVEL_VALUE, bits(FlightSql.SupportedAnsi92SqlGrammarLevel.ANSI92_ENTRY_SQL));
    expected.put(SqlInfo.SQL_OUTER_JOINS_SUPPORT_LEVEL_VALUE,
        bits(FlightSql.SqlOuterJoinsSupportLevel.SQL_LIMITED_OUTER_JOINS, FlightSql.SqlOuterJoinsSupportLevel.SQL_FULL_OUTER_JOINS));
    expected.put(SqlInfo.SQL_SUPPORTED_GROUP_BY_VALUE, bits(FlightSql.SqlSupportedGroupBy.SQL_GROUP_BY_UNRELATED, FlightSql.SqlSupportedGroupBy.SQL_GROUP_BY_BEYOND_SELECT));
    expected.put(SqlInfo.SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE_VALUE, true);
    expected.put(SqlInfo.SQL_SUPPORTS_NON_NULLABLE_COLUMNS_VALUE, true);
    expected.put(SqlInfo.SQL_SUPPORTS_EXPRESSIONS_IN_ORDER_BY_VALUE, true);
    expected.put(SqlInfo.SQL_SUPPORTED_SUBQUERIES_VALUE,
        bits(FlightSql.SqlSupportedSubqueries.SQL_SUBQUERIES_IN_COMPARISONS, FlightSql.SqlSupportedSubqueries.SQL_SUBQUERIES_IN_EXISTS,
            FlightSql.SqlSupportedSubqueries.SQL_SUBQUERIES_IN_INS, FlightSql.SqlSupportedSubqueries.SQL_SUBQUERIES_IN_QUANTIFIEDS));
    expected.put(SqlInfo.SQL_CORRELATED_SUBQUERIES_SUPPORTED_VALUE, true);
    expected.put(SqlInfo.SQL_SUPPORTED_UNIONS_VALUE, bits(FlightSql.SqlSupportedUnions.SQL_UNION, FlightSql.SqlSupportedUnions.SQL_UNION_ALL));
    expected.put(SqlInfo.SQL_MAX_COLUMN_NAME_LENGTH_VALUE, 0L);
    expected.put(SqlInfo.SQL_MAX_STATEMENT_LENGTH_VALUE, 0L);
    assertEquals(expected, info);
  }

  @Test
  void sqlInfoListsKeywordsAndFunctionsAndAnswersEverythingWhenAskedForNothing() throws Exception {
    Map<Integer, Object> info =
        sqlInfo(SqlInfo.SQL_KEYWORDS, SqlInfo.SQL_NUMERIC_FUNCTIONS, SqlInfo.SQL_STRING_FUNCTIONS, SqlInfo.SQL_SYSTEM_FUNCTIONS, SqlInfo.SQL_DATETIME_FUNCTIONS);
    assertEquals(List.of(SqlInfo.SQL_KEYWORDS_VALUE, SqlInfo.SQL_NUMERIC_FUNCTIONS_VALUE, SqlInfo.SQL_STRING_FUNCTIONS_VALUE, SqlInfo.SQL_SYSTEM_FUNCTIONS_VALUE,
        SqlInfo.SQL_DATETIME_FUNCTIONS_VALUE), List.copyOf(info.keySet()));
    assertEquals(List.of(FlightSqlInfo.KEYWORDS), info.get(SqlInfo.SQL_KEYWORDS_VALUE));
    for (var list : List.of(List.of(SqlInfo.SQL_KEYWORDS_VALUE, "QUALIFY"), List.of(SqlInfo.SQL_NUMERIC_FUNCTIONS_VALUE, "round"),
        List.of(SqlInfo.SQL_STRING_FUNCTIONS_VALUE, "regexp_replace"), List.of(SqlInfo.SQL_SYSTEM_FUNCTIONS_VALUE, "coalesce"),
        List.of(SqlInfo.SQL_DATETIME_FUNCTIONS_VALUE, "date_trunc"))) {
      assertTrue(((List<?>) info.get((Integer) list.get(0))).contains(list.get(1)), list.toString());
    }
    Map<Integer, Object> all = sqlInfo();
    assertEquals(77, all.size(), "every field FlightSqlInfo sets is answered");
    assertEquals("Goldgate", all.get(SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE));
    assertEquals(info.get(SqlInfo.SQL_DATETIME_FUNCTIONS_VALUE), all.get(SqlInfo.SQL_DATETIME_FUNCTIONS_VALUE));
  }

  /** type_name, data_type, column_size, literal_prefix, literal_suffix, create_params, sql_data_type, datetime_subcode of each row. */
  private List<List<Object>> typeRows(FlightInfo info) throws Exception {
    return rows(info, Schemas.GET_TYPE_INFO_SCHEMA, PARTNER, (root, i) -> {
      Function<String, Object> at = column -> {
        Object value = root.getVector(column).getObject(i);
        if (value instanceof Text text) return text.toString();
        if (value instanceof List<?> list) return list.stream().map(Object::toString).toList();
        return value;
      };
      return Arrays.asList(at.apply("type_name"), at.apply("data_type"), at.apply("column_size"), at.apply("literal_prefix"), at.apply("literal_suffix"),
          at.apply("create_params"), at.apply("sql_data_type"), at.apply("datetime_subcode"));
    });
  }

  @Test
  void typeInfoHasARowPerTypeGoldgateReturnsOrderedByDataType() throws Exception {
    List<List<Object>> rows = typeRows(sql.getXdbcTypeInfo(PARTNER));
    int unbounded = Integer.MAX_VALUE;
    List<List<Object>> expected =
        List.of(
            Arrays.asList("TINYINT", Types.TINYINT, 3, null, null, null, Types.TINYINT, null),
            Arrays.asList("BIGINT", Types.BIGINT, 19, null, null, null, Types.BIGINT, null),
            Arrays.asList("BLOB", Types.VARBINARY, unbounded, "BLOB '", "'", null, Types.VARBINARY, null),
            Arrays.asList("DECIMAL", Types.DECIMAL, 38, null, null, List.of("precision", "scale"), Types.DECIMAL, null),
            Arrays.asList("INTEGER", Types.INTEGER, 10, null, null, null, Types.INTEGER, null),
            Arrays.asList("SMALLINT", Types.SMALLINT, 5, null, null, null, Types.SMALLINT, null),
            Arrays.asList("FLOAT", Types.FLOAT, 24, null, null, null, Types.FLOAT, null),
            Arrays.asList("DOUBLE", Types.DOUBLE, 53, null, null, null, Types.DOUBLE, null),
            Arrays.asList("VARCHAR", Types.VARCHAR, unbounded, "'", "'", null, Types.VARCHAR, null),
            Arrays.asList("BOOLEAN", Types.BOOLEAN, 1, null, null, null, Types.BOOLEAN, null),
            Arrays.asList("DATE", Types.DATE, 10, "DATE '", "'", null, 9, 1),
            Arrays.asList("TIMESTAMP", Types.TIMESTAMP, 26, "TIMESTAMP '", "'", null, 9, 3),
            Arrays.asList("STRUCT", Types.JAVA_OBJECT, null, null, null, null, Types.JAVA_OBJECT, null),
            Arrays.asList("MAP", Types.JAVA_OBJECT, null, null, null, null, Types.JAVA_OBJECT, null),
            Arrays.asList("LIST", Types.ARRAY, null, null, null, null, Types.ARRAY, null),
            Arrays.asList("TIMESTAMP WITH TIME ZONE", Types.TIMESTAMP_WITH_TIMEZONE, 32, "TIMESTAMPTZ '", "'", null, 9,
                FlightSql.XdbcDatetimeSubcode.XDBC_SUBCODE_TIMESTAMP_WITH_TIMEZONE_VALUE));
    assertEquals(expected, rows);
  }

  @Test
  void typeInfoFilteredByDataTypeHasOnlyThoseRows() throws Exception {
    assertEquals(List.of("INTEGER"), typeRows(sql.getXdbcTypeInfo(Types.INTEGER, PARTNER)).stream().map(r -> r.get(0)).toList());
    assertEquals(List.of("STRUCT", "MAP"), typeRows(sql.getXdbcTypeInfo(Types.JAVA_OBJECT, PARTNER)).stream().map(r -> r.get(0)).toList());
    assertEquals(List.of(), typeRows(sql.getXdbcTypeInfo(Types.TIME, PARTNER)), "no TIME column is ever served");
    // The full row of one type, every column.
    List<List<Object>> decimal = rows(sql.getXdbcTypeInfo(Types.DECIMAL, PARTNER), Schemas.GET_TYPE_INFO_SCHEMA, PARTNER,
        (root, i) -> IntStream.range(0, root.getFieldVectors().size()).mapToObj(c -> {
          Object value = root.getVector(c).getObject(i);
          if (value instanceof Text text) return text.toString();
          if (value instanceof List<?> list) return list.stream().map(Object::toString).toList();
          return value;
        }).toList());
    assertEquals(List.of(Arrays.asList("DECIMAL", Types.DECIMAL, 38, null, null, List.of("precision", "scale"), 1, false, 2, false, false, false, "DECIMAL",
        0, 38, Types.DECIMAL, null, 10, null)), decimal);
    assertEquals(List.of("VARCHAR", true, 3), rows(sql.getXdbcTypeInfo(Types.VARCHAR, PARTNER), Schemas.GET_TYPE_INFO_SCHEMA, PARTNER,
        (root, i) -> List.of(root.getVector("type_name").getObject(i).toString(), root.getVector("case_sensitive").getObject(i),
            ((IntVector) root.getVector("searchable")).get(i))).get(0), "strings compare case-sensitively and answer LIKE");
  }

  @Test
  void keyCommandsAnswerNoRowsWithTheirSchemasForAnyTable() throws Exception {
    TableRef granted = TableRef.of("retail", "gold", "sales_daily");
    TableRef ungranted = TableRef.of("finance", "gold", "customer_ltv");
    TableRef missing = TableRef.of("retail", "gold", "no_such_table");
    for (TableRef table : List.of(granted, ungranted, missing)) {
      for (CallOption auth : List.of(PARTNER, CONFORMANCE)) {
        assertEquals(List.of(), rows(sql.getPrimaryKeys(table, auth), Schemas.GET_PRIMARY_KEYS_SCHEMA, auth, (root, i) -> i));
        assertEquals(List.of(), rows(sql.getExportedKeys(table, auth), Schemas.GET_EXPORTED_KEYS_SCHEMA, auth, (root, i) -> i));
        assertEquals(List.of(), rows(sql.getImportedKeys(table, auth), Schemas.GET_IMPORTED_KEYS_SCHEMA, auth, (root, i) -> i));
        assertEquals(List.of(), rows(sql.getCrossReference(table, granted, auth), Schemas.GET_CROSS_REFERENCE_SCHEMA, auth, (root, i) -> i));
      }
    }
  }

  private static void refused(String expected, Runnable call) {
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, call::run);
    assertEquals(FlightStatusCode.UNIMPLEMENTED, e.status().code(), e.status().description());
    assertEquals(expected, e.status().description());
  }

  @Test
  void writesAreRefusedAsReadOnly() throws Exception {
    String only = "; only queries (SELECT) are answered";
    refused("Goldgate is read-only: updates (CommandStatementUpdate) are not accepted" + only,
        () -> sql.executeUpdate("DELETE FROM retail.gold.sales_daily", PARTNER));
    try (VectorSchemaRoot rows = VectorSchemaRoot.create(new Schema(List.of(org.apache.arrow.vector.types.pojo.Field.nullable("id",
        new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true)))), allocator)) {
      rows.setRowCount(0);
      var options = new FlightSqlClient.ExecuteIngestOptions("sales_daily", FlightSql.CommandStatementIngest.TableDefinitionOptions.getDefaultInstance(),
          "retail", "gold", Map.of());
      refused("Goldgate is read-only: bulk ingestion (CommandStatementIngest) is not accepted" + only, () -> sql.executeIngest(rows, options, PARTNER));
      // A prepared update needs a handle no Goldgate call hands out; it is refused whatever the handle.
      FlightSql.CommandPreparedStatementUpdate update =
          FlightSql.CommandPreparedStatementUpdate.newBuilder().setPreparedStatementHandle(ByteString.copyFromUtf8("any handle")).build();
      refused("Goldgate is read-only: prepared updates (CommandPreparedStatementUpdate) are not accepted" + only, () -> {
        SyncPutListener ack = new SyncPutListener();
        FlightClient.ClientStreamListener put = client.startPut(FlightDescriptor.command(Any.pack(update).toByteArray()), rows, ack, PARTNER);
        put.completed();
        put.getResult();
      });
    }
    String transactions = "Goldgate is read-only: transactions are not supported; each query reads the table versions pinned when it was planned";
    String savepoints = "Goldgate is read-only: savepoints are not supported; each query reads the table versions pinned when it was planned";
    Transaction transaction = new Transaction("t".getBytes());
    refused(transactions, () -> sql.beginTransaction(PARTNER));
    refused(transactions, () -> sql.commit(transaction, PARTNER));
    refused(transactions, () -> sql.rollback(transaction, PARTNER));
    refused(savepoints, () -> sql.beginSavepoint(transaction, "s", PARTNER));
    refused(savepoints, () -> sql.release(new Savepoint("s".getBytes()), PARTNER));
    refused(savepoints, () -> sql.rollback(new Savepoint("s".getBytes()), PARTNER));
  }

  @Test
  void substraitPlansAreRefused() {
    String expected = "Substrait plans are not supported; send the query as SQL (CommandStatementQuery)";
    SubstraitPlan plan = new SubstraitPlan(new byte[] {1, 2, 3}, "0.40.0");
    refused(expected, () -> sql.executeSubstrait(plan, PARTNER));
    refused(expected, () -> sql.getExecuteSubstraitSchema(plan, PARTNER));
    refused(expected, () -> sql.executeSubstraitUpdate(plan, PARTNER));
    refused(expected, () -> sql.prepare(plan, PARTNER));
  }
}
