package io.goldgate.audit;

import io.goldgate.audit.model.TableEntry;
import io.goldgate.http.RoutePaths;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /admin/tables}: every table the gateway reads, where it is exposed, its version and last access. */
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
}
