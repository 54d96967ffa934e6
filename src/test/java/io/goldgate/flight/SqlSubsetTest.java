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
}
