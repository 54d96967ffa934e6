package io.goldgate.sharing;

import io.goldgate.GoldgateException;
import io.goldgate.access.Recipient;
import io.goldgate.access.RowRestriction;
import io.goldgate.catalog.SharedTable;
import io.goldgate.catalog.SharedTables;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.LogChange;
import io.goldgate.lake.TableRef;
import io.goldgate.lake.TableSnapshot;
import io.goldgate.lake.VersionSpec;
import io.goldgate.lake.predicate.Filter;
import io.goldgate.lake.predicate.JsonPredicates;
import io.goldgate.sharing.model.Actions;
import io.goldgate.sharing.model.QueryRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** Version, metadata and query calls on one shared table, in {@code responseformat=parquet}. */
@ApplicationScoped
public class TableQueries {

  /**
   * Reader features that change how data files are read: a parquet-format client cannot apply them
   * itself, and a delta-format client must declare them. Log-level features (v2 checkpoints, ...)
   * are the server's business and force nothing on the client.
   */
  private static final Set<String> DATA_READER_FEATURES =
      Set.of("deletionVectors", "columnMapping", "timestampNtz", "typeWidening", "typeWidening-preview", "variantType", "variantType-preview");

  private final ShareDirectory directory;
  private final SharedTables tables;
  private final DeltaLake lake;
  private final FileUrls fileUrls;
  private final QueryTokens tokens;

  public TableQueries(ShareDirectory directory, SharedTables tables, DeltaLake lake, FileUrls fileUrls, QueryTokens tokens) {
    this.directory = directory;
    this.tables = tables;
    this.lake = lake;
    this.fileUrls = fileUrls;
    this.tokens = tokens;
  }

  public long version(Recipient recipient, String share, String schema, String table, String startingTimestamp) {
    SharedTable t = directory.table(recipient, share, schema, table);
    if (startingTimestamp == null || startingTimestamp.isEmpty()) {
      return lake.latestVersion(t.ref());
    }
    t.requireHistory("startingTimestamp");
    return lake.versionAtOrAfter(t.ref(), VersionSpec.parseTimestamp("startingTimestamp", startingTimestamp));
  }

  public TableResponse metadata(
      Recipient recipient, String share, String schema, String table, String version, String timestamp, Capabilities capabilities) {
    SharedTable t = directory.table(recipient, share, schema, table);
    RowRestriction restriction = t.restrictionFor(recipient);
    if (version != null && timestamp != null) {
      throw GoldgateException.invalid("Only one of version and timestamp may be set");
    }
    TableSnapshot snapshot;
    if (version != null) {
      t.requireHistory("version");
      snapshot = lake.at(t.ref(), parseVersion("version", version));
    } else if (timestamp != null) {
      t.requireHistory("timestamp");
      snapshot = lake.asOf(t.ref(), VersionSpec.parseTimestamp("timestamp", timestamp));
    } else {
      snapshot = lake.latest(t.ref());
    }
    // Checks the restriction against the table even though no file is listed here.
    restriction.admits(snapshot);
    ResponseFormat format = chooseFormat(t, snapshot, capabilities);
    Long reportedVersion = version != null || timestamp != null ? snapshot.version() : null;
    ActionLines lines = new ActionLines(format, format.wire(), t, fileUrls, null, 0, null);
    return new TableResponse(
        snapshot.version(),
        format,
        sink -> {
          sink.line(lines.protocol(snapshot.protocol()));
          sink.line(lines.metadata(snapshot.metadata(), reportedVersion, null, null));
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
    return query(recipient, share, schema, table, request, capabilities, fileIdHash, requestBase, false);
  }

  /**
   * @param pinned the request's {@code version} was pinned by the server (an async query), so it
   *     is honoured even on a table shared without history
   */
  TableResponse query(
      Recipient recipient,
      String share,
      String schema,
      String table,
      QueryRequest request,
      Capabilities capabilities,
      String fileIdHash,
      URI requestBase,
      boolean pinned) {
    SharedTable t = directory.table(recipient, share, schema, table);
    RowRestriction restriction = t.restrictionFor(recipient);
    request.validate();
    if (request.startingVersion() != null) {
      return changesSince(recipient, t, restriction, request, capabilities, fileIdHash, requestBase);
    }
    TableSnapshot snapshot;
    int offset = 0;
    if (request.pageToken() != null && !request.pageToken().isEmpty()) {
      // A page continues the query its first page answered: same version, even if newer exist.
      QueryTokens.Position position = tokens.readPageToken(t.id(), request, request.pageToken());
      snapshot = lake.at(t.ref(), position.version());
      offset = position.offset();
    } else if (request.refreshToken() != null && !request.refreshToken().isEmpty()) {
      snapshot = lake.at(t.ref(), tokens.readRefreshToken(t.id(), request, request.refreshToken()).version());
    } else if (pinned) {
      snapshot = lake.at(t.ref(), request.version());
    } else {
      snapshot = lake.at(t.ref(), pinnedVersion(t, request));
    }
    ResponseFormat format = chooseFormat(t, snapshot, capabilities);
    String idScheme = FileUrls.fileIdScheme(fileIdHash, format);
    Predicate<DataFile> visible = restriction.admits(snapshot);
    List<DataFile> matching = snapshot.files(visible, filterOf(request), request.limitHint());
    if (offset > matching.size()) {
      throw GoldgateException.invalid("Invalid pageToken: it points past the last file");
    }
    int end = request.maxFiles() == null ? matching.size() : (int) Math.min(matching.size(), (long) offset + request.maxFiles());
    List<DataFile> page = matching.subList(offset, end);
    String nextPageToken = end < matching.size() ? tokens.pageToken(t.id(), request, snapshot.version(), end) : null;
    String refreshToken = Boolean.TRUE.equals(request.includeRefreshToken()) ? tokens.refreshToken(t.id(), request, snapshot.version()) : null;
    boolean endStream = capabilities.includeEndStreamAction() || request.maxFiles() != null || refreshToken != null;
    boolean timeTravel = request.isTimeTravel() && !pinned;
    Long fileVersion = timeTravel ? snapshot.version() : null;
    Long fileTimestamp = timeTravel ? snapshot.timestamp() : null;
    ActionLines lines = new ActionLines(format, idScheme, t, fileUrls, requestBase, fileUrls.expiryFromNow(t), recipient.name());
    // A restricted recipient is told the size of what it may see, not of the whole table.
    RowRestriction.Totals totals = restriction.totals(snapshot, visible);
    Object metadata = lines.metadata(snapshot.metadata(), timeTravel ? snapshot.version() : null, totals.bytes(), totals.files());
    return new TableResponse(
        snapshot.version(),
        format,
        endStream,
        fileIdHash == null ? null : idScheme,
        sink -> {
          sink.line(lines.protocol(snapshot.protocol()));
          sink.line(metadata);
          for (DataFile file : page) {
            sink.line(lines.file(file, fileVersion, fileTimestamp));
          }
          if (endStream) {
            sink.line(new Actions.EndStreamLine(new Actions.EndStreamAction(refreshToken, nextPageToken, page.isEmpty() ? null : lines.expiresAt(), null)));
          }
        });
  }

  /** The version a snapshot query reads: the one asked for (history tables only), else the latest. */
  public long pinnedVersion(SharedTable t, QueryRequest request) {
    return tables.pinnedVersion(t, request.versionSpec());
  }

  /**
   * Streaming-style query: the data changes of each version from {@code startingVersion} on, as a
   * streaming reader of Delta sees them (every data-changing add and remove). Unlike the change data
   * feed ({@link io.goldgate.lake.DataChanges}), rewrites of UPDATE, DELETE and MERGE show up here,
   * as they do to such a reader.
   */
  private TableResponse changesSince(
      Recipient recipient, SharedTable t, RowRestriction restriction, QueryRequest request, Capabilities capabilities, String fileIdHash, URI requestBase) {
    t.requireHistory("startingVersion");
    long latest = lake.latestVersion(t.ref());
    long start = request.startingVersion();
    if (start > latest) {
      throw GoldgateException.invalid("startingVersion " + start + " is after the latest version " + latest + " of " + t.qualifiedName());
    }
    long end = request.endingVersion() == null ? latest : Math.min(request.endingVersion(), latest);
    TableSnapshot startSnapshot = lake.at(t.ref(), start);
    ResponseFormat format = chooseFormat(t, startSnapshot, capabilities);
    String idScheme = FileUrls.fileIdScheme(fileIdHash, format);
    boolean endStream = capabilities.includeEndStreamAction();
    List<LogChange> changes = lake.changes(t.ref(), start, end);
    Filter filter = filterOf(request);
    Predicate<DataFile> visible = restriction.admits(startSnapshot);
    ActionLines lines = lines(format, idScheme, t, requestBase, recipient);
    return new TableResponse(
        start,
        format,
        endStream,
        fileIdHash == null ? null : idScheme,
        sink -> {
          sink.line(lines.protocol(startSnapshot.protocol()));
          sink.line(lines.metadata(startSnapshot.metadata(), start, null, null));
          for (LogChange change : changes) {
            switch (change) {
              case LogChange.MetadataChanged m when m.version() > start -> sink.line(lines.metadata(m.metadata(), m.version(), null, null));
              case LogChange.Added a when a.dataChange() && visible.test(a.file()) && (filter == null || startSnapshot.mayMatch(a.file(), filter)) ->
                  sink.line(lines.add(a.file(), a.version(), a.timestamp()));
              case LogChange.Removed r when r.dataChange() && visible.test(r.file()) -> sink.line(lines.remove(r.file(), r.version(), r.timestamp()));
              default -> {}
            }
          }
          if (endStream) {
            sink.line(new Actions.EndStreamLine(new Actions.EndStreamAction(null, null, changes.isEmpty() ? null : lines.expiresAt(), null)));
          }
        });
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
   * Picks the response format as the protocol asks: the one the client names if it names one, and
   * for a client accepting both, parquet unless the table uses features only delta can carry. A
   * delta-format client must declare every data-level reader feature the table uses.
   */
  ResponseFormat chooseFormat(SharedTable t, TableSnapshot snapshot, Capabilities capabilities) {
    List<String> accepted = capabilities.responseFormats();
    Set<String> features = snapshot.protocol().readerFeatures();
    Optional<String> needsDelta =
        snapshot.protocol().minReaderVersion() == 2 ? Optional.of("columnMapping") : features.stream().filter(DATA_READER_FEATURES::contains).sorted().findFirst();
    if (accepted.contains(ResponseFormat.DELTA.wire()) && (needsDelta.isPresent() || !accepted.contains(ResponseFormat.PARQUET.wire()))) {
      Set<String> declared = Set.copyOf(capabilities.get("readerfeatures"));
      for (String feature : features) {
        if (DATA_READER_FEATURES.contains(feature) && !declared.contains(feature.toLowerCase(java.util.Locale.ROOT))) {
          throw new GoldgateException(
              GoldgateException.Kind.UNSUPPORTED,
              "Table " + t.qualifiedName() + " uses the reader feature " + feature + ", which the client did not declare in readerfeatures");
        }
      }
      return ResponseFormat.DELTA;
    }
    if (!accepted.contains(ResponseFormat.PARQUET.wire())) {
      throw new GoldgateException(GoldgateException.Kind.UNSUPPORTED, "Unknown response format " + accepted + ": this server answers parquet or delta");
    }
    if (needsDelta.isPresent()) {
      throw new GoldgateException(
          GoldgateException.Kind.UNSUPPORTED,
          "Table " + t.qualifiedName() + " uses " + needsDelta.get()
              + ", which clients can only read in responseformat=delta; ask for it in the delta-sharing-capabilities header");
    }
    return ResponseFormat.PARQUET;
  }

  private static void requireHistory(SharedTable t, String parameter) {
    t.requireHistory(parameter);
  }

  static long parseVersion(String parameter, String version) {
    try {
      return Long.parseLong(version.strip());
    } catch (NumberFormatException e) {
      throw GoldgateException.invalid(parameter + " must be a whole number, got '" + version + "'");
    }
  }

  ActionLines lines(ResponseFormat format, String idScheme, SharedTable t, URI requestBase, Recipient recipient) {
    return new ActionLines(format, idScheme, t, fileUrls, requestBase, fileUrls.expiryFromNow(t), recipient.name());
  }

  static TableRef ref(SharedTable t) {
    return t.ref();
  }
}
