package io.goldgate.flight.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.GoldgateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the engine reads of a query, from DuckDB's own parse of real statements. */
class QueryShapeTest {

  private static Connection duck;

  @BeforeAll
  static void open() throws Exception {
    duck = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
  }

  @AfterAll
  static void close() throws Exception {
    duck.close();
  }

  static QueryShape shape(String sql) throws Exception {
    try (PreparedStatement statement = duck.prepareStatement("SELECT json_serialize_sql(?)")) {
      statement.setString(1, sql);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return QueryShape.of(result.getString(1));
      }
    }
  }

  static TableName table(String dotted) {
    return new TableName(List.of(dotted.split("\\.")));
  }

  @Test
  void namesTheTablesAndOnlyTheColumnsTheQueryMentions() throws Exception {
    QueryShape shape = shape("SELECT region, sum(\"Units\") AS u FROM retail.gold.sales WHERE day > DATE '2026-01-01' GROUP BY region ORDER BY u");
    assertEquals(List.of(table("retail.gold.sales")), shape.tables());
    assertFalse(shape.allColumns());
    assertTrue(shape.uses("REGION") && shape.uses("units") && shape.uses("day"));
    assertFalse(shape.uses("revenue"));
    assertFalse(shape.scansTwice());
    assertEquals(0, shape.parameters());
  }

  @Test
  void constructsThatMayUseUnnamedColumnsReadThemAll() throws Exception {
    for (String sql : List.of(
        "SELECT * FROM a.b.c",
        "SELECT c.* FROM a.b.c",
        "SELECT COLUMNS('re.*') FROM a.b.c",
        "SELECT #1 FROM a.b.c",
        "SELECT count(*) FROM a.b.c NATURAL JOIN a.b.d",
        "SELECT c FROM a.b.c",
        "SELECT t FROM a.b.c AS t",
        "SELECT struct_pack(*) FROM a.b.c")) {
      assertTrue(shape(sql).allColumns(), sql);
    }
    QueryShape using = shape("SELECT count(*) FROM a.b.c JOIN a.b.d USING (k)");
    assertFalse(using.allColumns());
    assertTrue(using.uses("k"));
  }

  @Test
  void aTableThatMayBeScannedTwiceIsSaidSo() throws Exception {
    assertTrue(shape("SELECT 1 FROM a.b.c x JOIN A.B.C y ON true").scansTwice());
    assertTrue(shape("WITH w AS (SELECT k FROM a.b.c) SELECT * FROM w, w v").scansTwice());
    assertFalse(shape("SELECT 1 FROM a.b.c x JOIN a.b.d y ON true").scansTwice());
    // In the order the query names them (the audit lists them so).
    assertEquals(List.of(table("a.b.z"), table("a.b.c"), table("a.b.d")),
        shape("SELECT (SELECT 1 FROM a.b.z) FROM a.b.c x JOIN a.b.d y ON true").tables());
  }

  @Test
  void cteNamesAreNotTablesButOtherShortNamesAreMissingTables() throws Exception {
    assertEquals(List.of(table("a.b.c")), shape("WITH w AS (SELECT k FROM a.b.c) SELECT k FROM w").tables());
    GoldgateException e = assertThrows(GoldgateException.class, () -> shape("SELECT 1 FROM c"));
    assertEquals(GoldgateException.Kind.NOT_FOUND, e.kind());
    assertEquals("Table 'c' does not exist: name shared tables as share.schema.table", e.getMessage());
    assertEquals(GoldgateException.Kind.NOT_FOUND, assertThrows(GoldgateException.class, () -> shape("SELECT 1 FROM b.c")).kind());
  }

  @Test
  void onlyOneSelectIsAccepted() {
    for (String write : List.of("DELETE FROM a.b.c", "INSERT INTO a.b.c VALUES (1)", "CREATE TABLE t AS SELECT 1", "COPY a.b.c TO 'x.csv'",
        "ATTACH 'x.db'", "SET threads = 1", "PRAGMA version", "INSTALL httpfs", "PIVOT a.b.c ON k",
        // DuckDB cannot describe a PIVOT inside a query, so the engine cannot see what it reads.
        "SELECT x FROM (PIVOT a.b.c ON k USING sum(v))")) {
      GoldgateException e = assertThrows(GoldgateException.class, () -> shape(write), write);
      assertEquals(GoldgateException.Kind.UNSUPPORTED, e.kind(), write);
      assertEquals("Goldgate is read-only: only SELECT queries are served", e.getMessage());
    }
    assertEquals("Send one query per statement, got 2", assertThrows(GoldgateException.class, () -> shape("SELECT 1; SELECT 2")).getMessage());
    assertTrue(assertThrows(GoldgateException.class, () -> shape("SELEC 1")).getMessage().startsWith("SQL parser error: syntax error"));
    assertTrue(assertThrows(GoldgateException.class, () -> shape("SELECT * FROM a.b.c AT (VERSION => 3)")).getMessage().startsWith("AT clauses"));
  }

  @Test
  void parametersAreCounted() throws Exception {
    assertEquals(2, shape("SELECT ? + 1 FROM a.b.c WHERE k = ?").parameters());
    assertEquals(1, shape("SELECT $1, $1").parameters());
  }

  @Test
  void theWhereOfAOneTableQueryIsSplitIntoConjuncts() throws Exception {
    QueryShape shape = shape("SELECT k FROM a.b.c t WHERE t.k = 5 AND 3 < v AND day >= DATE '2026-01-02' AND s IS NULL AND (x = 1 OR y = 2) AND f(z) = 1 AND w = 'it''s'");
    assertEquals(
        Set.of(
            new QueryShape.Conjunct("k", "EQ", "INTEGER", "5"),
            new QueryShape.Conjunct("v", "GT", "INTEGER", "3"),
            new QueryShape.Conjunct("day", "GE", "DATE", "2026-01-02"),
            new QueryShape.Conjunct("s", "IS_NULL", null, null),
            new QueryShape.Conjunct("w", "EQ", "STRING", "it's")),
        Set.copyOf(shape.where()));
    // Joins, CTEs and set operations push nothing: a WHERE there does not bound one table's rows.
    assertEquals(List.of(), shape("SELECT 1 FROM a.b.c JOIN a.b.d ON true WHERE k = 1").where());
    assertEquals(List.of(), shape("WITH w AS (SELECT 1) SELECT k FROM a.b.c WHERE k = 1").where());
    assertEquals(List.of(), shape("SELECT k FROM a.b.c WHERE k = 1 UNION ALL SELECT k FROM a.b.c").where());
    assertEquals(List.of(), shape("SELECT k FROM a.b.c WHERE other.k = 1").where());
  }
}
