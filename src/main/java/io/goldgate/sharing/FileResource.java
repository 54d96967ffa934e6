package io.goldgate.sharing;

import io.goldgate.GoldgateException;
import io.goldgate.audit.AuditContext;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.SharedTable;
import io.goldgate.http.RoutePaths;
import io.goldgate.observability.GatewayMetrics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import org.jboss.resteasy.reactive.PathPart;

/**
 * Serves data files of local tables behind pre-signed URLs, with single-range HTTP Range support
 * (Parquet readers fetch the footer first, then column chunks; see {@link ByteRange}).
 */
@Path(RoutePaths.FILES + "{tableId}/{file}")
public class FileResource {

  private final FileUrls fileUrls;
  private final CatalogHolder catalog;
  private final GatewayMetrics metrics;
  private final AuditContext audit;

  public FileResource(FileUrls fileUrls, CatalogHolder catalog, GatewayMetrics metrics, AuditContext audit) {
    this.fileUrls = fileUrls;
    this.catalog = catalog;
    this.metrics = metrics;
    this.audit = audit;
  }

  @GET
  public Response get(
      @PathParam("tableId") String tableId,
      @PathParam("file") String file,
      @QueryParam("expires") String expires,
      @QueryParam("sig") String sig,
      @QueryParam("r") String recipient,
      @QueryParam("rs") String recipientSig,
      @HeaderParam("Range") String range) {
    return serve(tableId, file, expires, sig, recipient, recipientSig, range, true);
  }

  @HEAD
  public Response head(
      @PathParam("tableId") String tableId,
      @PathParam("file") String file,
      @QueryParam("expires") String expires,
      @QueryParam("sig") String sig,
      @QueryParam("r") String recipient,
      @QueryParam("rs") String recipientSig,
      @HeaderParam("Range") String range) {
    return serve(tableId, file, expires, sig, recipient, recipientSig, range, false);
  }

  private Response serve(
      String tableId, String file, String expires, String sig, String recipient, String recipientSig, String range, boolean withBody) {
    String relative = fileUrls.verify(tableId, file, expires, sig);
    audit.current().recipient(fileUrls.verifyRecipient(sig, recipient, recipientSig));
    SharedTable table =
        catalog.catalog().tableById(tableId).orElseThrow(() -> GoldgateException.notFound("The table of this file URL is no longer shared"));
    if (!table.location().isLocal()) {
      throw GoldgateException.notFound("Files of table " + table.qualifiedName() + " are served by its object store, not by this gateway");
    }
    java.nio.file.Path root = table.location().localRoot();
    java.nio.file.Path target = root.resolve(relative).normalize();
    // The signature already pins the path; this second check keeps a leaked signing key or a
    // symlink inside the table from exposing anything outside the table's directory.
    if (!target.startsWith(root) || target.equals(root)) {
      throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL points outside its table");
    }
    long size;
    try {
      java.nio.file.Path real = target.toRealPath();
      if (!real.startsWith(root.toRealPath()) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        throw new GoldgateException(GoldgateException.Kind.PERMISSION_DENIED, "This file URL points outside its table");
      }
      target = real;
      size = Files.size(real);
    } catch (IOException e) {
      throw GoldgateException.notFound("The file of this URL no longer exists in table " + table.qualifiedName());
    }
    ByteRange requested = ByteRange.parse(range, size);
    if (requested instanceof ByteRange.Unsatisfiable) {
      return Response.status(416).header("Content-Range", "bytes */" + size).header("Accept-Ranges", "bytes").build();
    }
    boolean partial = requested instanceof ByteRange.Part;
    long start = requested instanceof ByteRange.Part p ? p.first() : 0;
    long end = requested instanceof ByteRange.Part p ? p.last() : size - 1;
    long length = end - start + 1;
    Response.ResponseBuilder builder =
        Response.status(partial ? 206 : 200)
            .type("application/octet-stream")
            .header("Accept-Ranges", "bytes")
            .header("Content-Length", length);
    if (partial) {
      builder.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
    }
    if (withBody) {
      builder.entity(new PathPart(target, start, length));
      metrics.fileBytesServed(length);
    }
    return builder.build();
  }
}
