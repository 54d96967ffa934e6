package io.goldgate.catalog;

import io.goldgate.access.DeclaredRecipients;
import io.goldgate.access.Recipient;
import io.goldgate.config.GoldgateConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;
import java.util.List;

/** Loads the share catalog once at start-up; a broken catalog stops the gateway. */
@Startup
@ApplicationScoped
public class CatalogHolder implements DeclaredRecipients {

  private final ShareCatalog catalog;

  public CatalogHolder(GoldgateConfig config, Validator validator) {
    this.catalog = new CatalogLoader(validator, config.federation().allowHttp()).load(config.shares().dir());
  }

  public ShareCatalog catalog() {
    return catalog;
  }

  @Override
  public List<Recipient> declared() {
    return catalog.recipients();
  }
}
