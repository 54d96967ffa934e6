package io.goldgate.sharing;

/**
 * A table call's answer before it becomes HTTP: the {@code Delta-Table-Version} to announce, the
 * response format chosen, and the NDJSON lines (absent for {@code /version}).
 */
public record TableResponse(long tableVersion, String responseFormat, NdjsonBody body) {}
