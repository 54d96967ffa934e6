package io.goldgate.features;

import io.goldgate.access.FeatureNames;
import io.goldgate.access.Recipient;
import io.goldgate.access.RecipientStore;
import io.goldgate.access.StoredRecipient;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.ShareCatalog;
import io.goldgate.catalog.TableReaders;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The feature views, as readers of their tables with the recipients who may read them (declared
 * ones and those created through the admin API), and the feature services and views one may be
 * granted.
 */
@ApplicationScoped
public class FeatureViewReaders implements TableReaders, FeatureNames {

  private final Features features;
  private final CatalogHolder catalog;
  private final RecipientStore store;

  public FeatureViewReaders(Features features, CatalogHolder catalog, RecipientStore store) {
    this.features = features;
    this.catalog = catalog;
    this.store = store;
  }

  @Override
  public List<Reader> readers() {
    FeatureRegistry registry = features.registry();
    ShareCatalog shares = catalog.catalog();
    List<Recipient> recipients = new ArrayList<>(catalog.declared());
    store.list().stream().filter(r -> !catalog.shadows(r.name())).map(StoredRecipient::toRecipient).forEach(recipients::add);
    return registry.views().values().stream()
        .map(view -> new Reader(view.name(), view.table(),
            recipients.stream().filter(r -> FeatureAccess.mayReach(r, shares, registry, view)).map(Recipient::name).sorted().toList()))
        .toList();
  }

  @Override
  public Set<String> featureServiceNames() {
    return features.registry().services().keySet();
  }

  @Override
  public Set<String> featureViewNames() {
    return features.registry().views().keySet();
  }
}
