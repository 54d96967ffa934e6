package io.goldgate.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.goldgate.GoldgateException;
import io.goldgate.access.CredentialKind;
import io.goldgate.access.FederationPolicy;
import io.goldgate.access.Recipient;
import io.goldgate.catalog.CatalogFile.RecipientDef;
import io.goldgate.catalog.CatalogFile.SchemaDef;
import io.goldgate.catalog.CatalogFile.ShareDef;
import io.goldgate.catalog.CatalogFile.TableDef;
import io.goldgate.storage.TableLocation;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Reads every {@code *.yaml} / {@code *.yml} file of the shares directory into one {@link
 * ShareCatalog}. Any mistake is reported as a {@link CatalogException} naming the file and the
 * path of the offending field, so start-up stops with a message an operator can act on.
 */
public final class CatalogLoader {

  private static final Logger LOG = Logger.getLogger(CatalogLoader.class);

  private final JsonMapper yaml =
      JsonMapper.builder(new YAMLFactory())
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();
  private final Validator validator;
  private final boolean allowHttpIssuers;

  public CatalogLoader(Validator validator) {
    this(validator, false);
  }

  /** @param allowHttpIssuers goldgate.federation.allow-http: federation issuers may be http off loopback */
  public CatalogLoader(Validator validator, boolean allowHttpIssuers) {
    this.validator = validator;
    this.allowHttpIssuers = allowHttpIssuers;
  }

  public ShareCatalog load(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new CatalogException("Shares directory " + root + " does not exist or is not a directory (set goldgate.shares.dir)");
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(root)) {
      files =
          listing
              .filter(Files::isRegularFile)
              .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
              .sorted(Comparator.comparing(Path::toString))
              .toList();
    } catch (IOException e) {
      throw new CatalogException("Cannot list shares directory " + root + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      // The container image's default: it ships no catalog, so that no sample token opens it.
      LOG.warnf("No share catalog file (*.yaml) in %s: no table is shared until one is put there (goldgate.shares.dir,"
          + " env GOLDGATE_SHARES_DIR) and the gateway restarted", root);
    }
    var builder = new Builder(allowHttpIssuers);
    for (Path file : files) {
      builder.add(file, parse(file));
    }
    ShareCatalog catalog = builder.build();
    LOG.infof(
        "Share catalog: %d file(s), %d share(s), %d table(s), %d recipient(s) from %s",
        files.size(),
        catalog.shares().size(),
        catalog.shares().stream().mapToLong(s -> s.allTables().size()).sum(),
        catalog.recipients().size(),
        root);
    return catalog;
  }

  private CatalogFile parse(Path file) {
    CatalogFile parsed;
    try {
      parsed = yaml.readValue(Files.readString(file, StandardCharsets.UTF_8), CatalogFile.class);
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof com.fasterxml.jackson.core.exc.StreamReadException syntax) {
        throw new CatalogException(file + ": not valid YAML near " + fieldPath(e) + ": " + syntax.getOriginalMessage(), e);
      }
      throw new CatalogException(file + ": " + fieldPath(e) + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new CatalogException(file + ": not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CatalogException(file + ": cannot be read: " + e.getMessage(), e);
    }
    if (parsed == null) {
      return new CatalogFile(List.of(), List.of());
    }
    Set<ConstraintViolation<CatalogFile>> violations = validator.validate(parsed);
    if (!violations.isEmpty()) {
      String detail =
          violations.stream()
              .map(v -> v.getPropertyPath() + ": " + v.getMessage())
              .sorted()
              .collect(Collectors.joining("; "));
      throw new CatalogException(file + ": " + detail);
    }
    return parsed;
  }

  private static String fieldPath(JsonMappingException e) {
    var sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      } else if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) sb.append('.');
        sb.append(ref.getFieldName());
      }
    }
    return sb.isEmpty() ? "(document)" : sb.toString();
  }

  /** Cross-file checks: unique names, grants that name declared shares, unique token hashes. */
  private static final class Builder {
    private final boolean allowHttpIssuers;

    Builder(boolean allowHttpIssuers) {
      this.allowHttpIssuers = allowHttpIssuers;
    }

    private final List<Share> shares = new ArrayList<>();
    private final Map<String, Path> shareFiles = new HashMap<>();
    private final List<PendingGrant> pendingGrantChecks = new ArrayList<>();
    private final Map<String, Path> recipientFiles = new HashMap<>();
    private final Map<String, Path> tokenFiles = new HashMap<>();
    private final List<Recipient> recipients = new ArrayList<>();

    void add(Path file, CatalogFile content) {
      for (int i = 0; i < content.shares().size(); i++) {
        ShareDef def = content.shares().get(i);
        String where = file + ": shares[" + i + "]";
        Path earlier = shareFiles.putIfAbsent(ShareCatalog.key(def.name()), file);
        if (earlier != null) {
          throw new CatalogException(where + ".name: share '" + def.name() + "' is already declared in " + earlier);
        }
        shares.add(toShare(file, where, def));
      }
      for (int i = 0; i < content.recipients().size(); i++) {
        RecipientDef def = content.recipients().get(i);
        String where = file + ": recipients[" + i + "]";
        Path earlier = recipientFiles.putIfAbsent(ShareCatalog.key(def.name()), file);
        if (earlier != null) {
          throw new CatalogException(where + ".name: recipient '" + def.name() + "' is already declared in " + earlier);
        }
        if (def.tokens().isEmpty() && def.clientSecrets().isEmpty() && def.federationPolicies().isEmpty()) {
          throw new CatalogException(where + ": list at least one of tokens, clientSecrets or federationPolicies, or the recipient can never sign in");
        }
        uniqueHashes(file, where + ".tokens", def.tokens());
        uniqueHashes(file, where + ".clientSecrets", def.clientSecrets());
        try {
          FederationPolicy.validated(where + ".federationPolicies", def.federationPolicies(), allowHttpIssuers);
        } catch (GoldgateException e) {
          throw new CatalogException(e.getMessage());
        }
        // Grants are checked once all files are read: a recipient may name a share of a later file.
        pendingGrantChecks.add(new PendingGrant(file, i, def));
        recipients.add(toRecipient(def));
      }
    }

    private void uniqueHashes(Path file, String where, List<CatalogFile.TokenDef> secrets) {
      for (int t = 0; t < secrets.size(); t++) {
        Path other = tokenFiles.putIfAbsent(secrets.get(t).hash(), file);
        if (other != null) {
          throw new CatalogException(where + "[" + t + "].hash: the same hash is used twice (also in " + other + ")");
        }
      }
    }

    private record PendingGrant(Path file, int index, RecipientDef def) {}

    ShareCatalog build() {
      for (PendingGrant pending : pendingGrantChecks) {
        List<String> granted = pending.def().shares();
        for (int s = 0; s < granted.size(); s++) {
          if (!shareFiles.containsKey(ShareCatalog.key(granted.get(s)))) {
            throw new CatalogException(
                pending.file() + ": recipients[" + pending.index() + "].shares[" + s + "]: unknown share '" + granted.get(s) + "'");
          }
        }
      }
      return new ShareCatalog(shares, recipients);
    }

    private static Share toShare(Path file, String where, ShareDef def) {
      String shareId = def.id() != null ? def.id() : stableId("share", def.name());
      var schemaNames = new HashSet<String>();
      var schemas = new ArrayList<Share.Schema>();
      for (int s = 0; s < def.schemas().size(); s++) {
        SchemaDef schema = def.schemas().get(s);
        String schemaWhere = where + ".schemas[" + s + "]";
        if (!schemaNames.add(ShareCatalog.key(schema.name()))) {
          throw new CatalogException(schemaWhere + ".name: schema '" + schema.name() + "' appears twice in share '" + def.name() + "'");
        }
        var tableNames = new HashSet<String>();
        var tables = new ArrayList<SharedTable>();
        for (int t = 0; t < schema.tables().size(); t++) {
          TableDef table = schema.tables().get(t);
          String tableWhere = schemaWhere + ".tables[" + t + "]";
          if (!tableNames.add(ShareCatalog.key(table.name()))) {
            throw new CatalogException(tableWhere + ".name: table '" + table.name() + "' appears twice in schema '" + schema.name() + "'");
          }
          TableLocation root = resolveLocation(file, tableWhere, table.location());
          String qualified = def.name() + "." + schema.name() + "." + table.name();
          tables.add(
              new SharedTable(
                  def.name(),
                  shareId,
                  schema.name(),
                  table.name(),
                  table.id() != null ? table.id() : stableId("table", qualified),
                  root,
                  table.isHistoryShared(),
                  table.comment(),
                  RecipientPartitionFilter.parse(tableWhere + "." + RecipientPartitionFilter.FIELD, table.recipientPartitionFilter())));
        }
        schemas.add(new Share.Schema(schema.name(), def.name(), List.copyOf(tables)));
      }
      return new Share(def.name(), shareId, def.comment(), def.properties() == null ? Map.of() : Map.copyOf(def.properties()), List.copyOf(schemas));
    }

    private static TableLocation resolveLocation(Path file, String where, String location) {
      Path resolved;
      if (location.startsWith("file:")) {
        resolved = Path.of(URI.create(location));
      } else if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
        TableLocation remote = new TableLocation(location);
        if (!remote.isObjectStore() || remote.bucket() == null || remote.bucket().isEmpty()) {
          throw new CatalogException(
              where + ".location: '" + location + "' uses a storage scheme this gateway cannot read; use s3://bucket/prefix,"
                  + " abfss://container@account.dfs.core.windows.net/prefix, gs://bucket/prefix, a local path or a file: URI");
        }
        return remote;
      } else {
        resolved = file.getParent().resolve(location);
      }
      resolved = resolved.toAbsolutePath().normalize();
      if (!Files.isDirectory(resolved.resolve("_delta_log"))) {
        LOG.warnf("%s.location: %s has no _delta_log yet; queries on it will fail until it does", where, resolved);
      }
      return TableLocation.local(resolved);
    }

    private static Recipient toRecipient(RecipientDef def) {
      var tokens = new ArrayList<Recipient.Token>();
      def.tokens().forEach(t -> tokens.add(token(t, CredentialKind.BEARER_TOKEN)));
      def.clientSecrets().forEach(t -> tokens.add(token(t, CredentialKind.CLIENT_SECRET)));
      return new Recipient(
          def.name(), tokens, Set.copyOf(def.shares()), def.properties(), List.of(),
          def.featureServices() == null ? Set.of() : Set.copyOf(def.featureServices()), def.federationPolicies());
    }

    private static Recipient.Token token(CatalogFile.TokenDef def, CredentialKind kind) {
      return new Recipient.Token(HexFormat.of().parseHex(def.hash().substring("sha256:".length())), def.expiresAt(), kind);
    }

    /** Ids must stay the same across restarts and replicas, so they derive from the name. */
    private static String stableId(String kind, String name) {
      return UUID.nameUUIDFromBytes((kind + ":" + ShareCatalog.key(name)).getBytes(StandardCharsets.UTF_8)).toString();
    }
  }
}
