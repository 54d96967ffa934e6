package io.goldgate.sharing;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.catalog.SharedTable;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.LogChange;
import io.goldgate.lake.TableRef;
import io.goldgate.lake.TableSnapshot;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.sharing.model.Actions;
import io.goldgate.sharing.model.QueryRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Version, metadata and query calls on one shared table, in {@code responseformat=parquet}. */
@ApplicationScoped
public class TableQueries {

  /** Reader features a parquet-format client cannot apply itself. */
  private static final Set<String> DELTA_ONLY_FEATURES = Set.of("deletionVectors", "columnMapping");

  private final ShareDirectory directory;
  private final DeltaLake lake;
  private final FileUrls fileUrls;
  private final QueryTokens tokens;

  public TableQueries(ShareDirectory directory, DeltaLake lake, FileUrls fileUrls, QueryTokens tokens) {
    this.directory = directory;
    this.lake = lake;
    this.fileUrls = fileUrls;
    this.tokens = tokens;
  }

  public long version(Recipient recipient, String share, String schema, String table, String startingTimestamp) {
    SharedTable t = directory.table(recipient, share, schema, table);
    if (startingTimestamp == null || startingTimestamp.isEmpty()) {
      return lake.latestVersion(ref(t));
    }
    requireHistory(t, "startingTimestamp");
    return lake.versionAtOrAfter(ref(t), QueryRequest.parseTimestamp("startingTimestamp", startingTimestamp));
  }

  public TableResponse metadata(
      Recipient recipient, String share, String schema, String table, String version, String timestamp, Capabilities capabilities) {
    SharedTable t = directory.table(recipient, share, schema, table);
    if (version != null && timestamp != null) {
      throw GoldgateException.invalid("Only one of version and timestamp may be set");
    }
    TableSnapshot snapshot;
    if (version != null) {
      requireHistory(t, "version");
      snapshot = lake.at(ref(t), parseVersion(version));
    } else if (timestamp != null) {
      requireHistory(t, "timestamp");
      snapshot = lake.asOf(ref(t), QueryRequest.parseTimestamp("timestamp", timestamp));
    } else {
      snapshot = lake.latest(ref(t));
    }
    String format = chooseFormat(t, snapshot, capabilities);
    Long reportedVersion = version != null || timestamp != null ? snapshot.version() : null;
    return new TableResponse(
        snapshot.version(),
        format,
        sink -> {
          sink.line(protocolLine());
          sink.line(new Actions.MetadataLine(metadata(snapshot.metadata(), reportedVersion, null, null)));
        });
  }

  public TableResponse query(
      Recipient recipient,
      String share,
      String schema,
      String table,
      QueryRequest request,
      Capabilities capabilities,
      String fileIdHash,
      URI requestBase) {
    SharedTable t = directory.table(recipient, share, schema, table);
    request.validate();
    if (request.startingVersion() != null) {
      return changesSince(t, request, capabilities, fileIdHash, requestBase);
    }
    TableSnapshot snapshot;
    int offset = 0;
    if (request.pageToken() != null && !request.pageToken().isEmpty()) {
      // A page continues the query its first page answered: same version, even if newer exist.
      QueryTokens.Position position = tokens.readPageToken(t.id(), request, request.pageToken());
      snapshot = lake.at(ref(t), position.version());
      offset = position.offset();
    } else if (request.refreshToken() != null && !request.refreshToken().isEmpty()) {
      snapshot = lake.at(ref(t), tokens.readRefreshToken(t.id(), request, request.refreshToken()).version());
    } else if (request.version() != null) {
      requireHistory(t, "version");
      snapshot = lake.at(ref(t), request.version());
    } else if (request.timestamp() != null) {
      requireHistory(t, "timestamp");
      snapshot = lake.asOf(ref(t), request.parsedTimestamp());
    } else {
      snapshot = lake.latest(ref(t));
    }
    String format = chooseFormat(t, snapshot, capabilities);
    String idScheme = FileUrls.fileIdScheme(fileIdHash, format);
    List<DataFile> matching = snapshot.files(filterOf(request), request.limitHint());
    if (offset > matching.size()) {
      throw GoldgateException.invalid("Invalid pageToken: it points past the last file");
    }
    int end = request.maxFiles() == null ? matching.size() : (int) Math.min(matching.size(), (long) offset + request.maxFiles());
    List<DataFile> page = matching.subList(offset, end);
    String nextPageToken = end < matching.size() ? tokens.pageToken(t.id(), request, snapshot.version(), end) : null;
    String refreshToken = Boolean.TRUE.equals(request.includeRefreshToken()) ? tokens.refreshToken(t.id(), request, snapshot.version()) : null;
    boolean endStream = capabilities.includeEndStreamAction() || request.maxFiles() != null || refreshToken != null;
    boolean timeTravel = request.isTimeTravel();
    Long fileVersion = timeTravel ? snapshot.version() : null;
    Long fileTimestamp = timeTravel ? snapshot.timestamp() : null;
    long expiresAt = fileUrls.expiryFromNow();
    Actions.Metadata metadata =
        metadata(snapshot.metadata(), timeTravel ? snapshot.version() : null, snapshot.sizeInBytes(), (long) snapshot.files().size());
    return new TableResponse(
        snapshot.version(),
        format,
        endStream,
        fileIdHash == null ? null : idScheme,
        sink -> {
          sink.line(protocolLine());
          sink.line(new Actions.MetadataLine(metadata));
          for (DataFile file : page) {
            sink.line(new Actions.FileLine(fileOf(t, file, idScheme, requestBase, expiresAt, fileVersion, fileTimestamp)));
          }
          if (endStream) {
            sink.line(new Actions.EndStreamLine(new Actions.EndStreamAction(refreshToken, nextPageToken, page.isEmpty() ? null : expiresAt, null)));
          }
        });
  }

  /** Streaming-style query: the data changes of each version from {@code startingVersion} on. */
  private TableResponse changesSince(SharedTable t, QueryRequest request, Capabilities capabilities, String fileIdHash, URI requestBase) {
    requireHistory(t, "startingVersion");
    long latest = lake.latestVersion(ref(t));
    long start = request.startingVersion();
    if (start > latest) {
      throw GoldgateException.invalid("startingVersion " + start + " is after the latest version " + latest + " of " + t.qualifiedName());
    }
    long end = request.endingVersion() == null ? latest : Math.min(request.endingVersion(), latest);
    TableSnapshot startSnapshot = lake.at(ref(t), start);
    String format = chooseFormat(t, startSnapshot, capabilities);
    String idScheme = FileUrls.fileIdScheme(fileIdHash, format);
    boolean endStream = capabilities.includeEndStreamAction();
    List<LogChange> changes = lake.changes(ref(t), start, end);
    Filter filter = filterOf(request);
    long expiresAt = fileUrls.expiryFromNow();
    return new TableResponse(
        start,
        format,
        endStream,
        fileIdHash == null ? null : idScheme,
        sink -> {
          sink.line(protocolLine());
          sink.line(new Actions.MetadataLine(metadata(startSnapshot.metadata(), start, null, null)));
          for (LogChange change : changes) {
            switch (change) {
              case LogChange.MetadataChanged m when m.version() > start ->
                  sink.line(new Actions.MetadataLine(metadata(m.metadata(), m.version(), null, null)));
              case LogChange.Added a when a.dataChange() && (filter == null || startSnapshot.mayMatch(a.file(), filter)) ->
                  sink.line(new Actions.AddLine(fileOf(t, a.file(), idScheme, requestBase, expiresAt, a.version(), a.timestamp())));
              case LogChange.Removed r when r.dataChange() ->
                  sink.line(new Actions.RemoveLine(fileOf(t, r.file(), idScheme, requestBase, expiresAt, r.version(), r.timestamp())));
              default -> {}
            }
          }
          if (endStream) {
            sink.line(new Actions.EndStreamLine(new Actions.EndStreamAction(null, null, changes.isEmpty() ? null : expiresAt, null)));
          }
        });
  }

  private Actions.File fileOf(SharedTable t, DataFile file, String idScheme, URI base, long expiresAt, Long version, Long timestamp) {
    return new Actions.File(
        fileUrls.url(base, t, file, expiresAt),
        FileUrls.fileId(file.path(), idScheme),
        file.partitionValues(),
        file.size(),
        file.stats(),
        version,
        timestamp,
        expiresAt);
  }

  static Filter filterOf(QueryRequest request) {
    List<Filter> parts = new ArrayList<>(2);
    JsonPredicates.parse(request.jsonPredicateHints()).ifPresent(parts::add);
    SqlPredicates.parse(request.predicateHints()).ifPresent(parts::add);
    return switch (parts.size()) {
      case 0 -> null;
      case 1 -> parts.get(0);
      default -> new Filter.And(parts);
    };
  }

  /**
   * Picks the response format. Only parquet is served so far; a table whose reader features need
   * the delta format is refused rather than served wrongly.
   */
  private static String chooseFormat(SharedTable t, TableSnapshot snapshot, Capabilities capabilities) {
    List<String> accepted = capabilities.responseFormats();
    if (!accepted.contains("parquet")) {
      throw new GoldgateException(
          GoldgateException.Kind.UNSUPPORTED, "This server answers in responseformat=parquet only; the client accepts " + accepted);
    }
    Optional<String> needsDelta = snapshot.protocol().readerFeatures().stream().filter(DELTA_ONLY_FEATURES::contains).findFirst();
    if (needsDelta.isPresent() || snapshot.protocol().minReaderVersion() == 2) {
      throw new GoldgateException(
          GoldgateException.Kind.UNSUPPORTED,
          "Table " + t.qualifiedName() + " uses " + needsDelta.orElse("columnMapping")
              + ", which clients can only read in responseformat=delta; upgrade the client or ask the provider");
    }
    return "parquet";
  }

  private static Actions.ProtocolLine protocolLine() {
    return new Actions.ProtocolLine(new Actions.Protocol(1));
  }

  private static Actions.Metadata metadata(TableSnapshot.Metadata m, Long version, Long size, Long numFiles) {
    return new Actions.Metadata(
        m.id(), m.name(), m.description(), Actions.Format.PARQUET, m.schemaString(), m.partitionColumns(), m.configuration(), version, size, numFiles);
  }

  private static void requireHistory(SharedTable t, String parameter) {
    if (!t.historyShared()) {
      throw GoldgateException.invalid(
          "Table " + t.qualifiedName() + " is shared without history, so '" + parameter + "' cannot be used: only the latest version can be read");
    }
  }

  private static long parseVersion(String version) {
    try {
      return Long.parseLong(version.strip());
    } catch (NumberFormatException e) {
      throw GoldgateException.invalid("version must be a whole number, got '" + version + "'");
    }
  }

  static TableRef ref(SharedTable t) {
    return new TableRef(t.root(), t.qualifiedName());
  }
}
