package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.GoldgateException;
import io.goldgate.arrow.RowFilter;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.Filter.Operand;
import io.goldgate.lake.predicate.JsonPredicates;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlSubsetTest {

  @Test
  void parsesColumnsTableWhereAndLimit() {
    SqlSubset.Query q = SqlSubset.parse("select a, \"b c\" FROM s.sc.t WHERE (a >= 10 OR a < -2.5) AND NOT b IS NULL AND d = DATE '2026-01-05' limit 7;");
    assertEquals("s.sc.t", q.table());
    assertEquals(List.of("a", "b c"), q.columns());
    assertEquals(7L, q.limit());
    Filter.And and = (Filter.And) q.filter();
    assertEquals(3, and.children().size());
    assertEquals(
        new Filter.Or(List.of(
            new Filter.Compare(Filter.Op.GE, new Operand.Column("a", null), new Operand.Literal("10", Filter.ValueType.LONG)),
            new Filter.Compare(Filter.Op.LT, new Operand.Column("a", null), new Operand.Literal("-2.5", Filter.ValueType.DOUBLE)))),
        and.children().get(0));
    assertEquals(new Filter.Not(new Filter.IsNull(new Operand.Column("b", null))), and.children().get(1));
    assertEquals(new Filter.Compare(Filter.Op.EQ, new Operand.Column("d", null), new Operand.Literal("2026-01-05", Filter.ValueType.DATE)), and.children().get(2));
  }

  @Test
  void selectStarHasNoColumnList() {
    SqlSubset.Query q = SqlSubset.parse("SELECT * FROM a.b.c");
    assertNull(q.columns());
    assertNull(q.filter());
    assertNull(q.limit());
  }

  @Test
  void stringLiteralsKeepQuotesAndCase() {
    Filter f = SqlSubset.parse("SELECT * FROM a.b.c WHERE name <> 'O''Brien Ltd'").filter();
    assertEquals(new Filter.Compare(Filter.Op.NE, new Operand.Column("name", null), new Operand.Literal("O'Brien Ltd", Filter.ValueType.STRING)), f);
  }

  @Test
  void filtersSurviveTheJsonRoundTripOfTickets() {
    Filter f = SqlSubset.parse("SELECT * FROM a.b.c WHERE x <> 3 AND (y IS NULL OR z > TIMESTAMP '2026-01-05T00:00:00Z')").filter();
    Filter back = JsonPredicates.parse(JsonPredicates.toJson(f));
    assertEquals(RowFilter.columnsOf(f), RowFilter.columnsOf(back));
    assertTrue(back instanceof Filter.And);
  }

  @Test
  void everythingElseIsRefusedNamingTheUnsupportedPart() {
    for (String[] sql : new String[][] {
      {"SELECT a FROM s.sc.t JOIN u", "JOIN"},
      {"SELECT count(*) FROM s.sc.t", "count()"},
      {"SELECT a FROM s.sc.t WHERE a LIKE 'x%'", "LIKE"},
      {"SELECT a FROM s.sc.t ORDER BY a", "ORDER"},
      {"SELECT a FROM t", "expected '.'"},
      {"SELECT a FROM s.sc.t WHERE a = b", "column and a literal"},
      {"SELECT a FROM s.sc.t WHERE a ~ 1", "operator"},
      {"SELECT a FROM s.sc.t LIMIT ten", "LIMIT"},
      {"SELECT a FROM s.sc.t WHERE a = 'open", "unterminated"},
      {"UPDATE s.sc.t SET a = 1", "UPDATE"},
    }) {
      GoldgateException e = assertThrows(GoldgateException.class, () -> SqlSubset.parse(sql[0]), sql[0]);
      assertEquals(GoldgateException.Kind.INVALID_ARGUMENT, e.kind());
      assertTrue(e.getMessage().contains(sql[1]), sql[0] + " -> " + e.getMessage());
    }
  }

  @Test
  void hostileNestingIsRefusedNamingTheLimitNotAStackOverflow() {
    for (String prefix : new String[] {"NOT ", "("}) {
      String sql = "SELECT * FROM s.sc.t WHERE " + prefix.repeat(10_000) + "a = 1";
      GoldgateException e = assertThrows(GoldgateException.class, () -> SqlSubset.parse(sql));
      assertEquals(GoldgateException.Kind.INVALID_ARGUMENT, e.kind());
      assertEquals("The WHERE clause nests parentheses and NOT more than 30 levels deep; the limit is 30", e.getMessage());
    }
    GoldgateException e = assertThrows(GoldgateException.class, () -> SqlSubset.parse("SELECT * FROM s.sc.t WHERE " + "NOT (".repeat(16) + "a = 1" + ")".repeat(16)));
    assertEquals("The WHERE clause nests parentheses and NOT more than 30 levels deep; the limit is 30", e.getMessage());
    // The probe's 50,000 NOTs: the length limit answers first.
    e = assertThrows(GoldgateException.class, () -> SqlSubset.parse("SELECT * FROM s.sc.t WHERE " + "NOT ".repeat(50_000) + "a = 1"));
    assertEquals("The statement is 200032 characters long; the limit is 65536", e.getMessage());
  }

  @Test
  void thirtyLevelsParseAndStayWithinTheJsonPredicateDepth() {
    // Each level alternates OR and AND: the deepest filter tree thirty parentheses can make.
    StringBuilder where = new StringBuilder("a = 0");
    for (int i = 1; i <= SqlSubset.MAX_NESTING; i++) {
      where = new StringBuilder("a = " + i + (i % 2 == 0 ? " OR b = 1 AND (" : " AND b = 1 OR (") + where + ")");
    }
    Filter f = SqlSubset.parse("SELECT * FROM s.sc.t WHERE " + where).filter();
    assertEquals(JsonPredicates.toJson(f), JsonPredicates.toJson(JsonPredicates.read(JsonPredicates.toJson(f).toString(), "predicate")));
    Filter negations = SqlSubset.parse("SELECT * FROM s.sc.t WHERE " + "NOT ".repeat(SqlSubset.MAX_NESTING) + "a = 1").filter();
    assertEquals(JsonPredicates.toJson(negations), JsonPredicates.toJson(JsonPredicates.read(JsonPredicates.toJson(negations).toString(), "predicate")));
  }

  @Test
  void longStatementsAreRefusedNamingTheLimit() {
    String ok = "SELECT * FROM s.sc.t WHERE a = '" + "x".repeat(SqlSubset.MAX_LENGTH - 33) + "'";
    assertEquals(SqlSubset.MAX_LENGTH, ok.length());
    assertEquals(SqlSubset.MAX_LENGTH, ((Filter.Compare) SqlSubset.parse(ok).filter()).columnVsLiteral().orElseThrow().literal().value().length() + 33);
    GoldgateException e = assertThrows(GoldgateException.class, () -> SqlSubset.parse(ok + " "));
    assertEquals(GoldgateException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("The statement is 65537 characters long; the limit is 65536", e.getMessage());
  }

  @Test
  void oddNumbersAreTokensOrErrorsNeverALoop() {
    assertEquals(new Filter.Compare(Filter.Op.GT, new Filter.Operand.Column("a", null), new Filter.Operand.Literal("-.5e3", Filter.ValueType.DOUBLE)),
        SqlSubset.parse("SELECT * FROM s.sc.t WHERE a > -.5e3").filter());
    assertEquals(new Filter.Compare(Filter.Op.GT, new Filter.Operand.Column("a", null), new Filter.Operand.Literal("12", Filter.ValueType.LONG)),
        SqlSubset.parse("SELECT * FROM s.sc.t WHERE a > 12").filter());
    for (String where : new String[] {"a > -.x", "a > \u0663", "a > 1e", "a > -"}) {
      GoldgateException e = assertThrows(GoldgateException.class, () -> SqlSubset.parse("SELECT * FROM s.sc.t WHERE " + where), where);
      assertEquals(GoldgateException.Kind.INVALID_ARGUMENT, e.kind());
      assertTrue(e.getMessage().startsWith("Unsupported SQL: "), e.getMessage());
    }
  }
}
