package io.goldgate.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goldgate.GoldgateException;
import io.goldgate.access.BearerAuthenticator;
import io.goldgate.access.Recipient;
import io.goldgate.audit.AuditContext;
import io.goldgate.audit.CallAudit;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.features.FeatureRegistry.FeatureView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rest of Feast's feature server API ({@code feast serve}) beside {@code /get-online-features}:
 * pushes and writes into the online store, materialization, and a health check, with the paths and
 * bodies of Feast 0.67, so Feast's {@code remote} online store and push clients work unchanged.
 *
 * <p>Callers authenticate with their recipient token; every write and materialization needs the
 * write grant of each view it touches ({@link FeatureWrites}). Writes keep Feast's newer-wins rule
 * through the online store's write path.
 *
 * <p>Each call is one audit event (protocol {@code features}, see {@link
 * io.goldgate.audit.HttpAudit}): the code here adds the recipient, the feature views named and the
 * rows written, refusals included.
 */
@Path("/")
public class FeastServeResource {

  private final Features features;
  private final OnlineStores stores;
  private final Materializer materializer;
  private final BearerAuthenticator authenticator;
  private final GoldgateConfig config;
  private final ObjectMapper json;
  private final AuditContext audit;

  public FeastServeResource(
      Features features, OnlineStores stores, Materializer materializer, BearerAuthenticator authenticator, GoldgateConfig config, ObjectMapper json,
      AuditContext audit) {
    this.features = features;
    this.stores = stores;
    this.materializer = materializer;
    this.authenticator = authenticator;
    this.config = config;
    this.json = json;
    this.audit = audit;
  }

  /** Feast's push: {@code push_source_name} is a feature view's name, {@code df} its table's columns. */
  @POST
  @Path("push")
  public Response push(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
    Recipient recipient = authenticate(authorization);
    JsonNode request = parse(body);
    audited(request, "push_source_name");
    booleans(request, "allow_registry_cache", "transform_on_write");
    String to = optionalText(request, "to", "online");
    if (!to.equals("online")) {
      throw invalid("Only pushes to the online store are taken (\"to\": \"online\"), not '" + shorten(to) + "'");
    }
    FeatureView view = view(requiredText(request, "push_source_name"), "push source");
    write(recipient, view, request.get("df"), false);
    return Response.ok().build();
  }

  /** Feast's write_to_online_store, which its remote online store calls: {@code df} by feature names. */
  @POST
  @Path("write-to-online-store")
  public Response writeToOnlineStore(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
    Recipient recipient = authenticate(authorization);
    JsonNode request = parse(body);
    audited(request, "feature_view_name");
    booleans(request, "allow_registry_cache", "transform_on_write");
    FeatureView view = view(requiredText(request, "feature_view_name"), "feature view");
    write(recipient, view, request.get("df"), true);
    return Response.ok().build();
  }

  /**
   * Materializes the named views (all online views when none are named) up to their tables' latest
   * versions. Goldgate materializes whole table versions: {@code start_ts} and {@code end_ts} are
   * taken and not used.
   */
  @POST
  @Path("materialize")
  public Response materialize(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
    Recipient recipient = authenticate(authorization);
    JsonNode request = parse(body);
    optionalText(request, "start_ts", null);
    optionalText(request, "end_ts", null);
    booleans(request, "disable_event_timestamp", "full_feature_names");
    return materialize(recipient, request);
  }

  /** As {@link #materialize}; Feast requires {@code end_ts}, which is checked and not used. */
  @POST
  @Path("materialize-incremental")
  public Response materializeIncremental(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
    Recipient recipient = authenticate(authorization);
    JsonNode request = parse(body);
    requiredText(request, "end_ts");
    booleans(request, "full_feature_names");
    return materialize(recipient, request);
  }

  /** 200 while the online store answers, 503 when it does not; no token needed, as in Feast. */
  @GET
  @Path("health")
  public Response health() {
    stores.store().get(Materializer.watermarkKey(config.features().project(), "_health"));
    return Response.ok().build();
  }

  private Response materialize(Recipient recipient, JsonNode request) {
    CallAudit call = audit.current();
    JsonNode names = request.get("feature_views");
    List<FeatureView> views = new ArrayList<>();
    if (names == null || names.isNull()) {
      features.registry().views().values().stream().filter(FeatureView::online).forEach(views::add);
      views.forEach(v -> call.featureView(v.name()));
    } else if (!names.isArray()) {
      throw invalid("feature_views must be a list of feature view names");
    } else {
      for (JsonNode name : names) {
        if (!name.isTextual()) {
          throw invalid("feature_views must be a list of feature view names");
        }
        call.featureView(name.textValue());
        views.add(view(name.textValue(), "feature view"));
      }
    }
    // Every view is checked before any runs: a refusal leaves nothing half-done.
    for (FeatureView view : views) {
      FeatureWrites.requireGrant(recipient, view);
      if (!view.online()) {
        throw invalid("Feature view '" + view.name() + "' is not online");
      }
    }
    call.addRows(0);
    for (FeatureView view : views) {
      call.addRows(materializer.materialize(view.name()).written());
    }
    return Response.ok().build();
  }

  private void write(Recipient recipient, FeatureView view, JsonNode df, boolean byFeatureName) {
    FeatureWrites.requirePushable(recipient, view);
    List<OnlineStore.Row> rows = FeatureWrites.rows(view, df, byFeatureName, config.features().project(), config.features().pushMaxRows());
    int batch = config.features().writeBatch();
    CallAudit call = audit.current().addRows(0);
    for (int i = 0; i < rows.size(); i += batch) {
      // Counted batch by batch: should a later one fail, the event still says what was written.
      call.addRows(Materializer.write(stores.store(), view, rows.subList(i, Math.min(rows.size(), i + batch))));
    }
  }

  /** Authenticates and names the recipient in the call's audit event. */
  private Recipient authenticate(String authorization) {
    Recipient recipient = authenticator.authenticate(authorization);
    audit.current().recipient(recipient.name());
    return recipient;
  }

  /**
   * Names the view in the call's audit event as soon as the body is read, so that a write refused
   * for any reason (no grant, a bad frame, an unknown view) still says what it was aimed at.
   */
  private void audited(JsonNode request, String field) {
    JsonNode name = request.get(field);
    if (name != null && name.isTextual()) {
      audit.current().featureView(name.textValue());
    }
  }

  private FeatureView view(String name, String what) {
    FeatureView view = features.registry().views().get(name);
    if (view == null) {
      throw invalid("No " + what + " '" + shorten(name) + "'" + (what.equals("push source") ? ": every feature view is a push source under its own name" : ""));
    }
    return view;
  }

  private JsonNode parse(byte[] body) {
    JsonNode request;
    try {
      request = body == null || body.length == 0 ? null : json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (request == null || !request.isObject()) {
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body must be a JSON object");
    }
    return request;
  }

  private static String requiredText(JsonNode request, String field) {
    String value = optionalText(request, field, null);
    if (value == null) {
      throw invalid(field + " is required");
    }
    return value;
  }

  private static String optionalText(JsonNode request, String field, String otherwise) {
    JsonNode node = request.get(field);
    if (node == null || node.isNull()) {
      return otherwise;
    }
    if (!node.isTextual()) {
      throw invalid(field + " must be a string");
    }
    return node.textValue();
  }

  /** Feast's flags, which Goldgate takes and does not use, must still be booleans when present. */
  private static void booleans(JsonNode request, String... fields) {
    for (String field : fields) {
      JsonNode node = request.get(field);
      if (node != null && !node.isBoolean()) {
        throw invalid(field + " must be a boolean");
      }
    }
  }

  private static String shorten(String text) {
    return text.length() > 100 ? text.substring(0, 100) + "..." : text;
  }

  private static GoldgateException invalid(String message) {
    return new GoldgateException(GoldgateException.Kind.INVALID_ARGUMENT, message);
  }
}
