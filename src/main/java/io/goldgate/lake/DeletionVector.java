package io.goldgate.lake;

import io.delta.kernel.internal.deletionvectors.Base85Codec;
import java.util.UUID;

/**
 * A deletion vector descriptor as the Delta log stores it.
 *
 * @param storageType {@code u} (file named by a UUID under the table), {@code p} (absolute path)
 *     or {@code i} (inline, base85 in the log)
 */
public record DeletionVector(String storageType, String pathOrInlineDv, Integer offset, int sizeInBytes, long cardinality) {

  public boolean isInline() {
    return "i".equals(storageType);
  }

  /**
   * Where the vector's file lives: a path relative to the table root for {@code u}, the absolute
   * URI for {@code p}, null when inline.
   */
  public String location() {
    switch (storageType) {
      case "u" -> {
        int prefixLength = pathOrInlineDv.length() - Base85Codec.ENCODED_UUID_LENGTH;
        String prefix = pathOrInlineDv.substring(0, prefixLength);
        UUID uuid = Base85Codec.decodeUUID(pathOrInlineDv.substring(prefixLength));
        String name = "deletion_vector_" + uuid + ".bin";
        return prefix.isEmpty() ? name : prefix + "/" + name;
      }
      case "p" -> {
        return pathOrInlineDv;
      }
      default -> {
        return null;
      }
    }
  }

  /** The same vector, stored at an absolute location (used to hand out pre-signed URLs). */
  public DeletionVector atAbsolutePath(String url) {
    return new DeletionVector("p", url, offset, sizeInBytes, cardinality);
  }
}
