package io.goldgate.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import io.goldgate.access.BearerAuthenticator;
import io.goldgate.audit.AuditLog;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.context.ManagedExecutor;

/**
 * Feast's HTTP feature server API ({@code POST /get-online-features}). Callers authenticate with
 * the same bearer tokens as Delta Sharing.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class FeaturesResource {

  private final OnlineFeatures online;
  private final BearerAuthenticator authenticator;
  private final ObjectMapper json;
  private final ManagedExecutor lookups;
  private final AuditLog audit;

  public FeaturesResource(OnlineFeatures online, BearerAuthenticator authenticator, ObjectMapper json, ManagedExecutor lookups, AuditLog audit) {
    this.online = online;
    this.authenticator = authenticator;
    this.json = json;
    this.lookups = lookups;
    this.audit = audit;
  }

  @POST
  @Path("get-online-features")
  public CompletionStage<Response> getOnlineFeatures(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
    // Runs on the I/O thread: nothing here waits, and runtime tokens are looked up elsewhere.
    return authenticator.authenticateWithoutBlocking(authorization, lookups).thenCompose(recipient -> {
      JsonNode request = parse(body);
      return online.get(request).thenApply(answer -> {
        // Lookups are counted per recipient, not audited one by one: they are too many and too small.
        audit.countFeatureLookup(recipient.name(), entityRows(request));
        return Response.ok(answer, MediaType.APPLICATION_JSON_TYPE).build();
      });
    });
  }

  private static int entityRows(JsonNode request) {
    var columns = request.path("entities").elements();
    return columns.hasNext() ? columns.next().size() : 0;
  }

  private JsonNode parse(String body) {
    JsonNode request;
    try {
      request = body == null || body.isBlank() ? null : json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (request == null || !request.isObject()) {
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body must be a JSON object");
    }
    return request;
  }
}
