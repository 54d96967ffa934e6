package io.goldgate.admin;

import io.goldgate.admin.model.CreateRecipientRequest;
import io.goldgate.admin.model.FederationPoliciesRequest;
import io.goldgate.admin.model.IssueTokenRequest;
import io.goldgate.admin.model.IssuedLink;
import io.goldgate.admin.model.RecipientFeatureWrites;
import io.goldgate.admin.model.RecipientView;
import io.goldgate.admin.model.UpdateRecipientRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * {@code /admin/recipients}: the recipients lifecycle for operators (guarded by {@link
 * AdminAuthFilter}). Tokens never appear in answers: they reach the recipient only through the
 * one-time activation link.
 */
@Path(AdminAuthFilter.PATH + "/recipients")
@Produces(MediaType.APPLICATION_JSON)
public class RecipientsResource {

  private final RecipientAdmin admin;
  private final AdminJson json;

  public RecipientsResource(RecipientAdmin admin, AdminJson json) {
    this.admin = admin;
    this.json = json;
  }

  @GET
  public List<RecipientView> list() {
    return admin.list();
  }

  @POST
  public Response create(@Context UriInfo uri, String body) {
    IssuedLink created = admin.create(json.read(body, CreateRecipientRequest.class, true), uri.getBaseUri());
    return Response.created(uri.getAbsolutePathBuilder().path(created.recipient().name()).build()).entity(created).build();
  }

  @GET
  @Path("{name}")
  public RecipientView get(@PathParam("name") String name) {
    return admin.get(name);
  }

  @PATCH
  @Path("{name}")
  public RecipientView update(@PathParam("name") String name, String body) {
    return admin.update(name, json.read(body, UpdateRecipientRequest.class, true));
  }

  @DELETE
  @Path("{name}")
  public Response delete(@PathParam("name") String name) {
    admin.delete(name);
    return Response.noContent().build();
  }

  @PUT
  @Path("{name}/shares/{share}")
  public RecipientView grant(@PathParam("name") String name, @PathParam("share") String share) {
    return admin.grant(name, share);
  }

  @DELETE
  @Path("{name}/shares/{share}")
  public RecipientView revokeGrant(@PathParam("name") String name, @PathParam("share") String share) {
    return admin.revokeGrant(name, share);
  }

  @PUT
  @Path("{name}/feature-services/{service}")
  public RecipientView grantFeatureService(@PathParam("name") String name, @PathParam("service") String service) {
    return admin.grantFeatureService(name, service);
  }

  @DELETE
  @Path("{name}/feature-services/{service}")
  public RecipientView revokeFeatureService(@PathParam("name") String name, @PathParam("service") String service) {
    return admin.revokeFeatureService(name, service);
  }

  /** The feature views the recipient may write (push, write, materialize). */
  @GET
  @Path("{name}/feature-writes")
  public RecipientFeatureWrites featureWrites(@PathParam("name") String name) {
    return admin.featureWrites(name);
  }

  @PUT
  @Path("{name}/feature-writes/{view}")
  public RecipientFeatureWrites grantFeatureWrite(@PathParam("name") String name, @PathParam("view") String view) {
    return admin.grantFeatureWrite(name, view);
  }

  @DELETE
  @Path("{name}/feature-writes/{view}")
  public RecipientFeatureWrites revokeFeatureWrite(@PathParam("name") String name, @PathParam("view") String view) {
    return admin.revokeFeatureWrite(name, view);
  }

  /** Issues (or rotates to) a new token: answers a new activation link. */
  @POST
  @Path("{name}/token")
  public IssuedLink issueToken(@PathParam("name") String name, @Context UriInfo uri, String body) {
    return admin.issueToken(name, json.read(body, IssueTokenRequest.class, false), uri.getBaseUri());
  }

  /** Replaces the recipient's OIDC federation policies. */
  @PUT
  @Path("{name}/federation-policies")
  public RecipientView replaceFederationPolicies(@PathParam("name") String name, String body) {
    return admin.replaceFederationPolicies(name, json.read(body, FederationPoliciesRequest.class, true));
  }

  /** Locks the recipient out now: tokens, client secrets and federation policies. */
  @POST
  @Path("{name}/revoke")
  public RecipientView revoke(@PathParam("name") String name) {
    return admin.revoke(name);
  }
}
