package io.goldgate.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.access.Signer;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Arrow Flight and Flight SQL on share {@code regional} (SampleLake#regionalYaml). Rows per region
 * of sales_daily at v4, computed independently with delta-rs (deltalake 1.6.6: {@code SELECT
 * region, count(*) FROM sales_daily GROUP BY region} through QueryBuilder on
 * shares/sample-lake/sales_daily): EMEA 31, APAC 32, AMER 28.
 */
@QuarkusTest
@WithTestResource(SampleLake.class)
class RestrictedFlightTest {

  static final CallOption EMEA = FlightTest.bearer(SampleLake.EMEA_TOKEN);
  static final CallOption APAC = FlightTest.bearer(SampleLake.APAC_TOKEN);
  static final CallOption UNASSIGNED = FlightTest.bearer(SampleLake.NO_REGION_TOKEN);
  static final FlightDescriptor SALES = FlightDescriptor.path("regional", "gold", "sales_daily");

  @Inject FlightService flight;

  private BufferAllocator allocator;
  private FlightClient client;

  @BeforeEach
  void connect() {
    allocator = new RootAllocator();
    client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build();
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    allocator.close();
  }

  /** Rows read from every endpoint, counted per value of the region column. */
  Map<String, Long> rowsPerRegion(FlightInfo info, CallOption auth) throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    for (FlightEndpoint endpoint : info.getEndpoints()) {
      try (FlightStream stream = client.getStream(endpoint.getTicket(), auth)) {
        count(stream, counts);
      }
    }
    return counts;
  }

  private static void count(FlightStream stream, Map<String, Long> counts) {
    while (stream.next()) {
      VectorSchemaRoot root = stream.getRoot();
      VarCharVector region = (VarCharVector) root.getVector("region");
      for (int i = 0; i < root.getRowCount(); i++) {
        counts.merge(new String(region.get(i), StandardCharsets.UTF_8), 1L, Long::sum);
      }
    }
  }

  @Test
  void givenRegionalRecipients_whenReadingThroughDoGet_thenEachReadsExactlyItsRegionsRows() throws Exception {
    FlightInfo emea = client.getInfo(SALES, EMEA);
    assertEquals(31, emea.getRecords(), "FlightInfo counts only visible rows");
    assertEquals(Map.of("EMEA", 31L), rowsPerRegion(emea, EMEA));
    FlightInfo apac = client.getInfo(SALES, APAC);
    assertEquals(32, apac.getRecords());
    assertEquals(Map.of("APAC", 32L), rowsPerRegion(apac, APAC));
  }

  @Test
  void givenAPredicateOnAnotherRegion_whenReading_thenNoRowIsReturned() throws Exception {
    String predicate = "{\"op\":\"equal\",\"children\":[{\"op\":\"column\",\"name\":\"region\",\"valueType\":\"string\"},{\"op\":\"literal\",\"value\":\"APAC\",\"valueType\":\"string\"}]}";
    FlightInfo info = client.getInfo(FlightTest.command("{\"table\":\"regional.gold.sales_daily\",\"predicate\":" + predicate + "}"), EMEA);
    assertEquals(Map.of(), rowsPerRegion(info, EMEA));
  }

  @Test
  void givenFlightSql_whenSelectingTheTable_thenOnlyTheRecipientsRegionIsReturned() throws Exception {
    FlightSqlClient sql = new FlightSqlClient(client);
    FlightInfo all = sql.execute("SELECT region, units FROM regional.gold.sales_daily", EMEA);
    assertEquals(Map.of("EMEA", 31L), rowsPerRegion(all, EMEA));
    FlightInfo other = sql.execute("SELECT region FROM regional.gold.sales_daily WHERE region = 'APAC'", EMEA);
    assertEquals(Map.of(), rowsPerRegion(other, EMEA));
    FlightInfo limited = sql.execute("SELECT region FROM regional.gold.sales_daily LIMIT 40", APAC);
    assertEquals(Map.of("APAC", 32L), rowsPerRegion(limited, APAC), "a limit above the visible rows returns only visible ones");
  }

  @Test
  void givenARecipientWithoutTheProperty_whenPlanningOrReading_thenItIsRefused() {
    FlightRuntimeException info = assertThrows(FlightRuntimeException.class, () -> client.getInfo(SALES, UNASSIGNED));
    assertEquals(FlightStatusCode.UNAUTHORIZED, info.status().code());
    assertTrue(info.getMessage().contains("'region'"), info.getMessage());
    assertEquals(FlightStatusCode.UNAUTHORIZED,
        assertThrows(FlightRuntimeException.class, () -> new FlightSqlClient(client).execute("SELECT * FROM regional.gold.sales_daily", UNASSIGNED))
            .status().code());
    assertEquals(FlightStatusCode.UNAUTHORIZED, assertThrows(FlightRuntimeException.class, () -> client.getSchema(SALES, UNASSIGNED)).status().code());
  }

  @Test
  void givenAnotherRecipientsTicket_whenRedeemed_thenItIsRefused() throws Exception {
    Ticket emeaTicket = client.getInfo(SALES, EMEA).getEndpoints().get(0).getTicket();
    assertEquals(FlightStatusCode.UNAUTHORIZED, statusOf(emeaTicket, APAC));
    assertEquals(FlightStatusCode.UNAUTHORIZED, statusOf(emeaTicket, UNASSIGNED));
  }

  @Test
  void givenATicketAlteredToEscapeTheRestriction_whenRedeemed_thenItIsRefused() throws Exception {
    String ticket = new String(client.getInfo(SALES, EMEA).getEndpoints().get(0).getTicket().getBytes(), StandardCharsets.UTF_8);
    String body = ticket.substring(ticket.indexOf('.') + 1);
    assertTrue(body.matches(".*\"rowScope\":\"[^\"]+\".*"), "the ticket is bound to the restriction: " + body);
    String unscoped = body.replaceFirst("\"rowScope\":\"[^\"]+\"", "\"rowScope\":\"\"");
    // Altered without the key: the signature no longer matches.
    String altered = ticket.substring(0, ticket.indexOf('.')) + "." + unscoped;
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> drain(new Ticket(altered.getBytes(StandardCharsets.UTF_8)), EMEA));
    assertEquals(FlightStatusCode.UNAUTHORIZED, e.status().code());
    assertTrue(e.getMessage().contains("altered"), e.getMessage());
    // Even signed with the server's key, a ticket claiming another restriction is refused: the
    // restriction is always resolved from the caller, and the ticket must agree with it.
    String resigned = new Signer(SampleLake.SIGNING_KEY).sign("flight-ticket", unscoped) + "." + unscoped;
    FlightRuntimeException mismatch = assertThrows(FlightRuntimeException.class, () -> drain(new Ticket(resigned.getBytes(StandardCharsets.UTF_8)), EMEA));
    assertEquals(FlightStatusCode.UNAUTHORIZED, mismatch.status().code());
    assertTrue(mismatch.getMessage().contains("changed since this ticket was issued"), mismatch.getMessage());
  }

  private FlightStatusCode statusOf(Ticket ticket, CallOption auth) {
    return assertThrows(FlightRuntimeException.class, () -> drain(ticket, auth)).status().code();
  }

  private void drain(Ticket ticket, CallOption auth) throws Exception {
    try (FlightStream stream = client.getStream(ticket, auth)) {
      while (stream.next()) {}
    }
  }
}
