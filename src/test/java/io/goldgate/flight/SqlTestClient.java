package io.goldgate.flight;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Arrow's FlightSqlClient on the test gateway, for one test: a query's rows as strings, and on
 * close the check that the server let go of every buffer.
 */
final class SqlTestClient implements AutoCloseable {

  final BufferAllocator allocator = new RootAllocator();
  final FlightClient client;
  final FlightSqlClient sql;
  private final FlightService flight;

  SqlTestClient(FlightService flight) {
    this.flight = flight;
    this.client = FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", flight.port())).build();
    this.sql = new FlightSqlClient(client);
  }

  /** Every row of every endpoint of {@code query}, each value as its string form. */
  List<List<String>> rows(String query, CallOption auth) throws Exception {
    FlightInfo info = sql.execute(query, auth);
    List<List<String>> rows = new ArrayList<>();
    for (FlightEndpoint endpoint : info.getEndpoints()) {
      try (FlightStream stream = sql.getStream(endpoint.getTicket(), auth)) {
        while (stream.next()) {
          VectorSchemaRoot root = stream.getRoot();
          for (int r = 0; r < root.getRowCount(); r++) {
            List<String> row = new ArrayList<>();
            for (FieldVector vector : root.getFieldVectors()) {
              Object value = vector.getObject(r);
              row.add(value == null ? null : value.toString());
            }
            rows.add(row);
          }
        }
      }
    }
    return rows;
  }

  @Override
  public void close() throws Exception {
    client.close();
    allocator.close();
    FlightTest.assertServerAllocatorEmpty(flight);
  }
}
