package io.goldgate.sharing;

/**
 * A table call's answer before it becomes HTTP: the {@code Delta-Table-Version} to announce, the
 * response format chosen, whether the body ends with an {@code EndStreamAction}, the file id scheme
 * to echo in {@code fileidhash} (null when the client did not ask), and the NDJSON lines.
 */
public record TableResponse(long tableVersion, ResponseFormat responseFormat, boolean endStreamAction, String fileIdHash, NdjsonBody body) {

  public TableResponse(long tableVersion, ResponseFormat responseFormat, NdjsonBody body) {
    this(tableVersion, responseFormat, false, null, body);
  }
}
