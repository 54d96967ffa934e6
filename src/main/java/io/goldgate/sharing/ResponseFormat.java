package io.goldgate.sharing;

/** The two response formats of the Delta Sharing protocol, as its headers name them. */
public enum ResponseFormat {
  PARQUET("parquet"),
  DELTA("delta");

  private final String wire;

  ResponseFormat(String wire) {
    this.wire = wire;
  }

  /** The name in {@code delta-sharing-capabilities} and {@code fileidhash}. */
  public String wire() {
    return wire;
  }

  @Override
  public String toString() {
    return wire;
  }
}
