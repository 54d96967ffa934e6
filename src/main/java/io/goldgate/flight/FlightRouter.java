package io.goldgate.flight;

import io.goldgate.audit.model.AuditEvent;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;

/**
 * One Flight endpoint for two dialects: Flight SQL commands and tickets (protobuf Any) go to
 * {@link GoldgateFlightSql}, everything else (paths, JSON commands, signed read tickets) to
 * {@link GoldgateFlightProducer}.
 */
final class FlightRouter implements FlightProducer {

  private final GoldgateFlightProducer plain;
  private final GoldgateFlightSql sql;

  FlightRouter(GoldgateFlightProducer plain, GoldgateFlightSql sql) {
    this.plain = plain;
    this.sql = sql;
  }

  private static boolean isSql(FlightDescriptor descriptor) {
    boolean sql = descriptor.isCommand() && GoldgateFlightSql.isFlightSql(descriptor.getCommand());
    if (sql) {
      FlightAudit.current().protocol(AuditEvent.FLIGHT_SQL);
    }
    return sql;
  }

  @Override
  public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
    if (GoldgateFlightSql.isFlightSql(ticket.getBytes())) {
      FlightAudit.current().protocol(AuditEvent.FLIGHT_SQL);
      sql.getStream(context, ticket, listener);
    } else {
      plain.getStream(context, ticket, listener);
    }
  }

  @Override
  public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
    plain.listFlights(context, criteria, listener);
  }

  @Override
  public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
    return isSql(descriptor) ? sql.getFlightInfo(context, descriptor) : plain.getFlightInfo(context, descriptor);
  }

  @Override
  public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
    return isSql(descriptor) ? sql.getSchema(context, descriptor) : plain.getSchema(context, descriptor);
  }

  @Override
  public Runnable acceptPut(CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return sql.acceptPut(context, flightStream, ackStream);
  }

  @Override
  public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
    sql.doAction(context, action, listener);
  }

  @Override
  public void listActions(CallContext context, StreamListener<ActionType> listener) {
    sql.listActions(context, listener);
  }
}
