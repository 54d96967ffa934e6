package io.goldgate.features;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.catalog.ShareCatalog;
import io.goldgate.catalog.SharedTable;
import io.goldgate.catalog.TableName;
import io.goldgate.features.FeatureRegistry.FeatureRef;
import io.goldgate.features.FeatureRegistry.FeatureView;
import java.util.Optional;

/**
 * Which online features a recipient may read: those of the table data they come from, under the
 * same grants.
 *
 * <ul>
 *   <li>A view over a shared table is readable by the recipients of that table's share, as the
 *       table is. While the table restricts the recipient's rows ({@code recipientPartitionFilter})
 *       its features are refused: online values are kept per entity, not per partition, so they
 *       cannot be cut to the recipient's rows yet, and serving them whole would leak rows.
 *   <li>A view over a bare {@code location}, which no share publishes, is readable only through a
 *       feature service granted to the recipient that lists the feature.
 * </ul>
 *
 * A refusal names the feature and nothing of the table behind it.
 */
final class FeatureAccess {

  private FeatureAccess() {}

  /**
   * @throws GoldgateException PERMISSION_DENIED when {@code recipient} may not read this feature
   */
  static void requireReadable(Recipient recipient, ShareCatalog catalog, FeatureRegistry registry, FeatureView view, String feature) {
    TableName source = view.sharedTable();
    if (source == null) {
      FeatureRef ref = new FeatureRef(view.name(), feature);
      boolean granted =
          recipient.grantedFeatureServices().stream()
              .map(registry.services()::get)
              .anyMatch(service -> service != null && service.features().contains(ref));
      if (!granted) {
        throw denied(view, feature, "it is granted only through a feature service");
      }
      return;
    }
    Optional<SharedTable> table = catalog.table(source.share(), source.schema(), source.table());
    if (table.isEmpty() || !recipient.mayRead(source.share())) {
      throw denied(view, feature, "its table is not shared with you");
    }
    if (table.get().restrictionFor(recipient).restricts()) {
      throw denied(view, feature, "the rows of its table are restricted for you, and online features are not yet served by row");
    }
  }

  private static GoldgateException denied(FeatureView view, String feature, String why) {
    return new GoldgateException(
        GoldgateException.Kind.PERMISSION_DENIED, "You may not read feature '" + view.name() + ":" + feature + "': " + why);
  }
}
