package io.goldgate.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import io.goldgate.access.Signer;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.sharing.model.QueryRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Page tokens and refresh tokens of table queries. Both pin the table version the first response
 * answered with, and are bound to the table and to the request's predicates and limit: replaying
 * one against another table or another filter is refused, as is any edited or expired token.
 */
@ApplicationScoped
public class QueryTokens {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PAGE = "query-page";
  private static final String REFRESH = "query-refresh";

  /** What a token carries. {@code offset} is the index of the next file (page tokens only). */
  public record Position(long version, int offset) {}

  private final Signer signer;
  private final GoldgateConfig config;
  private final Clock clock = Clock.systemUTC();

  public QueryTokens(Signer signer, GoldgateConfig config) {
    this.signer = signer;
    this.config = config;
  }

  public String pageToken(String tableId, QueryRequest request, long version, int offset) {
    return encode(PAGE, tableId, request, version, offset);
  }

  public String refreshToken(String tableId, QueryRequest request, long version) {
    return encode(REFRESH, tableId, request, version, 0);
  }

  public Position readPageToken(String tableId, QueryRequest request, String token) {
    return decode(PAGE, "pageToken", tableId, request, token);
  }

  public Position readRefreshToken(String tableId, QueryRequest request, String token) {
    return decode(REFRESH, "refreshToken", tableId, request, token);
  }

  private String encode(String purpose, String tableId, QueryRequest request, long version, int offset) {
    long expires = clock.millis() + config.sharing().queryTokenLifetime().toMillis();
    String payload =
        JSON.createObjectNode().put("t", tableId).put("q", queryHash(request)).put("v", version).put("o", offset).put("e", expires).toString();
    String body = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    return body + "." + signer.sign(purpose, body);
  }

  private Position decode(String purpose, String field, String tableId, QueryRequest request, String token) {
    int dot = token.lastIndexOf('.');
    if (dot <= 0 || !signer.verify(purpose, token.substring(0, dot), token.substring(dot + 1))) {
      throw GoldgateException.invalid("Invalid " + field + ": it was not issued by this server for a query, or has been altered");
    }
    JsonNode payload;
    try {
      payload = JSON.readTree(Base64.getUrlDecoder().decode(token.substring(0, dot)));
    } catch (Exception e) {
      throw GoldgateException.invalid("Invalid " + field);
    }
    if (!tableId.equals(payload.path("t").asText())) {
      throw GoldgateException.invalid("Invalid " + field + ": it belongs to a query of another table");
    }
    if (!queryHash(request).equals(payload.path("q").asText())) {
      throw GoldgateException.invalid("Invalid " + field + ": it belongs to a query with other predicates or limit; resend the original request body with it");
    }
    if (clock.millis() >= payload.path("e").asLong()) {
      throw GoldgateException.invalid("The " + field + " has expired; start the query again");
    }
    return new Position(payload.path("v").asLong(), payload.path("o").asInt());
  }

  /** The parts of a request that decide which files it returns, hashed. */
  static String queryHash(QueryRequest request) {
    List<String> hints = request.predicateHints() == null ? List.of() : request.predicateHints();
    String canonical =
        String.join("\u0000", hints) + "\u0001" + Objects.toString(request.jsonPredicateHints(), "") + "\u0001" + Objects.toString(request.limitHint(), "");
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
