package io.goldgate.features;

/** The feature definitions are invalid; the message names the file, the YAML path and the reason. */
public class FeatureDefsException extends RuntimeException {
  public FeatureDefsException(String message) {
    super(message);
  }
}
