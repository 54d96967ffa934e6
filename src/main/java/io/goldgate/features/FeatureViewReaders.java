package io.goldgate.features;

import io.goldgate.catalog.TableReaders;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The feature views, as readers of their tables. */
@ApplicationScoped
public class FeatureViewReaders implements TableReaders {

  private final Features features;

  public FeatureViewReaders(Features features) {
    this.features = features;
  }

  @Override
  public List<Reader> readers() {
    return features.registry().views().values().stream().map(view -> new Reader(view.name(), view.table())).toList();
  }
}
