package io.goldgate.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.Filter.Operand;
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
}
