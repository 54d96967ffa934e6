package io.goldgate.flight;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import io.goldgate.lake.predicate.JsonPredicates;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.flight.FlightDescriptor;

/**
 * What a Flight client asks to read: a table by {@code share.schema.table}, optionally some
 * columns, a predicate in the Delta Sharing JSON predicate format, a version or timestamp, a limit.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record FlightCommand(String table, List<String> columns, JsonNode predicate, Long version, String timestamp, Long limit) {

  /** Room for the command object around a predicate at {@link JsonPredicates#MAX_DEPTH}, no more. */
  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2 * JsonPredicates.MAX_DEPTH + 8).build())
              .build());

  /** A path descriptor names the table ({@code [share, schema, table]} or one dotted element). */
  public static FlightCommand of(FlightDescriptor descriptor) {
    if (descriptor.isCommand()) {
      FlightCommand command;
      try {
        command = JSON.readValue(new String(descriptor.getCommand(), StandardCharsets.UTF_8), FlightCommand.class);
      } catch (java.io.IOException e) {
        // Data binding wraps the parser's limits; the nesting one is ours, set for the predicate.
        Throwable limit = e instanceof StreamConstraintsException ? e : e.getCause();
        if (limit instanceof StreamConstraintsException && String.valueOf(limit.getMessage()).contains("nesting depth")) {
          throw GoldgateException.invalid(
              "The command is nested too deeply: the limit for its predicate is " + JsonPredicates.MAX_DEPTH + " levels of and/or/not above a comparison");
        }
        throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The command is not a valid JSON read command: " + firstLine(e.getMessage()));
      }
      return command.validate();
    }
    List<String> path = descriptor.getPath();
    String table = path.size() == 3 ? String.join(".", path) : path.size() == 1 ? path.get(0) : null;
    if (table == null) {
      throw GoldgateException.invalid("A path descriptor is [share, schema, table] or [\"share.schema.table\"], got " + path);
    }
    return new FlightCommand(table, null, null, null, null, null).validate();
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  FlightCommand validate() {
    if (table == null || table.split("\\.").length != 3) {
      throw GoldgateException.invalid("'table' must be share.schema.table, got " + table);
    }
    if (version != null && timestamp != null) {
      throw GoldgateException.invalid("Only one of version and timestamp may be set");
    }
    if (limit != null && limit < 0) {
      throw GoldgateException.invalid("limit must be >= 0, got " + limit);
    }
    return this;
  }

  public String share() {
    return table.split("\\.")[0];
  }

  public String schema() {
    return table.split("\\.")[1];
  }

  public String tableName() {
    return table.split("\\.")[2];
  }
}
