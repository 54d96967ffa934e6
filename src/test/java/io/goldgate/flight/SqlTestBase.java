package io.goldgate.flight;

import jakarta.inject.Inject;
import java.util.List;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh Flight SQL session for each test, on the gateway's Flight port; closing it after the
 * test checks that neither side leaked Arrow memory.
 */
abstract class SqlTestBase {

  @Inject FlightService flight;

  SqlTestClient session;
  BufferAllocator allocator;
  FlightClient client;
  FlightSqlClient sql;

  @BeforeEach
  void connect() {
    session = new SqlTestClient(flight);
    allocator = session.allocator;
    client = session.client;
    sql = session.sql;
  }

  @AfterEach
  void closeAndCheckNothingLeaked() throws Exception {
    session.close();
  }

  List<List<String>> rows(String query, CallOption auth) throws Exception {
    return session.rows(query, auth);
  }
}
