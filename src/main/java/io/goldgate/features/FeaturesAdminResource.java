package io.goldgate.features;

import io.goldgate.http.RoutePaths;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Operator endpoints of the online store: materialization progress, lag and its history, and a trigger. */
@Path(RoutePaths.ADMIN + "/features")
@Produces(MediaType.APPLICATION_JSON)
public class FeaturesAdminResource {

  private final Materializer materializer;
  private final Features features;

  public FeaturesAdminResource(Materializer materializer, Features features) {
    this.materializer = materializer;
    this.features = features;
  }

  /**
   * What the online store is made of, by view name: where each view reads, its layout and the
   * feature services that serve it (for the console's feature page and lineage graph).
   *
   * @param table the shared table it reads ({@code share.schema.table}), or its location when it
   *     reads a table no share exposes
   * @param layout {@code feast} or {@code packed}
   * @param services the feature services listing one of its features, sorted
   */
  public record ViewSummary(
      String table, boolean shared, String layout, boolean online, List<String> entities, int features, String ttl, String schedule, List<String> services) {}

  @GET
  @Path("views")
  public Map<String, ViewSummary> views() {
    FeatureRegistry registry = features.registry();
    Map<String, TreeSet<String>> servicesByView = new HashMap<>();
    registry.services().values().forEach(service -> service.features()
        .forEach(ref -> servicesByView.computeIfAbsent(ref.view(), v -> new TreeSet<>()).add(service.name())));
    var out = new TreeMap<String, ViewSummary>();
    for (FeatureRegistry.FeatureView view : registry.views().values()) {
      out.put(view.name(), new ViewSummary(
          view.sharedTable() != null ? view.sharedTable().toString() : view.table().location().toString(),
          view.sharedTable() != null,
          view.layout().name().toLowerCase(Locale.ROOT),
          view.online(),
          view.entities(),
          view.features().size(),
          view.ttl() == null ? null : view.ttl().toString(),
          view.schedule() == null ? null : view.schedule().toString(),
          List.copyOf(servicesByView.getOrDefault(view.name(), new TreeSet<>()))));
    }
    return out;
  }

  /** Materializes one view now and answers when it is done; a run already under way is waited for. */
  @POST
  @Path("views/{view}/materialize")
  public Materializer.Progress materialize(@PathParam("view") String view) {
    return materializer.materialize(view);
  }

  /** Every online view: its last or current run (rows, rows/s, percent) and its lag behind the table. */
  @GET
  @Path("materialization")
  public Map<String, Materializer.Progress> status() {
    return materializer.progress();
  }

  /**
   * Every online view's recent runs and lag checks, oldest first, at most {@link
   * MaterializationHistory#CAPACITY} per view; reading it checks nothing (no sample is added).
   */
  @GET
  @Path("materialization/history")
  public Map<String, List<MaterializationHistory.Sample>> history() {
    return materializer.history();
  }
}
