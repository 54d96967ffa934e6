package io.goldgate.features;

import io.goldgate.access.FeatureServiceNames;
import io.goldgate.catalog.TableReaders;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/** The feature views, as readers of their tables, and the feature services one may be granted. */
@ApplicationScoped
public class FeatureViewReaders implements TableReaders, FeatureServiceNames {

  private final Features features;

  public FeatureViewReaders(Features features) {
    this.features = features;
  }

  @Override
  public List<Reader> readers() {
    return features.registry().views().values().stream().map(view -> new Reader(view.name(), view.table())).toList();
  }

  @Override
  public Set<String> featureServiceNames() {
    return features.registry().services().keySet();
  }
}
