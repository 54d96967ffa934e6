package io.goldgate.features;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;

/**
 * Decodes an HMGET or HGETALL reply straight into one row of values aligned with a {@link
 * FieldSet}: no list of the reply and, for HGETALL, no copy of the field names.
 */
final class HashRowOutput extends CommandOutput<byte[], byte[], byte[][]> {

  private final FieldSet fields;
  private final boolean pairs;
  private int index;
  private int position = -1;

  /**
   * @param pairs the reply is field, value, field, value... (HGETALL) rather than values in the
   *     order of the fields (HMGET)
   */
  HashRowOutput(FieldSet fields, boolean pairs) {
    super(ByteArrayCodec.INSTANCE, new byte[fields.size()][]);
    this.fields = fields;
    this.pairs = pairs;
  }

  @Override
  public void set(ByteBuffer bytes) {
    int i = index++;
    if (!pairs) {
      if (bytes != null && i < output.length) output[i] = copy(bytes);
    } else if ((i & 1) == 0) {
      position = bytes == null ? -1 : fields.find(bytes, position + 1);
    } else if (position >= 0 && bytes != null) {
      output[position] = copy(bytes);
    }
  }

  private static byte[] copy(ByteBuffer bytes) {
    byte[] out = new byte[bytes.remaining()];
    bytes.get(out);
    return out;
  }
}
