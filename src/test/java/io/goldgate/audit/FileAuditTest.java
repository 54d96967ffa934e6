package io.goldgate.audit;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Embedded mode: JSON-lines files under the state directory. Files are kept tiny here so that the
 * session already spans several rotated files.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
@TestProfile(FileAuditTest.SmallFiles.class)
class FileAuditTest extends AuditTestBase {

  public static class SmallFiles implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("goldgate.audit.file-max-size", "1500", "goldgate.audit.file-keep", "1000");
    }
  }

  static Path auditDir() {
    return Path.of(ConfigProvider.getConfig().getValue("goldgate.state.dir", String.class)).resolve("audit");
  }

  @Override
  String rawStoredEvents() throws Exception {
    try (Stream<Path> files = Files.list(auditDir())) {
      return files.sorted().map(p -> {
        try {
          return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).collect(Collectors.joining("\n"));
    }
  }

  /** Running as root, permissions would not stop the writer: a plain file where the directory was does. */
  @Override
  void breakSink() throws Exception {
    Files.move(auditDir(), auditDir().resolveSibling("audit.moved"));
    Files.writeString(auditDir(), "not a directory");
  }

  @Override
  void repairSink() throws Exception {
    Files.delete(auditDir());
    Files.move(auditDir().resolveSibling("audit.moved"), auditDir());
  }
}
