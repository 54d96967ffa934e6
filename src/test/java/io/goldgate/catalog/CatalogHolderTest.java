package io.goldgate.catalog;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up check of the file URL lifetime against the stores the catalog's tables are in. */
class CatalogHolderTest {

  private static final Validator VALIDATOR =
      Validation.byDefaultProvider().configure().messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

  @TempDir Path dir;

  private ShareCatalog catalog(String... locations) throws IOException {
    StringBuilder yaml = new StringBuilder("shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n");
    for (int i = 0; i < locations.length; i++) {
      yaml.append("          - name: t").append(i).append("\n            location: ").append(locations[i]).append("\n");
    }
    Files.writeString(dir.resolve("shares.yaml"), yaml);
    return new CatalogLoader(VALIDATOR).load(dir);
  }

  @Test
  void givenAGcsTable_whenTheUrlLifetimeExceedsSevenDays_thenStartupStopsNamingTheTableAndTheFix() throws IOException {
    ShareCatalog catalog = catalog("local", "gs://lake/gold/b");
    CatalogException e = assertThrows(CatalogException.class, () -> CatalogHolder.checkUrlLifetime(catalog, Duration.ofDays(8)));
    assertEquals(
        "goldgate.sharing.url-lifetime is 691200 s, but table s.x.t1 is on Google Cloud Storage (V4 signed URLs), whose URLs live at most 604800 s (7 days):"
            + " set goldgate.sharing.url-lifetime to 7d or less",
        e.getMessage());
  }

  @Test
  void givenAGcsTable_whenTheUrlLifetimeIsSevenDaysOrLess_thenStartupGoesOn() throws IOException {
    ShareCatalog catalog = catalog("gs://lake/gold/b");
    assertDoesNotThrow(() -> CatalogHolder.checkUrlLifetime(catalog, Duration.ofDays(7)));
    assertDoesNotThrow(() -> CatalogHolder.checkUrlLifetime(catalog, Duration.ofHours(1)));
  }

  @Test
  void givenAnS3Table_whenTheUrlLifetimeExceedsSevenDays_thenStartupStopsToo() throws IOException {
    ShareCatalog catalog = catalog("s3://lake/a");
    CatalogException e = assertThrows(CatalogException.class, () -> CatalogHolder.checkUrlLifetime(catalog, Duration.ofDays(8)));
    assertEquals(
        "goldgate.sharing.url-lifetime is 691200 s, but table s.x.t0 is on S3 (SigV4 pre-signed URLs), whose URLs live at most 604800 s (7 days):"
            + " set goldgate.sharing.url-lifetime to 7d or less",
        e.getMessage());
  }

  @Test
  void givenOnlyLocalTables_thenALongLifetimeIsNotThisChecksConcern() throws IOException {
    ShareCatalog catalog = catalog("local");
    assertDoesNotThrow(() -> CatalogHolder.checkUrlLifetime(catalog, Duration.ofDays(30)));
  }
}
