package io.goldgate.sharing;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.Share;
import io.goldgate.catalog.SharedTable;
import io.goldgate.catalog.SharedTables;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.sharing.model.Page;
import io.goldgate.sharing.model.SchemaItem;
import io.goldgate.sharing.model.ShareItem;
import io.goldgate.sharing.model.TableItem;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What a recipient may see of the catalog: its granted shares, their schemas and tables, in pages.
 * A share that is not granted looks exactly like one that does not exist.
 */
@ApplicationScoped
public class ShareDirectory {

  private final CatalogHolder catalog;
  private final SharedTables tables;
  private final PageTokens pageTokens;
  private final int maxPageSize;

  public ShareDirectory(CatalogHolder catalog, SharedTables tables, PageTokens pageTokens, GoldgateConfig config) {
    this.catalog = catalog;
    this.tables = tables;
    this.pageTokens = pageTokens;
    this.maxPageSize = config.sharing().maxPageSize();
  }

  public Page<ShareItem> listShares(Recipient recipient, String maxResults, String pageToken) {
    List<Share> shares = catalog.catalog().shares().stream().filter(s -> recipient.mayRead(s.name())).toList();
    return page("shares:" + recipient.name(), shares, s -> key(s.name()), ShareDirectory::item, maxResults, pageToken);
  }

  public ShareItem getShare(Recipient recipient, String share) {
    return item(share(recipient, share));
  }

  public Page<SchemaItem> listSchemas(Recipient recipient, String share, String maxResults, String pageToken) {
    Share s = share(recipient, share);
    List<Share.Schema> schemas = s.schemas().stream().sorted(Comparator.comparing(x -> key(x.name()))).toList();
    return page(
        "schemas:" + recipient.name() + ":" + key(s.name()), schemas, x -> key(x.name()), x -> new SchemaItem(x.name(), s.name()), maxResults, pageToken);
  }

  public Page<TableItem> listTables(Recipient recipient, String share, String schema, String maxResults, String pageToken) {
    Share s = share(recipient, share);
    Share.Schema found =
        s.schemas().stream()
            .filter(x -> key(x.name()).equals(key(schema)))
            .findFirst()
            .orElseThrow(() -> GoldgateException.notFound("Schema '" + schema + "' does not exist in share '" + s.name() + "'"));
    List<SharedTable> tables = found.tables().stream().sorted(Comparator.comparing(t -> key(t.name()))).toList();
    return page(
        "tables:" + recipient.name() + ":" + key(s.name()) + ":" + key(found.name()), tables, t -> key(t.name()), ShareDirectory::item, maxResults, pageToken);
  }

  public Page<TableItem> listAllTables(Recipient recipient, String share, String maxResults, String pageToken) {
    Share s = share(recipient, share);
    Function<SharedTable, String> sortKey = t -> key(t.schema()) + "\u0000" + key(t.name());
    List<SharedTable> tables = s.allTables().stream().sorted(Comparator.comparing(sortKey)).toList();
    return page("all-tables:" + recipient.name() + ":" + key(s.name()), tables, sortKey, ShareDirectory::item, maxResults, pageToken);
  }

  /** The table if the recipient may read it; otherwise the same not-found as for a missing one. */
  public SharedTable table(Recipient recipient, String share, String schema, String table) {
    return tables.readable(recipient, share, schema, table);
  }

  private Share share(Recipient recipient, String name) {
    return tables.readableShare(recipient, name);
  }

  private <T, R> Page<R> page(
      String listing, List<T> sorted, Function<T, String> sortKey, Function<T, R> toItem, String maxResults, String pageToken) {
    int limit = pageSize(maxResults);
    String after = pageToken == null || pageToken.isEmpty() ? null : pageTokens.decode(listing, pageToken);
    List<R> items = new ArrayList<>();
    String lastKey = after == null ? "" : after;
    boolean more = false;
    for (T element : sorted) {
      String k = sortKey.apply(element);
      if (after != null && k.compareTo(after) <= 0) {
        continue;
      }
      if (items.size() == limit) {
        more = true;
        break;
      }
      items.add(toItem.apply(element));
      lastKey = k;
    }
    return new Page<>(items, more ? pageTokens.encode(listing, lastKey) : null);
  }

  private int pageSize(String maxResults) {
    if (maxResults == null || maxResults.isEmpty()) {
      return maxPageSize;
    }
    int n;
    try {
      n = Integer.parseInt(maxResults.strip());
    } catch (NumberFormatException e) {
      throw GoldgateException.invalid("maxResults must be a whole number, got '" + maxResults + "'");
    }
    if (n < 0) {
      throw GoldgateException.invalid("maxResults must be >= 0, got " + n);
    }
    return Math.min(n, maxPageSize);
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static ShareItem item(Share s) {
    return new ShareItem(s.name(), s.id(), s.comment(), s.properties());
  }

  private static TableItem item(SharedTable t) {
    return new TableItem(t.name(), t.schema(), t.share(), t.shareId(), t.id());
  }
}
