package io.goldgate.nativeimage;

import io.goldgate.catalog.CatalogFile;
import io.goldgate.features.FeatureDefsFile;
import io.goldgate.flight.FlightCommand;
import io.goldgate.flight.FlightTickets;
import io.goldgate.sharing.model.Actions;
import io.goldgate.sharing.model.QueryRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Records that Jackson reads or writes outside JAX-RS method signatures, registered for reflection
 * in the native executable (Quarkus registers resource parameter and return types by itself, but
 * not what the code hands to an ObjectMapper directly). Naming the classes here, rather than in a
 * JSON file, lets the compiler catch a rename. Nested records are included. No effect on the JVM.
 */
@RegisterForReflection(
    targets = {
      CatalogFile.class, // shares/*.yaml
      FeatureDefsFile.class, // feature-defs/*.yaml
      QueryRequest.class, // body of /query and of async queries, read from a String
      Actions.class, // NDJSON lines of /query and /changes, written line by line
      FlightCommand.class, // JSON command of GetFlightInfo
      FlightTickets.Grant.class, // payload of signed Flight tickets
    },
    ignoreNested = false,
    registerFullHierarchy = true)
public final class JacksonReflection {

  private JacksonReflection() {}
}
