package io.goldgate.catalog;

import java.util.List;
import java.util.Map;

/** A share with its schemas, in declaration order. */
public record Share(
    String name, String id, String comment, Map<String, String> properties, List<Schema> schemas) {

  public record Schema(String name, String share, List<SharedTable> tables) {}

  public List<SharedTable> allTables() {
    return schemas.stream().flatMap(s -> s.tables().stream()).toList();
  }
}
