package io.goldgate.sharing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.goldgate.GoldgateException;
import io.goldgate.audit.AuditContext;
import io.goldgate.audit.CallAudit;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.http.AcceptEncoding;
import io.goldgate.http.GrowingBuffer;
import io.goldgate.http.GzipCompressors;
import io.goldgate.http.JsonBodies;
import io.goldgate.http.PipelinedGzip;
import io.goldgate.http.RoutePaths;
import io.goldgate.sharing.model.Actions;
import io.goldgate.sharing.model.GetShareResponse;
import io.goldgate.sharing.model.Page;
import io.goldgate.sharing.model.QueryRequest;
import io.goldgate.sharing.model.SchemaItem;
import io.goldgate.sharing.model.ShareItem;
import io.goldgate.sharing.model.TableItem;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.OutputStream;
import org.jboss.logging.Logger;

/** The Delta Sharing REST API: a thin adapter from HTTP to {@link ShareDirectory} and {@link TableQueries}. */
@Path(RoutePaths.SHARING)
@Produces(MediaType.APPLICATION_JSON)
public class SharingResource {

  private static final Logger LOG = Logger.getLogger(SharingResource.class);

  static final String NDJSON = "application/x-ndjson; charset=utf-8";
  static final String TABLE_VERSION = "Delta-Table-Version";
  static final String FILE_ID_HASH = "fileidhash";
  private static final int WRITE_BUFFER = 256 * 1024;

  private final ShareDirectory directory;
  private final TableQueries queries;
  private final ChangeFeedQueries changeFeed;
  private final AsyncQueries async;
  private final CurrentRecipient recipient;
  private final ObjectMapper json;
  private final JsonBodies bodies;
  private final AuditContext audit;
  private final CurrentVertxRequest request;
  private final int gzipLevel;
  private final GzipCompressors compressors;
  /** Lines are buffered into large chunks: flushing per line would send one HTTP chunk per file. */
  private final ObjectWriter lineWriter;

  public SharingResource(
      ShareDirectory directory,
      TableQueries queries,
      ChangeFeedQueries changeFeed,
      AsyncQueries async,
      CurrentRecipient recipient,
      ObjectMapper json,
      JsonBodies bodies,
      AuditContext audit,
      CurrentVertxRequest request,
      GzipCompressors compressors,
      GoldgateConfig config) {
    this.directory = directory;
    this.queries = queries;
    this.changeFeed = changeFeed;
    this.async = async;
    this.recipient = recipient;
    this.json = json;
    this.bodies = bodies;
    this.audit = audit;
    this.request = request;
    this.gzipLevel = config.sharing().gzipLevel();
    this.compressors = compressors;
    this.lineWriter = json.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
  }

  @GET
  @Path("/shares")
  public Page<ShareItem> listShares(@QueryParam("maxResults") String maxResults, @QueryParam("pageToken") String pageToken) {
    return directory.listShares(recipient.get(), maxResults, pageToken);
  }

  @GET
  @Path("/shares/{share}")
  public GetShareResponse getShare(@PathParam("share") String share) {
    return new GetShareResponse(directory.getShare(recipient.get(), share));
  }

  @GET
  @Path("/shares/{share}/schemas")
  public Page<SchemaItem> listSchemas(
      @PathParam("share") String share, @QueryParam("maxResults") String maxResults, @QueryParam("pageToken") String pageToken) {
    return directory.listSchemas(recipient.get(), share, maxResults, pageToken);
  }

  @GET
  @Path("/shares/{share}/schemas/{schema}/tables")
  public Page<TableItem> listTables(
      @PathParam("share") String share,
      @PathParam("schema") String schema,
      @QueryParam("maxResults") String maxResults,
      @QueryParam("pageToken") String pageToken) {
    return directory.listTables(recipient.get(), share, schema, maxResults, pageToken);
  }

  @GET
  @Path("/shares/{share}/all-tables")
  public Page<TableItem> listAllTables(
      @PathParam("share") String share, @QueryParam("maxResults") String maxResults, @QueryParam("pageToken") String pageToken) {
    return directory.listAllTables(recipient.get(), share, maxResults, pageToken);
  }

  @GET
  @Path("/shares/{share}/schemas/{schema}/tables/{table}/version")
  public Response version(
      @PathParam("share") String share,
      @PathParam("schema") String schema,
      @PathParam("table") String table,
      @QueryParam("startingTimestamp") String startingTimestamp) {
    long version = queries.version(recipient.get(), share, schema, table, startingTimestamp);
    return Response.ok().header(TABLE_VERSION, version).build();
  }

  /** The protocol's deprecated form of {@code /version}, still sent by older clients. */
  @HEAD
  @Path("/shares/{share}/schemas/{schema}/tables/{table}")
  public Response legacyVersion(
      @PathParam("share") String share,
      @PathParam("schema") String schema,
      @PathParam("table") String table,
      @QueryParam("startingTimestamp") String startingTimestamp) {
    return version(share, schema, table, startingTimestamp);
  }

  @GET
  @Path("/shares/{share}/schemas/{schema}/tables/{table}/metadata")
  @Produces(NDJSON)
  public Response metadata(
      @PathParam("share") String share,
      @PathParam("schema") String schema,
      @PathParam("table") String table,
      @QueryParam("version") String version,
      @QueryParam("timestamp") String timestamp,
      @HeaderParam(Capabilities.HEADER) String capabilities) {
    // Two lines: compressing them costs more than it saves.
    return ndjson(queries.metadata(recipient.get(), share, schema, table, version, timestamp, Capabilities.parse(capabilities)), false);
  }

  @POST
  @Path("/shares/{share}/schemas/{schema}/tables/{table}/query")
  @Produces(NDJSON)
  public Response query(
      @PathParam("share") String share,
      @PathParam("schema") String schema,
      @PathParam("table") String table,
      @HeaderParam(Capabilities.HEADER) String capabilities,
      @HeaderParam(FILE_ID_HASH) String fileIdHash,
      @Context UriInfo uri,
      String body) {
    QueryRequest request = parseQuery(body);
    Capabilities caps = Capabilities.parse(capabilities);
    if (caps.asyncQuery() && request.startingVersion() == null) {
      return ndjson(async.submit(recipient.get(), share, schema, table, request, caps), true);
    }
    return ndjson(queries.query(recipient.get(), share, schema, table, request, caps, fileIdHash, uri.getBaseUri()), true);
  }

  /** Polls an asynchronous query (Get Query Info). */
  @POST
  @Path("/shares/{share}/schemas/{schema}/tables/{table}/queries/{queryId}")
  @Produces(NDJSON)
  public Response queryInfo(
      @PathParam("share") String share,
      @PathParam("schema") String schema,
      @PathParam("table") String table,
      @PathParam("queryId") String queryId,
      @HeaderParam(Capabilities.HEADER) String capabilities,
      @HeaderParam(FILE_ID_HASH) String fileIdHash,
      @Context UriInfo uri,
      String body) {
    QueryRequest page = parseQuery(body);
    return ndjson(
        async.poll(
            recipient.get(), share, schema, table, queryId, page.maxFiles(), page.pageToken(), Capabilities.parse(capabilities), fileIdHash, uri.getBaseUri()),
        true);
  }

  @GET
  @Path("/shares/{share}/schemas/{schema}/tables/{table}/changes")
  @Produces(NDJSON)
  public Response changes(
      @PathParam("share") String share,
      @PathParam("schema") String schema,
      @PathParam("table") String table,
      @QueryParam("startingVersion") String startingVersion,
      @QueryParam("startingTimestamp") String startingTimestamp,
      @QueryParam("endingVersion") String endingVersion,
      @QueryParam("endingTimestamp") String endingTimestamp,
      @QueryParam("includeHistoricalMetadata") boolean includeHistoricalMetadata,
      @HeaderParam(Capabilities.HEADER) String capabilities,
      @HeaderParam(FILE_ID_HASH) String fileIdHash,
      @Context UriInfo uri) {
    var range = new ChangeFeedQueries.Range(startingVersion, startingTimestamp, endingVersion, endingTimestamp, includeHistoricalMetadata);
    return ndjson(changeFeed.changes(recipient.get(), share, schema, table, range, Capabilities.parse(capabilities), fileIdHash, uri.getBaseUri()), true);
  }

  /** A line that hands the client a data file (the audit counts them). */
  private static boolean isFileAction(Object line) {
    return line instanceof Actions.FileLine
        || line instanceof Actions.AddLine
        || line instanceof Actions.RemoveLine
        || line instanceof Actions.CdfLine
        || line instanceof Actions.DeltaFileLine;
  }

  /** A query body: absent, or one JSON object whose known fields have their protocol types. */
  private QueryRequest parseQuery(String body) {
    return bodies.read(body, QueryRequest.class, QueryRequest.EMPTY, false);
  }

  /** @param compressible whether the answer may be long enough to gzip for a client that accepts it */
  private Response ndjson(TableResponse response, boolean compressible) {
    CallAudit call = audit.current();
    call.files(0);
    boolean gzip = compressible && gzipLevel > 0 && AcceptEncoding.acceptsGzip(request.getCurrent().request().getHeader(HttpHeaders.ACCEPT_ENCODING));
    StreamingOutput out =
        wire -> {
          // Large writes for large answers: each one the REST layer hands the I/O thread costs a
          // wake-up, and a query of 100,000 files is tens of megabytes. Metadata answers stay small.
          OutputStream buffered = new GrowingBuffer(wire, WRITE_BUFFER);
          PipelinedGzip compressed = gzip ? new PipelinedGzip(buffered, gzipLevel, compressors) : null;
          OutputStream stream = compressed != null ? compressed : buffered;
          try {
            write(stream, response, call);
            if (compressed != null) {
              compressed.finish();
            }
            buffered.flush();
          } finally {
            if (compressed != null) {
              // zlib's state lives off the heap until released; finish() alone keeps it.
              compressed.release();
            }
          }
        };
    Response.ResponseBuilder builder = Response.ok(out, NDJSON).header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    if (gzip) {
      builder.header(HttpHeaders.CONTENT_ENCODING, "gzip");
    }
    if (response.responseFormat() == null) {
      // An async query's status line: no version or format is known yet.
      return builder.header(Capabilities.HEADER, "asyncquery=true").build();
    }
    String capabilities = "responseformat=" + response.responseFormat() + (response.endStreamAction() ? ";includeendstreamaction=true" : "");
    builder.header(TABLE_VERSION, response.tableVersion()).header(Capabilities.HEADER, capabilities);
    if (response.fileIdHash() != null) {
      builder.header(FILE_ID_HASH, response.fileIdHash());
    }
    return builder.build();
  }

  /** Writes the lines of a table response to {@code stream} as NDJSON. */
  private void write(OutputStream stream, TableResponse response, CallAudit call) throws IOException {
    JsonGenerator generator = json.getFactory().createGenerator(stream);
    generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    generator.setRootValueSeparator(null);
    generator.setCharacterEscapes(LineSafeEscapes.INSTANCE);
    NdjsonBody.Sink sink = action -> {
      lineWriter.writeValue(generator, action);
      generator.writeRaw('\n');
      if (isFileAction(action)) {
        call.addFiles(1);
      }
    };
    try {
      response.body().writeTo(sink);
    } catch (RuntimeException e) {
      // The 200 is already on the wire: a client that reads EndStreamAction learns of the
      // failure from it; any other client sees a response cut short.
      LOG.warnf(e, "Response stream failed after it started");
      if (response.endStreamAction()) {
        String message = e instanceof GoldgateException g ? g.getMessage() : "The server failed while streaming this response";
        sink.line(new Actions.EndStreamLine(new Actions.EndStreamAction(null, null, null, message)));
      }
    }
    generator.flush();
  }
}
