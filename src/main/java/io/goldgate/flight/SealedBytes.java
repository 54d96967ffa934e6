package io.goldgate.flight;

import io.goldgate.access.Signer;
import java.nio.charset.StandardCharsets;

/**
 * How Flight's tickets and Flight SQL's handles carry a payload: {@code <HMAC>.<payload>} under a
 * purpose of their own, so that any replica can check them and one kind is never taken for another.
 */
final class SealedBytes {

  private SealedBytes() {}

  static byte[] seal(Signer signer, String purpose, String payload) {
    return (signer.sign(purpose, payload) + "." + payload).getBytes(StandardCharsets.UTF_8);
  }

  /** The payload, or null when the bytes were not sealed by this server for {@code purpose}. */
  static String open(Signer signer, String purpose, byte[] sealed) {
    String text = new String(sealed, StandardCharsets.UTF_8);
    int dot = text.indexOf('.');
    if (dot <= 0 || !signer.verify(purpose, text.substring(dot + 1), text.substring(0, dot))) {
      return null;
    }
    return text.substring(dot + 1);
  }
}
