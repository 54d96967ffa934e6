package io.goldgate.flight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goldgate.GoldgateException;
import io.goldgate.access.Signer;
import io.goldgate.config.GoldgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;

/**
 * DoGet tickets: everything a read needs (table, recipient, pinned version, split, columns,
 * predicate, limit), signed and expiring, so any replica can serve them without shared state.
 */
@ApplicationScoped
public class FlightTickets {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PURPOSE = "flight-ticket";

  /**
   * What a ticket grants: one split of a planned read.
   *
   * @param rowScope {@link io.goldgate.access.RowRestriction#fingerprint()} of the restriction the
   *     read was planned under ({@code ""}: none), so a ticket stops working when it changes
   */
  public record Grant(
      String tableId, String recipient, long version, int split, int splits, List<String> columns, String predicate, Long limit, String rowScope) {

    public Grant {
      rowScope = rowScope == null ? "" : rowScope;
    }
  }

  private final Signer signer;
  private final GoldgateConfig config;
  private final Clock clock = Clock.systemUTC();

  public FlightTickets(Signer signer, GoldgateConfig config) {
    this.signer = signer;
    this.config = config;
  }

  public byte[] issue(Grant grant) {
    ObjectNode payload = JSON.valueToTree(grant);
    payload.put("expires", clock.millis() + config.sharing().queryTokenLifetime().toMillis());
    String body = payload.toString();
    return SealedBytes.seal(signer, PURPOSE, body);
  }

  public Grant read(byte[] ticket) {
    String body = SealedBytes.open(signer, PURPOSE, ticket);
    if (body == null) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This ticket was not issued by this server or has been altered");
    }
    try {
      JsonNode payload = JSON.readTree(body);
      if (clock.millis() >= payload.path("expires").asLong()) {
        throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This ticket has expired; call GetFlightInfo again");
      }
      ((ObjectNode) payload).remove("expires");
      return JSON.treeToValue(payload, Grant.class);
    } catch (java.io.IOException e) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This ticket cannot be read");
    }
  }
}
