package io.goldgate.sharing;

import io.goldgate.config.GoldgateConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Tells the operator where recipients should point their profile files. */
public class EndpointAnnouncer {

  private static final Logger LOG = Logger.getLogger(EndpointAnnouncer.class);

  void onStart(@Observes StartupEvent event, GoldgateConfig config, @ConfigProperty(name = "quarkus.http.port") int port) {
    String endpoint = config.sharing().publicUrl().map(FileUrls::withoutTrailingSlashes).orElse("http://localhost:" + port) + "/delta-sharing/";
    LOG.infof("Delta Sharing endpoint: %s (shares from %s)", endpoint, config.shares().dir().toAbsolutePath().normalize());
  }
}
