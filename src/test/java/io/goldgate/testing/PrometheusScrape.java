package io.goldgate.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/** One scrape of {@code /q/metrics} (management interface): sample lines by their series (name and labels as printed). */
public final class PrometheusScrape {

  private final Map<String, Double> samples = new LinkedHashMap<>();
  private final String text;

  private PrometheusScrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
  }

  public static PrometheusScrape now() {
    return new PrometheusScrape(Management.given().get("/q/metrics").then().statusCode(200).extract().asString());
  }

  /**
   * The value of the one series named {@code name} whose labels include every {@code label=value}
   * pair given; 0 when no series matches yet (a meter that has not been created).
   */
  public double value(String name, String... labels) {
    double found = 0;
    int matches = 0;
    for (Map.Entry<String, Double> sample : samples.entrySet()) {
      if (matches(sample.getKey(), name, labels)) {
        found = sample.getValue();
        matches++;
      }
    }
    if (matches > 1) {
      throw new AssertionError(matches + " series match " + name + " " + String.join(",", labels) + ":\n" + text);
    }
    return found;
  }

  /** Whether any series named {@code name} has every label given. */
  public boolean has(String name, String... labels) {
    return samples.keySet().stream().anyMatch(series -> matches(series, name, labels));
  }

  private static boolean matches(String series, String name, String... labels) {
    int brace = series.indexOf('{');
    String seriesName = brace < 0 ? series : series.substring(0, brace);
    if (!seriesName.equals(name)) return false;
    for (String label : labels) {
      int eq = label.indexOf('=');
      String printed = label.substring(0, eq) + "=\"" + label.substring(eq + 1) + "\"";
      if (!series.contains("{" + printed + ",") && !series.contains("," + printed + ",") && !series.contains("," + printed + "}")
          && !series.contains("{" + printed + "}")) {
        return false;
      }
    }
    return true;
  }

  public String text() {
    return text;
  }
}
