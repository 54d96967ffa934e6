package io.goldgate.features;

import io.goldgate.http.RoutePaths;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** Operator endpoints of the online store: materialization progress, lag and its history, and a trigger. */
@Path(RoutePaths.ADMIN + "/features")
@Produces(MediaType.APPLICATION_JSON)
public class FeaturesAdminResource {

  private final Materializer materializer;

  public FeaturesAdminResource(Materializer materializer) {
    this.materializer = materializer;
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
