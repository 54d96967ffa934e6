package io.goldgate.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.GoldgateException;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.Filter.Operand;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlPredicatesTest {

  @Test
  void parsesTheProtocolsComparisonSubset() {
    assertEquals(
        new Filter.Compare(Filter.Op.EQ, new Operand.Column("col", null), new Operand.Literal("123", Filter.ValueType.LONG)),
        SqlPredicates.parseOne("col = 123").orElseThrow());
    assertEquals(
        new Filter.Compare(Filter.Op.LT, new Operand.Literal("foo", Filter.ValueType.STRING), new Operand.Column("col", null)),
        SqlPredicates.parseOne("'foo' < col").orElseThrow());
    assertEquals(
        new Filter.Compare(Filter.Op.NE, new Operand.Column("col", null), new Operand.Literal("it's", Filter.ValueType.STRING)),
        SqlPredicates.parseOne("col <> 'it''s'").orElseThrow());
    assertEquals(new Filter.IsNull(new Operand.Column("col", null)), SqlPredicates.parseOne("col IS NULL").orElseThrow());
    assertEquals(new Filter.Not(new Filter.IsNull(new Operand.Column("my col", null))), SqlPredicates.parseOne("`my col` is not null").orElseThrow());
  }

  @Test
  void skipsWhatItCannotParseAndAndsTheRest() {
    assertTrue(SqlPredicates.parseOne("col LIKE 'a%'").isEmpty());
    assertTrue(SqlPredicates.parseOne("a = b").isEmpty());
    assertTrue(SqlPredicates.parseOne("1 = 1").isEmpty());
    Filter f = SqlPredicates.parse(List.of("x > 1", "nonsense(", "y <= 2.5")).orElseThrow();
    assertTrue(f instanceof Filter.And and && and.children().size() == 2);
  }

  @Test
  void readsEachHintOnceWithoutBacktracking() {
    // A regex took this to a stack overflow (500); the scanner reads it in one pass.
    String literal = "x".repeat(SqlPredicates.MAX_HINT_LENGTH - 8);
    Filter f = SqlPredicates.parseOne("col = '" + literal + "'").orElseThrow();
    assertEquals(new Filter.Compare(Filter.Op.EQ, new Operand.Column("col", null), new Operand.Literal(literal, Filter.ValueType.STRING)), f);
    assertEquals(new Filter.Compare(Filter.Op.GE, new Operand.Column("c", null), new Operand.Literal("-1.5e-3", Filter.ValueType.DOUBLE)),
        SqlPredicates.parseOne("\tc>=-1.5e-3 ").orElseThrow());
    assertEquals(new Filter.Compare(Filter.Op.NE, new Operand.Literal("true", Filter.ValueType.BOOL), new Operand.Column("flag", null)),
        SqlPredicates.parseOne("TRUE != flag").orElseThrow());
    for (String skipped : new String[] {"col = 1.", "col = 1e", "col = '", "col = 'a''", "`` = 1", "col IS", "colIS NULL", "col ISNULL", "col IS NOTNULL",
        "col = 1 AND x = 2", "col == 1", "= 1", "col = -", "col = 1x"}) {
      assertTrue(SqlPredicates.parseOne(skipped).isEmpty(), skipped);
    }
  }

  @Test
  void hintsBeyondTheLimitsAreRefusedNamingTheLimit() {
    GoldgateException e = assertThrows(GoldgateException.class, () -> SqlPredicates.parse(List.of("a = 1", "b = '" + "x".repeat(200_000) + "'")));
    assertEquals(GoldgateException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("predicateHints[1] is 200006 characters long; the limit is 16384 per hint", e.getMessage());
    assertTrue(SqlPredicates.parse(Collections.nCopies(SqlPredicates.MAX_HINTS, "a = 1")).isPresent());
    String astral = "a = '" + "😀".repeat(SqlPredicates.MAX_HINT_LENGTH - 6) + "'";
    assertTrue(SqlPredicates.parse(List.of(astral)).isPresent(), "characters are code points, as JSON Schema's maxLength counts them");
    e = assertThrows(GoldgateException.class, () -> SqlPredicates.parse(List.of(astral + "😀")));
    assertEquals("predicateHints[0] is 16385 characters long; the limit is 16384 per hint", e.getMessage());
    e = assertThrows(GoldgateException.class, () -> SqlPredicates.parse(Collections.nCopies(SqlPredicates.MAX_HINTS + 1, "a = 1")));
    assertEquals("predicateHints has 101 hints; the limit is 100", e.getMessage());
  }
}
