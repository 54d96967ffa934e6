package io.goldgate.features;

import io.goldgate.catalog.CatalogHolder;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.lake.DeltaLake;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import org.jboss.logging.Logger;

/** Loads the feature definitions at start-up; invalid definitions stop the gateway. */
@Startup
@ApplicationScoped
public class Features {

  private static final Logger LOG = Logger.getLogger(Features.class);

  private final FeatureRegistry registry;

  @Inject
  public Features(GoldgateConfig config, CatalogHolder catalog, DeltaLake lake, Validator validator) {
    if (!config.features().enabled()) {
      registry = FeatureRegistry.EMPTY;
      return;
    }
    registry = new FeatureDefsLoader(validator, catalog.catalog(), lake).load(config.features().dir());
    for (var recipient : catalog.catalog().recipients()) {
      for (String service : recipient.grantedFeatureServices()) {
        if (!registry.services().containsKey(service)) {
          throw new FeatureDefsException(
              "Recipient '" + recipient.name() + "' of the share catalog is granted feature service '" + service
                  + "', which no feature definition in " + config.features().dir() + " declares");
        }
      }
    }
    LOG.infof(
        "Feature definitions: %d entit%s, %d view(s), %d service(s) from %s",
        registry.entities().size(), registry.entities().size() == 1 ? "y" : "ies", registry.views().size(), registry.services().size(),
        config.features().dir().toAbsolutePath().normalize());
  }

  /** Definitions already loaded: for tests that serve a registry of their own. */
  Features(FeatureRegistry registry) {
    this.registry = registry;
  }

  public FeatureRegistry registry() {
    return registry;
  }
}
