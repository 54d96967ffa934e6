package io.goldgate.access;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Who may write feature views (push, write to the online store, materialize): the recipient
 * property {@value #PROPERTY}, a comma-separated list of view names, or {@value #EVERY_VIEW} for
 * every view. A property rather than a field of its own, so that it is set the same way in the
 * share catalog ({@code properties:}) and through the admin API. Here, between the features face
 * that enforces it and the admin face that changes it, neither importing the other.
 */
public final class FeatureWriteGrants {

  /** The recipient property that grants writes. */
  public static final String PROPERTY = "goldgate.featureWrites";
  /** The entry that grants every view. */
  public static final String EVERY_VIEW = "*";

  private FeatureWriteGrants() {}

  /** The granted entries of {@code properties}, trimmed, without blanks or repeats, in order. */
  public static List<String> granted(Map<String, String> properties) {
    String value = properties.get(PROPERTY);
    if (value == null) {
      return List.of();
    }
    var entries = new LinkedHashSet<String>();
    Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).forEach(entries::add);
    return List.copyOf(entries);
  }

  /** Whether {@code recipient} may write {@code view}. */
  public static boolean mayWrite(Recipient recipient, String view) {
    return granted(recipient.properties()).stream().anyMatch(v -> v.equals(EVERY_VIEW) || v.equals(view));
  }

  /** The property's value for {@code entries}. */
  public static String value(List<String> entries) {
    return String.join(",", entries);
  }
}
