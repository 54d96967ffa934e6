package io.goldgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example catalog of k8s/ (k8s/config/shares), mounted as the kubelet mounts a ConfigMap: each
 * file a symlink through {@code ..data} to a timestamped directory, which the loader must neither
 * skip nor read twice.
 */
class KubernetesCatalogTest {

  private static final Validator VALIDATOR =
      Validation.byDefaultProvider().configure().messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

  @TempDir Path mount;

  @Test
  void givenTheKubernetesExampleCatalog_whenLoadedFromAConfigMapMount_thenItsTablesAreOnS3() throws IOException {
    Path stamp = Files.createDirectory(mount.resolve("..2026_01_01_00_00_00.000000001"));
    Files.copy(Path.of("k8s/config/shares/gold.yaml"), stamp.resolve("gold.yaml"));
    Files.createSymbolicLink(mount.resolve("..data"), stamp.getFileName());
    Files.createSymbolicLink(mount.resolve("gold.yaml"), Path.of("..data/gold.yaml"));

    ShareCatalog catalog = new CatalogLoader(VALIDATOR).load(mount);

    assertEquals(1, catalog.shares().size());
    SharedTable sales = catalog.table("retail", "gold", "sales_daily").orElseThrow();
    assertTrue(sales.location().isS3(), sales.location().toString());
    assertEquals("example-lake", sales.location().bucket());
    assertEquals(3, catalog.shares().get(0).allTables().size());
    assertEquals(0, catalog.recipients().size());
  }
}
