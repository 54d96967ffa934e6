package io.goldgate.catalog;

import io.goldgate.access.DeclaredRecipients;
import io.goldgate.access.Recipient;
import io.goldgate.config.GoldgateConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import io.goldgate.storage.SignedUrlLimits;
import io.goldgate.storage.TableLocation;
import jakarta.validation.Validator;
import java.time.Duration;
import java.util.List;

/** Loads the share catalog once at start-up; a broken catalog stops the gateway. */
@Startup
@ApplicationScoped
public class CatalogHolder implements DeclaredRecipients {

  private final ShareCatalog catalog;

  public CatalogHolder(GoldgateConfig config, Validator validator) {
    this.catalog = new CatalogLoader(validator, config.federation().allowHttp()).load(config.shares().dir());
    checkUrlLifetime(catalog, config.sharing().urlLifetime());
  }

  /**
   * Refuses a file URL lifetime that a store holding shared tables cannot sign for (V4 signed URLs
   * of Google Cloud Storage live at most 7 days), naming the first such table.
   */
  static void checkUrlLifetime(ShareCatalog catalog, Duration lifetime) {
    for (Share share : catalog.shares()) {
      for (SharedTable table : share.allTables()) {
        TableLocation.Provider provider = table.location().provider();
        Duration max = provider == null ? null : SignedUrlLimits.of(provider).orElse(null);
        if (max != null && lifetime.compareTo(max) > 0) {
          throw new CatalogException(
              "goldgate.sharing.url-lifetime is " + lifetime.toSeconds() + " s, but table " + table.qualifiedName() + " is on " + SignedUrlLimits.storeName(provider)
                  + ", whose URLs live at most " + max.toSeconds() + " s (" + max.toDays() + " days): set goldgate.sharing.url-lifetime to " + max.toDays() + "d or less");
        }
      }
    }
  }

  public ShareCatalog catalog() {
    return catalog;
  }

  @Override
  public List<Recipient> declared() {
    return catalog.recipients();
  }
}
