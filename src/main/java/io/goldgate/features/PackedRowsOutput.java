package io.goldgate.features;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;

/**
 * Decodes an MGET reply of packed values straight into rows, as the reply's bytes arrive: no list
 * of the reply and no copy of a whole value. With per-slot MGETs in a cluster, each reply fills its
 * own positions of the one shared result.
 */
final class PackedRowsOutput extends CommandOutput<byte[], byte[], PackedValue.Row[]> {

  private final int[] slots;
  private final int[] positions;
  private int index;

  PackedRowsOutput(int[] slots, int[] positions, PackedValue.Row[] out) {
    super(ByteArrayCodec.INSTANCE, out);
    this.slots = slots;
    this.positions = positions;
  }

  @Override
  public void set(ByteBuffer bytes) {
    int i = index++;
    if (bytes != null && i < positions.length) {
      output[positions[i]] = PackedValue.decode(bytes, slots);
    }
  }
}
