package io.goldgate.features;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.access.RowRestriction;
import io.goldgate.catalog.ShareCatalog;
import io.goldgate.catalog.SharedTable;
import io.goldgate.catalog.TableName;
import io.goldgate.features.FeatureRegistry.FeatureRef;
import io.goldgate.features.FeatureRegistry.FeatureView;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which online features a recipient may read: those of the table data they come from, under the
 * same grants.
 *
 * <ul>
 *   <li>A view over a shared table is readable by the recipients of that table's share, as the
 *       table is. When the table restricts a recipient's rows ({@code recipientPartitionFilter}),
 *       the recipient gets the entities whose newest row lies in its partitions, and NOT_FOUND for
 *       the others (see {@link RowScope}).
 *   <li>A view over a bare {@code location}, which no share publishes, is readable only through a
 *       feature service granted to the recipient that lists the feature.
 * </ul>
 *
 * A refusal names the feature and nothing of the table behind it.
 */
final class FeatureAccess {

  private FeatureAccess() {}

  /**
   * @param table the shared table the view reads, as the catalog has it (null for a view over a
   *     bare location, or when the catalog no longer shares the table)
   * @param features the requested features of the view
   * @return the {@link RowScope} of the rows the recipient may see of the view's table, or null
   *     when it may see them all
   * @throws GoldgateException PERMISSION_DENIED naming the first requested feature the recipient
   *     may not read
   */
  static byte[] requireReadable(Recipient recipient, FeatureRegistry registry, FeatureView view, SharedTable table, List<String> features) {
    if (view.sharedTable() == null) {
      for (String feature : features) {
        FeatureRef ref = new FeatureRef(view.name(), feature);
        boolean granted =
            recipient.grantedFeatureServices().stream()
                .map(registry.services()::get)
                .anyMatch(service -> service != null && service.features().contains(ref));
        if (!granted) {
          throw denied(view, feature, "it is granted only through a feature service");
        }
      }
      return null;
    }
    if (table == null || !recipient.mayRead(table.share())) {
      throw denied(view, features.getFirst(), "its table is not shared with you");
    }
    RowRestriction rows = table.restrictionFor(recipient);
    if (!rows.restricts()) {
      return null;
    }
    if (!new TreeSet<>(rows.allowedValues().keySet()).equals(new TreeSet<>(view.rowFilterColumns()))) {
      // The share definition changed since the view was loaded: nothing matches until a restart.
      throw denied(view, features.getFirst(), "the rows of its table are restricted for you by columns the view was not loaded with");
    }
    return RowScope.encode(new TreeMap<>(rows.allowedValues()));
  }

  /**
   * Whether {@code recipient} may read any feature of the view (all of it, or the entities of its
   * rows when the table restricts them), for lineage.
   */
  static boolean mayReach(Recipient recipient, ShareCatalog catalog, FeatureRegistry registry, FeatureView view) {
    TableName source = view.sharedTable();
    if (source == null) {
      return recipient.grantedFeatureServices().stream()
          .map(registry.services()::get)
          .anyMatch(service -> service != null && service.features().stream().anyMatch(ref -> ref.view().equals(view.name())));
    }
    return recipient.mayRead(source.share()) && catalog.table(source.share(), source.schema(), source.table()).isPresent();
  }

  private static GoldgateException denied(FeatureView view, String feature, String why) {
    return new GoldgateException(
        GoldgateException.Kind.PERMISSION_DENIED, "You may not read feature '" + view.name() + ":" + feature + "': " + why);
  }
}
