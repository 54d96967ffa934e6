package io.goldgate.flight;

import java.time.Duration;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlNullOrdering;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlOuterJoinsSupportLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedCaseSensitivity;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedGroupBy;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedResultSetType;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedSubqueries;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedTransaction;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedUnions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlTransactionIsolationLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedAnsi92SqlGrammarLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedSqlGrammar;

/**
 * What GetSqlInfo tells JDBC, ODBC and ADBC drivers about Goldgate's SQL. The Arrow Flight SQL JDBC
 * driver answers most of {@code DatabaseMetaData} from it, and BI tools decide from those answers
 * how to quote names, which functions to offer and whether to try writes at all.
 *
 * <p>The SQL is DuckDB's dialect (the engine behind Flight SQL queries), read-only: what is said
 * here about grammar, identifiers, null ordering and functions is what DuckDB 2.0 does (checked
 * against {@code duckdb_keywords()} and {@code duckdb_functions()}), and everything that writes,
 * defines or transacts is reported as unsupported.
 */
final class FlightSqlInfo {

  static final String SERVER_NAME = "Goldgate";
  static final String SERVER_VERSION = "0.1.0";

  /**
   * DuckDB's keywords that SQL:2003 does not have (what JDBC's {@code getSQLKeywords} asks for):
   * its reserved words outside the standard and the non-standard query clauses a tool may meet.
   */
  static final String[] KEYWORDS = {
    "ANALYSE", "ANALYZE", "ANTI", "ASOF", "ATTACH", "COLUMNS", "DESCRIBE", "DETACH", "EXCLUDE", "EXPORT", "GLOB", "ILIKE",
    "IMPORT", "INSTALL", "LAMBDA", "LIMIT", "LOAD", "MACRO", "OFFSET", "PIVOT", "PIVOT_LONGER", "PIVOT_WIDER",
    "POSITIONAL", "PRAGMA", "QUALIFY", "RETURNING", "SAMPLE", "SEMI", "SHOW", "SUMMARIZE", "TRY_CAST", "UNPIVOT", "VARIADIC"
  };

  static final String[] NUMERIC_FUNCTIONS = {
    "abs", "acos", "asin", "atan", "atan2", "cbrt", "ceil", "ceiling", "cos", "cot", "degrees", "even", "exp", "factorial",
    "floor", "fmod", "gcd", "greatest", "isinf", "isnan", "lcm", "least", "ln", "log", "log10", "log2", "mod", "pi", "pow",
    "power", "radians", "random", "round", "sign", "sin", "sqrt", "tan", "trunc"
  };

  static final String[] STRING_FUNCTIONS = {
    "ascii", "chr", "concat", "concat_ws", "contains", "ends_with", "format", "instr", "jaro_winkler_similarity", "lcase",
    "left", "length", "levenshtein", "lower", "lpad", "ltrim", "md5", "position", "printf", "regexp_extract",
    "regexp_matches", "regexp_replace", "repeat", "replace", "reverse", "right", "rpad", "rtrim", "sha256", "split_part",
    "starts_with", "string_agg", "string_split", "strlen", "strpos", "substr", "substring", "trim", "ucase", "upper"
  };

  static final String[] SYSTEM_FUNCTIONS = {
    "coalesce", "current_catalog", "current_database", "current_schema", "current_user", "hash", "ifnull", "nullif",
    "typeof", "user", "version"
  };

  static final String[] DATETIME_FUNCTIONS = {
    "age", "current_date", "current_time", "current_timestamp", "date_add", "date_diff", "date_part", "date_sub",
    "date_trunc", "datediff", "datepart", "datetrunc", "day", "dayname", "dayofmonth", "dayofweek", "dayofyear", "epoch",
    "epoch_ms", "extract", "hour", "isodow", "last_day", "make_date", "make_time", "make_timestamp", "minute", "month",
    "monthname", "now", "quarter", "second", "strftime", "strptime", "to_timestamp", "today", "week", "year"
  };

  private FlightSqlInfo() {}

  /** The Arrow version this server speaks, from Arrow Flight's own jar. */
  static String arrowVersion() {
    String version = FlightServer.class.getPackage().getImplementationVersion();
    return version == null ? "unknown" : version;
  }

  /**
   * The answers, with the longest a statement may run ({@code FLIGHT_SQL_SERVER_STATEMENT_TIMEOUT},
   * milliseconds; a duration beyond an int32 is reported as the largest one).
   */
  static SqlInfoBuilder builder(Duration statementTimeout) {
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(0, statementTimeout.toMillis()));
    return new SqlInfoBuilder()
        // Server
        .withFlightSqlServerName(SERVER_NAME)
        .withFlightSqlServerVersion(SERVER_VERSION)
        .withFlightSqlServerArrowVersion(arrowVersion())
        .withFlightSqlServerReadOnly(true)
        .withFlightSqlServerSql(true)
        .withFlightSqlServerSubstrait(false)
        .withFlightSqlServerTransaction(SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
        .withFlightSqlServerCancel(true)
        .withFlightSqlServerBulkIngestion(false)
        .withFlightSqlServerBulkIngestionTransaction(false)
        .withFlightSqlServerStatementTimeout(timeoutMillis)
        .withFlightSqlServerTransactionTimeout(0)
        // Names: shares are catalogs; DuckDB folds neither quoted nor unquoted names (it matches
        // both case-insensitively and keeps the spelling), and allows '$' after the first letter.
        .withSqlCatalogTerm("share")
        .withSqlSchemaTerm("schema")
        .withSqlCatalogAtStart(true)
        .withSqlIdentifierQuoteChar("\"")
        .withSqlIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
        .withSqlQuotedIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
        .withSqlExtraNameCharacters("$")
        // The escape of the catalog/schema/table name patterns (see LikePattern).
        .withSqlSearchStringEscape("\\")
        .withSqlAllTablesAreSelectable(true)
        // Grammar
        .withSqlSupportedGrammar(SupportedSqlGrammar.SQL_MINIMUM_GRAMMAR, SupportedSqlGrammar.SQL_CORE_GRAMMAR)
        .withSqlAnsi92SupportedLevel(SupportedAnsi92SqlGrammarLevel.ANSI92_ENTRY_SQL)
        .withSqlSupportsColumnAliasing(true)
        .withSqlNullPlusNullIsNull(true)
        .withSqlSupportsTableCorrelationNames(true)
        .withSqlSupportsDifferentTableCorrelationNames(false)
        .withSqlSupportsExpressionsInOrderBy(true)
        .withSqlSupportsOrderByUnrelated(true)
        .withSqlSupportedGroupBy(SqlSupportedGroupBy.SQL_GROUP_BY_UNRELATED, SqlSupportedGroupBy.SQL_GROUP_BY_BEYOND_SELECT)
        .withSqlSupportsLikeEscapeClause(true)
        .withSqlSupportsNonNullableColumns(true)
        .withSqlSupportsIntegrityEnhancementFacility(false)
        // A bitmask like the others: JDBC's supportsLimitedOuterJoins must be true when full ones are.
        .withSqlOuterJoinSupportLevel(SqlOuterJoinsSupportLevel.SQL_LIMITED_OUTER_JOINS, SqlOuterJoinsSupportLevel.SQL_FULL_OUTER_JOINS)
        .withSqlSubQueriesSupported(
            SqlSupportedSubqueries.SQL_SUBQUERIES_IN_COMPARISONS,
            SqlSupportedSubqueries.SQL_SUBQUERIES_IN_EXISTS,
            SqlSupportedSubqueries.SQL_SUBQUERIES_IN_INS,
            SqlSupportedSubqueries.SQL_SUBQUERIES_IN_QUANTIFIEDS)
        .withSqlCorrelatedSubqueriesSupported(true)
        .withSqlSupportedUnions(SqlSupportedUnions.SQL_UNION, SqlSupportedUnions.SQL_UNION_ALL)
        // DuckDB's default_null_order is NULLS_LAST for ascending and descending sorts alike.
        .withSqlNullOrdering(SqlNullOrdering.SQL_NULLS_SORTED_AT_END)
        .withSqlNamedParametersSupported(false)
        .withSqlSupportedResultSetTypes(SqlSupportedResultSetType.SQL_RESULT_SET_TYPE_FORWARD_ONLY)
        // Read-only: no definitions, writes, procedures or transactions.
        .withSqlDdlCatalog(false)
        .withSqlDdlSchema(false)
        .withSqlDdlTable(false)
        .withSqlSelectForUpdateSupported(false)
        .withSqlStoredProceduresSupported(false)
        .withSqlStoredFunctionsUsingCallSyntaxSupported(false)
        .withSqlTransactionsSupported(false)
        .withSqlSavepointsSupported(false)
        .withSqlBatchUpdatesSupported(false)
        .withSqlDefaultTransactionIsolation(SqlTransactionIsolationLevel.SQL_TRANSACTION_NONE_VALUE)
        .withSqlSupportedTransactionsIsolationLevels(SqlTransactionIsolationLevel.SQL_TRANSACTION_NONE)
        // 0: no fixed limit is known (bounds on queries are the engine's, reported as errors).
        .withSqlMaxBinaryLiteralLength(0)
        .withSqlMaxCharLiteralLength(0)
        .withSqlMaxColumnNameLength(0)
        .withSqlMaxColumnsInGroupBy(0)
        .withSqlMaxColumnsInIndex(0)
        .withSqlMaxColumnsInOrderBy(0)
        .withSqlMaxColumnsInSelect(0)
        .withSqlMaxColumnsInTable(0)
        .withSqlMaxConnections(0)
        .withSqlMaxCursorNameLength(0)
        .withSqlMaxIndexLength(0)
        .withSqlDbSchemaNameLength(0)
        .withSqlMaxProcedureNameLength(0)
        .withSqlMaxCatalogNameLength(0)
        .withSqlMaxRowSize(0)
        .withSqlMaxRowSizeIncludesBlobs(false)
        .withSqlMaxStatementLength(0)
        .withSqlMaxStatements(0)
        .withSqlMaxTableNameLength(0)
        .withSqlMaxTablesInSelect(0)
        .withSqlMaxUsernameLength(0)
        // Functions
        .withSqlKeywords(KEYWORDS)
        .withSqlNumericFunctions(NUMERIC_FUNCTIONS)
        .withSqlStringFunctions(STRING_FUNCTIONS)
        .withSqlSystemFunctions(SYSTEM_FUNCTIONS)
        .withSqlDatetimeFunctions(DATETIME_FUNCTIONS);
  }
}
