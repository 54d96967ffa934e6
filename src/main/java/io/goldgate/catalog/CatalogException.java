package io.goldgate.catalog;

/** The share catalog on disk is invalid; the message names the file and the field. */
public class CatalogException extends RuntimeException {
  public CatalogException(String message) {
    super(message);
  }

  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}
