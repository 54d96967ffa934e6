package io.goldgate.audit;

import io.goldgate.audit.model.TableDetail;
import io.goldgate.audit.model.TableEntry;
import io.goldgate.http.RoutePaths;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /admin/tables}: every table the gateway reads, where it is exposed, who it reaches,
 * its version, size and last access; {@code GET /admin/tables/{share}/{schema}/{table}}: one
 * shared table with its schema and recent history (404 when no share publishes that name).
 */
@Path(RoutePaths.ADMIN + "/tables")
@Produces(MediaType.APPLICATION_JSON)
public class TablesResource {

  private final TableInventory inventory;

  public TablesResource(TableInventory inventory) {
    this.inventory = inventory;
  }

  @GET
  public List<TableEntry> tables() {
    return inventory.tables();
  }

  @GET
  @Path("{share}/{schema}/{table}")
  public TableDetail table(@PathParam("share") String share, @PathParam("schema") String schema, @PathParam("table") String table) {
    return inventory.table(share, schema, table);
  }
}
