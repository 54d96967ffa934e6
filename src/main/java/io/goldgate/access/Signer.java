package io.goldgate.access;

import io.goldgate.config.GoldgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * HMAC-SHA256 signatures for everything the gateway hands out and later trusts again: file URLs and
 * page tokens. Each use passes its own purpose string so a signature for one can never be replayed
 * as the other.
 */
@ApplicationScoped
public class Signer {

  private static final Logger LOG = Logger.getLogger(Signer.class);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  @jakarta.inject.Inject
  public Signer(GoldgateConfig config) {
    this(config.signing().key().orElse(null));
  }

  public Signer(String secret) {
    byte[] material;
    if (secret == null || secret.isBlank()) {
      material = new byte[32];
      new SecureRandom().nextBytes(material);
      LOG.warn(
          "goldgate.signing.key is not set: using a random key, so file URLs and page tokens stop"
              + " working when this process restarts and are not accepted by other replicas");
    } else if (secret.length() < 32) {
      throw new IllegalArgumentException("goldgate.signing.key must be at least 32 characters");
    } else {
      material = secret.getBytes(StandardCharsets.UTF_8);
    }
    this.key = new SecretKeySpec(material, "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** URL-safe signature of {@code purpose + payload}. */
  public String sign(String purpose, String payload) {
    Mac mac = macs.get();
    mac.update(purpose.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    return B64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A signature of {@code purpose + payload} truncated to 128 bits (22 URL-safe characters), for
   * values where length matters, such as the hundreds of thousands of URLs of one query response.
   * 128 bits of HMAC-SHA256 leave a forger one chance in 2^128 per try (NIST SP 800-107 allows
   * truncating an HMAC to this length).
   */
  public String signShort(String purpose, String payload) {
    return new String(signShortBytes(purpose, payload.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
  }

  /** {@link #signShort} of a payload given as its UTF-8 bytes; the signature as ASCII bytes. */
  public byte[] signShortBytes(String purpose, byte[] payload) {
    Mac mac = macs.get();
    mac.update(purpose.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    byte[] full = mac.doFinal(payload);
    return B64.encode(java.util.Arrays.copyOf(full, 16));
  }

  /** Whether {@code signature} is {@link #signShortBytes}'s signature of {@code purpose + payload}. */
  public boolean verifyShortBytes(String purpose, byte[] payload, String signature) {
    if (signature == null) {
      return false;
    }
    return MessageDigest.isEqual(signShortBytes(purpose, payload), signature.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * A 256-bit key for {@code purpose}, derived from the signing key (HMAC-SHA256 as a
   * pseudo-random function), so a deployment has one secret to manage and each use still gets a
   * key of its own. The domain prefix keeps derived keys apart from every {@link #sign} output.
   */
  public byte[] deriveKey(String purpose) {
    Mac mac = macs.get();
    mac.update("goldgate-key-derivation".getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
  }

  /** Constant-time check of a signature made by {@link #sign}. */
  public boolean verify(String purpose, String payload, String signature) {
    if (signature == null) {
      return false;
    }
    byte[] expected = sign(purpose, payload).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
  }
}
