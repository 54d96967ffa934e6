package io.goldgate.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import io.goldgate.access.BearerAuthenticator;
import io.goldgate.access.Recipient;
import io.goldgate.audit.AuditLog;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * Feast's HTTP feature server API ({@code POST /get-online-features}), plus materialization status
 * and a trigger. Callers authenticate with the same bearer tokens as Delta Sharing.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class FeaturesResource {

  private final OnlineFeatures online;
  private final Materializer materializer;
  private final BearerAuthenticator authenticator;
  private final ObjectMapper json;
  private final AuditLog audit;

  public FeaturesResource(OnlineFeatures online, Materializer materializer, BearerAuthenticator authenticator, ObjectMapper json, AuditLog audit) {
    this.online = online;
    this.materializer = materializer;
    this.authenticator = authenticator;
    this.json = json;
    this.audit = audit;
  }

  @POST
  @Path("get-online-features")
  public OnlineFeatures.Response getOnlineFeatures(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
    Recipient recipient = authenticator.authenticate(authorization);
    JsonNode request;
    try {
      request = body == null || body.isBlank() ? null : json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (request == null || !request.isObject()) {
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body must be a JSON object");
    }
    OnlineFeatures.Response response = online.get(request);
    // Lookups are counted per recipient, not audited one by one: they are too many and too small.
    audit.countFeatureLookup(recipient.name(), response.results().isEmpty() ? 0 : response.results().getFirst().values().size());
    return response;
  }

  /** Materializes one view now (an operator's trigger; runs in the request). */
  @POST
  @Path("features/views/{view}/materialize")
  public Materializer.Progress materialize(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("view") String view) {
    authenticator.authenticate(authorization);
    return materializer.materialize(view);
  }

  @GET
  @Path("features/materialization")
  public Map<String, Materializer.Progress> status(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    authenticator.authenticate(authorization);
    return materializer.progress();
  }
}
