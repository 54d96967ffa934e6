package io.goldgate.lake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.flight.FlightService;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * A commit with a garbage line appended after the table was written: from a cold start, the table
 * is refused as damaged (naming it and the commit) on Delta Sharing and Flight, and the other
 * tables are still served.
 */
@QuarkusTest
@WithTestResource(DamagedCommitTest.DamagedLake.class)
class DamagedCommitTest {

  static final String TOKEN = "damaged-commit-test-token";
  static final String DAMAGED = "/delta-sharing/shares/lake/schemas/s/tables/damaged";
  static final String INTACT = "/delta-sharing/shares/lake/schemas/s/tables/intact";
  static final String MESSAGE =
      "Table lake.s.damaged is damaged: its Delta log commit 3 has a line that is not a valid Delta log entry (line 4);"
          + " the table is not served until the commit is repaired";

  /** A catalog of two copies of inventory_levels, the last commit of one followed by a garbage line. */
  public static class DamagedLake implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
      try {
        Path dir = Files.createTempDirectory("goldgate-damaged-commit");
        Path source = SampleLake.SAMPLE_LAKE.resolve("inventory_levels");
        for (String name : new String[] {"damaged", "intact"}) {
          try (Stream<Path> files = Files.walk(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
              Path target = dir.resolve(name).resolve(source.relativize(f).toString());
              if (Files.isDirectory(f)) Files.createDirectories(target);
              else Files.copy(f, target);
            }
          }
        }
        Path commit = dir.resolve("damaged/_delta_log/00000000000000000003.json");
        if (Files.readAllLines(commit).size() != 3) {
          throw new IllegalStateException("the test expects inventory_levels' commit 3 to have 3 lines");
        }
        Files.writeString(commit, "\n{\"add\": garbage\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(dir.resolve("lake.yaml"), """
            shares:
              - name: lake
                schemas:
                  - name: s
                    tables:
                      - name: damaged
                        location: damaged
                        historyShared: true
                      - name: intact
                        location: intact
            recipients:
              - name: reader
                tokens:
                  - hash: sha256:%s
                shares: [lake]
            """.formatted(hash), StandardCharsets.UTF_8);
        return Map.of(
            "goldgate.shares.dir", dir.toString(),
            "goldgate.features.dir", dir.resolve("no-features").toString(),
            "goldgate.state.dir", dir.resolve("state").toString());
      } catch (IOException | java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void stop() {}
  }

  @Inject FlightService flight;

  static RequestSpecification reader() {
    return given().header("Authorization", "Bearer " + TOKEN);
  }

  @Test
  void givenAGarbageLineAppendedToTheLastCommit_thenDeltaSharingRefusesTheTableAsDamaged() {
    reader().contentType("application/json").body("{}").post(DAMAGED + "/query").then().statusCode(500)
        .body("errorCode", equalTo("INTERNAL_ERROR"))
        .body("message", equalTo(MESSAGE))
        .body(not(containsString("at io.")));
    reader().get(DAMAGED + "/metadata").then().statusCode(500).body("message", equalTo(MESSAGE));
    reader().get(DAMAGED + "/version").then().statusCode(200).header("Delta-Table-Version", "3");
    reader().contentType("application/json").body("{}").post(INTACT + "/query").then().statusCode(200);
  }

  @Test
  void givenAGarbageLineAppendedToTheLastCommit_thenFlightRefusesTheTableAsDamaged() throws Exception {
    CallHeaders headers = new FlightCallHeaders();
    headers.insert("authorization", "Bearer " + TOKEN);
    CallOption bearer = new HeaderCallOption(headers);
    try (var allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build()) {
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> client.getInfo(FlightDescriptor.path("lake", "s", "damaged"), bearer));
      assertEquals(FlightStatusCode.INTERNAL, e.status().code());
      assertEquals(MESSAGE, e.status().description());
      assertTrue(client.getInfo(FlightDescriptor.path("lake", "s", "intact"), bearer).getRecords() > 0, "the intact copy is served");
    }
  }
}
