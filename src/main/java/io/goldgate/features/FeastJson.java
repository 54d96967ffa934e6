package io.goldgate.features;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.goldgate.features.feast.FeastCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Feature values in the JSON of Feast's feature server (numbers, strings, base64 bytes, booleans,
 * ISO-8601 timestamps): written while a lookup renders its answer (the hash layout), or once per
 * value when it is written (the packed layout, whose stored values are already this JSON).
 */
final class FeastJson {

  private FeastJson() {}

  /** Writes decoded feature values to a generator. */
  static final class Values implements FeastCodec.ValueSink {
    private final JsonGenerator json;
    private final StringBuilder number = new StringBuilder(32);
    private final char[] digits = new char[32];

    Values(JsonGenerator json) {
      this.json = json;
    }

    @Override
    public void bytes(byte[] source, int offset, int length) throws IOException {
      json.writeBinary(source, offset, length);
    }

    @Override
    public void utf8(byte[] source, int offset, int length) throws IOException {
      json.writeUTF8String(source, offset, length);
    }

    @Override
    public void int32(int value) throws IOException {
      json.writeNumber(value);
    }

    @Override
    public void int64(long value) throws IOException {
      json.writeNumber(value);
    }

    @Override
    public void float64(double value) throws IOException {
      if (Double.isFinite(value)) {
        // Same text as Double.toString, without a String per value: doubles were a third of the
        // bytes a 100-entity lookup allocated.
        number.setLength(0);
        number.append(value);
        number.getChars(0, number.length(), digits, 0);
        json.writeNumber(digits, 0, number.length());
      } else {
        json.writeNumber(value);
      }
    }

    @Override
    public void float32(float value) throws IOException {
      json.writeNumber(value);
    }

    @Override
    public void bool(boolean value) throws IOException {
      json.writeBoolean(value);
    }

    @Override
    public void unixTimestamp(long epochSeconds) throws IOException {
      json.writeString(Instant.ofEpochSecond(epochSeconds).toString());
    }
  }

  /**
   * Renders serialized feast.types.Values one at a time, each to its own JSON text, reusing one
   * generator: not thread-safe, one per writer.
   */
  static final class Fragments {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final byte[] NULL = new byte[0];

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
    private final JsonGenerator json;
    private final Values values;

    Fragments() {
      try {
        json = FACTORY.createGenerator(buffer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      // Root-level values are separated by a space by default; each fragment stands alone.
      json.setRootValueSeparator(null);
      values = new Values(json);
    }

    /** The JSON of one value; empty for Feast's null (the empty Value). */
    byte[] of(byte[] value) {
      buffer.reset();
      try {
        if (!FeastCodec.readValue(value, values)) {
          return NULL;
        }
        json.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return buffer.toByteArray();
    }
  }
}
