package io.goldgate.sharing;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * JSON escapes for NDJSON lines: besides what JSON requires, the three characters outside ASCII
 * that line readers split on (U+0085, U+2028, U+2029; Python's {@code str.splitlines}, which the
 * {@code delta-sharing} client reads responses with through {@code requests.iter_lines}). A table
 * string holding one of them (in stats or a partition value) would otherwise cut its line in two.
 */
final class LineSafeEscapes extends CharacterEscapes {

  static final LineSafeEscapes INSTANCE = new LineSafeEscapes();

  private static final int[] ASCII = standardAsciiEscapesForJSON();
  private static final SerializableString NEXT_LINE = new SerializedString("\\u0085");
  private static final SerializableString LINE_SEPARATOR = new SerializedString("\\u2028");
  private static final SerializableString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");

  private LineSafeEscapes() {}

  @Override
  public int[] getEscapeCodesForAscii() {
    return ASCII;
  }

  @Override
  public SerializableString getEscapeSequence(int ch) {
    return switch (ch) {
      case 0x85 -> NEXT_LINE;
      case 0x2028 -> LINE_SEPARATOR;
      case 0x2029 -> PARAGRAPH_SEPARATOR;
      default -> null;
    };
  }
}
