package io.goldgate.features;

import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bytes that are already JSON, for {@code JsonGenerator.writeRaw} and {@code writeRawValue}: the
 * generator copies them into its own buffer. Writing them to the stream under the generator instead
 * meant flushing it first, a hundred times for a one-entity lookup. Mutable, so one instance serves
 * a whole response: not thread-safe.
 */
final class RawJson implements SerializableString {

  private byte[] bytes = new byte[0];
  private int length;

  /** This, holding {@code json} until the next call. */
  RawJson of(byte[] json) {
    return of(json, json.length);
  }

  /** This, holding the first {@code length} bytes of {@code json} until the next call. */
  RawJson of(byte[] json, int length) {
    bytes = json;
    this.length = length;
    return this;
  }

  @Override
  public int appendUnquotedUTF8(byte[] buffer, int offset) {
    if (offset + length > buffer.length) {
      return -1;
    }
    System.arraycopy(bytes, 0, buffer, offset, length);
    return length;
  }

  @Override
  public byte[] asUnquotedUTF8() {
    return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
  }

  @Override
  public int writeUnquotedUTF8(OutputStream out) throws IOException {
    out.write(bytes, 0, length);
    return length;
  }

  @Override
  public int putUnquotedUTF8(ByteBuffer buffer) {
    if (buffer.remaining() < length) {
      return -1;
    }
    buffer.put(bytes, 0, length);
    return length;
  }

  @Override
  public String getValue() {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  @Override
  public int charLength() {
    return getValue().length();
  }

  @Override
  public int appendUnquoted(char[] buffer, int offset) {
    char[] chars = getValue().toCharArray();
    if (offset + chars.length > buffer.length) {
      return -1;
    }
    System.arraycopy(chars, 0, buffer, offset, chars.length);
    return chars.length;
  }

  // Raw JSON is never quoted again: the quoted forms are not asked for by writeRaw or writeRawValue.

  @Override
  public char[] asQuotedChars() {
    throw quoted();
  }

  @Override
  public byte[] asQuotedUTF8() {
    throw quoted();
  }

  @Override
  public int appendQuotedUTF8(byte[] buffer, int offset) {
    throw quoted();
  }

  @Override
  public int appendQuoted(char[] buffer, int offset) {
    throw quoted();
  }

  @Override
  public int writeQuotedUTF8(OutputStream out) {
    throw quoted();
  }

  @Override
  public int putQuotedUTF8(ByteBuffer buffer) {
    throw quoted();
  }

  private static UnsupportedOperationException quoted() {
    return new UnsupportedOperationException("raw JSON is written as it is");
  }

  @Override
  public String toString() {
    return getValue();
  }
}
