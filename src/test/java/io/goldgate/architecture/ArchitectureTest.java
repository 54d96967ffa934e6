package io.goldgate.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layers a newcomer sees in the folder tree, each importing only downward, and the faces side
 * by side:
 *
 * <pre>
 *   boot           nativeimage
 *   faces          sharing   flight   features   admin   console   apidocs   (none imports another)
 *   observability  observability, audit
 *   governance     catalog -> access
 *   http, redis    route paths, error body; the Redis connection
 *   read path      arrow (Parquet to Arrow over a pinned file set)
 *   lake           lake (Delta through Kernel, predicates, pruning, Parquet)
 *   storage        storage
 *   base           io.goldgate (exceptions, bounded caches), config
 * </pre>
 */
class ArchitectureTest {

  static final JavaClasses GATEWAY = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPackages("io.goldgate");

  static final List<String> FACES = List.of("sharing", "flight", "features", "admin", "console", "apidocs");

  static final ArchRule layersImportOnlyDownward =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("Base").definedBy("io.goldgate", "io.goldgate.config..")
          .layer("Storage").definedBy("io.goldgate.storage..")
          .layer("Lake").definedBy("io.goldgate.lake..")
          .layer("ReadPath").definedBy("io.goldgate.arrow..")
          .layer("Redis").definedBy("io.goldgate.redis..")
          .layer("Http").definedBy("io.goldgate.http..")
          .layer("Governance").definedBy("io.goldgate.catalog..", "io.goldgate.access..")
          .layer("Observability").definedBy("io.goldgate.observability..", "io.goldgate.audit..")
          .layer("Faces").definedBy(FACES.stream().map(f -> "io.goldgate." + f + "..").toArray(String[]::new))
          .layer("Boot").definedBy("io.goldgate.nativeimage..")
          .whereLayer("Boot").mayNotBeAccessedByAnyLayer()
          .whereLayer("Faces").mayOnlyBeAccessedByLayers("Boot")
          .whereLayer("Observability").mayOnlyBeAccessedByLayers("Faces", "Boot")
          .whereLayer("Governance").mayOnlyBeAccessedByLayers("Observability", "Faces", "Boot")
          .whereLayer("Http").mayOnlyBeAccessedByLayers("Governance", "Observability", "Faces", "Boot")
          .whereLayer("Redis").mayOnlyBeAccessedByLayers("Http", "Governance", "Observability", "Faces", "Boot")
          .whereLayer("ReadPath").mayOnlyBeAccessedByLayers("Faces", "Boot")
          .whereLayer("Lake").mayOnlyBeAccessedByLayers("ReadPath", "Governance", "Observability", "Faces", "Boot")
          .whereLayer("Storage").mayOnlyBeAccessedByLayers("Lake", "ReadPath", "Governance", "Observability", "Faces", "Boot");

  static final ArchRule noFaceImportsAnotherFace =
      CompositeArchRule.of(
              FACES.stream()
                  .map(face -> noClasses().that().resideInAPackage("io.goldgate." + face + "..")
                      .should().dependOnClassesThat().resideInAnyPackage(
                          FACES.stream().filter(other -> !other.equals(face)).map(other -> "io.goldgate." + other + "..").toArray(String[]::new))
                      .as("the " + face + " face imports no other face"))
                  .map(ArchRule.class::cast)
                  .toList())
          .as("no face imports another face");

  static final ArchRule accessKnowsNothingOfTheCatalog =
      noClasses().that().resideInAPackage("io.goldgate.access..").should().dependOnClassesThat().resideInAPackage("io.goldgate.catalog..")
          .as("access knows recipients and row restrictions, the catalog builds on it, never the reverse");

  static final ArchRule packagesFormNoCycle = slices().matching("io.goldgate.(*)..").should().beFreeOfCycles();

  @Test
  void layersImportOnlyDownward() {
    layersImportOnlyDownward.check(GATEWAY);
  }

  @Test
  void noFaceImportsAnotherFace() {
    noFaceImportsAnotherFace.check(GATEWAY);
  }

  @Test
  void accessKnowsNothingOfTheCatalog() {
    accessKnowsNothingOfTheCatalog.check(GATEWAY);
  }

  @Test
  void packagesFormNoCycle() {
    packagesFormNoCycle.check(GATEWAY);
  }
}
