package io.goldgate.admin;

import io.goldgate.http.RoutePaths;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * {@code GET /delta-sharing/activation/{code}}, no credentials: the one-time activation link. The
 * first call answers the recipient's Delta Sharing profile file with a new bearer token; every
 * later call answers 404.
 */
@Path(RoutePaths.ACTIVATION + "{code}")
public class ActivationResource {

  private final RecipientAdmin admin;

  public ActivationResource(RecipientAdmin admin) {
    this.admin = admin;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Response activate(@PathParam("code") String code, @Context UriInfo uri) {
    RecipientAdmin.ActivatedProfile activated = admin.activate(code, uri.getBaseUri());
    return Response.ok(activated.profile())
        // The body holds a credential: no cache may keep it.
        .header("Cache-Control", "no-store")
        .header("Content-Disposition", "attachment; filename=\"" + activated.recipient() + ".share\"")
        .build();
  }
}
