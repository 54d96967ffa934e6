package io.goldgate.flight;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import io.goldgate.access.Signer;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.flight.sql.SqlEngine;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

/**
 * Flight SQL handles, signed so that no replica keeps state: a prepared statement's handle (the
 * query and its bound parameters, bound to one recipient, valid as long as the recipient is) and a
 * query ticket (that plus the versions pinned when it was planned and an id to cancel it by,
 * expiring like any ticket).
 */
@ApplicationScoped
public class StatementHandles {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STATEMENT = "flight-sql-statement";
  private static final String TICKET = "flight-sql-ticket";
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A prepared statement: who prepared it, its text, its bound parameters (Arrow IPC, or null),
   * and, from preparing it, the ids of its tables and its result schema (JSON), so that running it
   * needs no second description; null when not known (after binding parameters, the result's types
   * may depend on them).
   */
  public record Statement(String recipient, String sql, byte[] parameters, List<String> tables, String schema) {

    public Statement(String recipient, String sql, byte[] parameters) {
      this(recipient, sql, parameters, null, null);
    }
  }

  /** A planned query: the statement, its pinned tables, and an id to cancel it by. */
  public record Query(String recipient, String sql, byte[] parameters, List<SqlEngine.Pinned> tables, String id, long expires) {}

  private final Signer signer;
  private final GoldgateConfig config;
  private final Clock clock = Clock.systemUTC();

  public StatementHandles(Signer signer, GoldgateConfig config) {
    this.signer = signer;
    this.config = config;
  }

  public byte[] statement(Statement statement) {
    return sign(STATEMENT, statement);
  }

  public Statement statement(byte[] handle, String recipient) {
    Statement statement = read(STATEMENT, handle, Statement.class, "prepared statement handle");
    requireOwner(statement.recipient(), recipient);
    return statement;
  }

  public byte[] query(String recipient, String sql, byte[] parameters, List<SqlEngine.Pinned> tables) {
    byte[] id = new byte[12];
    RANDOM.nextBytes(id);
    long expires = clock.millis() + config.sharing().queryTokenLifetime().toMillis();
    return sign(TICKET, new Query(recipient, sql, parameters, tables, HexFormat.of().formatHex(id), expires));
  }

  public Query query(byte[] ticket, String recipient) {
    Query query = read(TICKET, ticket, Query.class, "ticket");
    requireOwner(query.recipient(), recipient);
    if (clock.millis() >= query.expires()) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This ticket has expired; call GetFlightInfo again");
    }
    return query;
  }

  private static void requireOwner(String owner, String recipient) {
    if (!owner.equals(recipient)) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This handle was issued to another recipient");
    }
  }

  private byte[] sign(String purpose, Object value) {
    try {
      String body = JSON.writeValueAsString(value);
      return SealedBytes.seal(signer, purpose, body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T read(String purpose, byte[] bytes, Class<T> type, String what) {
    String body = SealedBytes.open(signer, purpose, bytes);
    if (body == null) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This " + what + " was not issued by this server or has been altered");
    }
    try {
      return JSON.readValue(body, type);
    } catch (java.io.IOException e) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This " + what + " cannot be read");
    }
  }
}
