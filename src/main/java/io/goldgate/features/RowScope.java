package io.goldgate.features;

import io.goldgate.lake.predicate.TypedValues;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;

/**
 * Which rows of a row-restricted table an online value came from, so that a lookup can give each
 * recipient only the entities its rows produce. Materialization stores, beside each entity's values
 * of a view whose source table has a {@code recipientPartitionFilter}, the partition values of the
 * newest row for the filter's columns; a lookup compares them with the values the recipient may
 * see. Both sides encode with {@link #encode}, so the comparison is one of bytes.
 *
 * <p>The field lives in the entity's Feast hash under a name Feast never writes ({@code
 * _goldgate_rows:<view>}); Feast's readers ask for their own fields only.
 */
final class RowScope {

  private RowScope() {}

  static byte[] field(String view) {
    return ("_goldgate_rows:" + view).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Column (logical name, sorted) -> partition value as the Delta log writes it; a null or empty
   * value (null, by the protocol) is encoded as absent, so that it matches no allowed value.
   */
  static byte[] encode(SortedMap<String, String> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32);
    for (Map.Entry<String, String> e : values.entrySet()) {
      lengthPrefixed(out, e.getKey());
      if (TypedValues.isNullPartitionValue(e.getValue())) {
        out.write('-');
      } else {
        out.write('=');
        lengthPrefixed(out, e.getValue());
      }
    }
    return out.toByteArray();
  }

  private static void lengthPrefixed(ByteArrayOutputStream out, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
    out.write(':');
    out.writeBytes(bytes);
  }
}
