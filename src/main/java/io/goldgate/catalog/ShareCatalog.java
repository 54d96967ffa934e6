package io.goldgate.catalog;

import io.goldgate.access.Recipient;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The shares and recipients declared by the operator, looked up case-insensitively as the protocol
 * requires. Immutable: a reload builds a new catalog.
 */
public final class ShareCatalog {

  private final Map<String, Share> sharesByKey;
  private final List<Recipient> recipients;
  private final Map<String, SharedTable> tablesById = new java.util.HashMap<>();

  public ShareCatalog(List<Share> shares, List<Recipient> recipients) {
    var byKey = new TreeMap<String, Share>();
    for (Share share : shares) {
      byKey.put(key(share.name()), share);
    }
    this.sharesByKey = byKey;
    for (Share share : shares) {
      share.allTables().forEach(t -> tablesById.put(t.id(), t));
    }
    this.recipients = List.copyOf(recipients);
  }

  static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** All shares, ordered by name. */
  public List<Share> shares() {
    return sharesByKey.values().stream().sorted(Comparator.comparing(s -> key(s.name()))).toList();
  }

  public Optional<Share> share(String name) {
    return Optional.ofNullable(sharesByKey.get(key(name)));
  }

  public Optional<Share.Schema> schema(String share, String schema) {
    return share(share)
        .flatMap(s -> s.schemas().stream().filter(x -> key(x.name()).equals(key(schema))).findFirst());
  }

  public Optional<SharedTable> table(String share, String schema, String table) {
    return schema(share, schema)
        .flatMap(s -> s.tables().stream().filter(t -> key(t.name()).equals(key(table))).findFirst());
  }

  /** A table by its id, as carried in file URLs. */
  public Optional<SharedTable> tableById(String id) {
    return Optional.ofNullable(tablesById.get(id));
  }

  public List<Recipient> recipients() {
    return recipients;
  }
}
