package io.goldgate.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The columns an operator reads: Delta types by name, complex ones as Spark SQL writes them. */
class TableColumnsTest {

  @Test
  void givenPrimitiveAndComplexColumns_whenListed_thenEachHasItsTypeNameAndNullabilityInSchemaOrder() {
    String schema = """
        {"type":"struct","fields":[
          {"name":"id","type":"long","nullable":false,"metadata":{}},
          {"name":"price","type":"decimal(10,2)","nullable":true,"metadata":{}},
          {"name":"tags","type":{"type":"array","elementType":"string","containsNull":true},"nullable":true,"metadata":{}},
          {"name":"attrs","type":{"type":"map","keyType":"string","valueType":{"type":"array","elementType":"int","containsNull":false},
            "valueContainsNull":true},"nullable":true,"metadata":{}},
          {"name":"where","type":{"type":"struct","fields":[{"name":"lat","type":"double","nullable":true,"metadata":{}},
            {"name":"at","type":"timestamp_ntz","nullable":true,"metadata":{}}]},"nullable":false,"metadata":{}}]}""";
    assertEquals(
        List.of(
            new TableColumns.Field("id", "long", false),
            new TableColumns.Field("price", "decimal(10,2)", true),
            new TableColumns.Field("tags", "array<string>", true),
            new TableColumns.Field("attrs", "map<string,array<int>>", true),
            new TableColumns.Field("where", "struct<lat:double,at:timestamp_ntz>", false)),
        new TableColumns(schema, List.of()).fields());
  }
}
