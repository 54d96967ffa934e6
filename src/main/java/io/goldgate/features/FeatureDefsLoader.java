package io.goldgate.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.goldgate.GoldgateException;
import io.goldgate.catalog.ShareCatalog;
import io.goldgate.catalog.TableName;
import io.goldgate.features.FeatureDefsFile.EntityDef;
import io.goldgate.features.FeatureDefsFile.FeatureDef;
import io.goldgate.features.FeatureDefsFile.FeatureServiceDef;
import io.goldgate.features.FeatureDefsFile.FeatureViewDef;
import io.goldgate.features.FeatureRegistry.Entity;
import io.goldgate.features.FeatureRegistry.FeatureRef;
import io.goldgate.features.FeatureRegistry.FeatureService;
import io.goldgate.features.FeatureRegistry.FeatureView;
import io.goldgate.features.FeatureRegistry.JoinKey;
import io.goldgate.lake.DeltaLake;
import io.goldgate.lake.TableColumns;
import io.goldgate.lake.TableRef;
import io.goldgate.lake.TableSnapshot;
import io.goldgate.storage.TableLocation;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads {@code feature-defs/*.yaml}, validates each file, and cross-checks every view against its
 * table's current schema. Any mistake is a {@link FeatureDefsException} naming the file, the path
 * in the YAML and the reason, so start-up stops with a message an operator can act on.
 */
public final class FeatureDefsLoader {

  /**
   * The shortest materialization period: a run of an unchanged table is one log listing and one
   * watermark read, so a view may follow its table closely, but not spin.
   */
  static final Duration MIN_SCHEDULE = Duration.ofSeconds(1);

  private final JsonMapper yaml =
      JsonMapper.builder(new YAMLFactory())
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();
  private final Validator validator;
  private final ShareCatalog catalog;
  private final DeltaLake lake;

  public FeatureDefsLoader(Validator validator, ShareCatalog catalog, DeltaLake lake) {
    this.validator = validator;
    this.catalog = catalog;
    this.lake = lake;
  }

  public FeatureRegistry load(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      return FeatureRegistry.EMPTY;
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(root)) {
      files = listing.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList();
    } catch (IOException e) {
      throw new FeatureDefsException("Cannot list " + root + ": " + e.getMessage());
    }
    Map<String, Entity> entities = new LinkedHashMap<>();
    Map<String, Path> entityFiles = new LinkedHashMap<>();
    List<Located<FeatureViewDef>> viewDefs = new ArrayList<>();
    List<Located<FeatureServiceDef>> serviceDefs = new ArrayList<>();
    for (Path file : files) {
      FeatureDefsFile parsed = parse(file);
      for (int i = 0; i < parsed.entities().size(); i++) {
        EntityDef def = parsed.entities().get(i);
        String where = file + ": entities[" + i + "]";
        if (entityFiles.putIfAbsent(def.name(), file) != null) {
          throw new FeatureDefsException(where + ".name: entity '" + def.name() + "' is already defined in " + entityFiles.get(def.name()));
        }
        entities.put(def.name(), new Entity(def.name(), def.joinKeys().stream().map(k -> new JoinKey(k.name(), k.type())).toList()));
      }
      for (int i = 0; i < parsed.featureViews().size(); i++) {
        viewDefs.add(new Located<>(file, "featureViews[" + i + "]", parsed.featureViews().get(i)));
      }
      for (int i = 0; i < parsed.featureServices().size(); i++) {
        serviceDefs.add(new Located<>(file, "featureServices[" + i + "]", parsed.featureServices().get(i)));
      }
    }
    Map<String, FeatureView> views = new LinkedHashMap<>();
    for (Located<FeatureViewDef> located : viewDefs) {
      FeatureView view = view(located, entities);
      if (views.putIfAbsent(view.name(), view) != null) {
        throw located.error(".name", "feature view '" + view.name() + "' is defined twice");
      }
    }
    Map<String, FeatureService> services = new LinkedHashMap<>();
    for (Located<FeatureServiceDef> located : serviceDefs) {
      FeatureServiceDef def = located.def();
      List<FeatureRef> refs = new ArrayList<>();
      for (int f = 0; f < def.features().size(); f++) {
        FeatureRef ref = FeatureRef.parse(def.features().get(f));
        FeatureView view = views.get(ref.view());
        if (view == null || view.feature(ref.feature()).isEmpty()) {
          throw located.error(".features[" + f + "]", "'" + ref + "' names no feature of any view" + (view == null ? " (no view '" + ref.view() + "')" : ""));
        }
        refs.add(ref);
      }
      if (services.putIfAbsent(def.name(), new FeatureService(def.name(), List.copyOf(refs))) != null) {
        throw located.error(".name", "feature service '" + def.name() + "' is defined twice");
      }
    }
    return new FeatureRegistry(Map.copyOf(entities), Map.copyOf(views), Map.copyOf(services));
  }

  private record Located<T>(Path file, String path, T def) {
    FeatureDefsException error(String field, String reason) {
      return new FeatureDefsException(file + ": " + path + field + ": " + reason);
    }
  }

  private FeatureView view(Located<FeatureViewDef> located, Map<String, Entity> entities) {
    FeatureViewDef def = located.def();
    List<JoinKey> joinKeys = new ArrayList<>();
    for (int e = 0; e < def.entities().size(); e++) {
      Entity entity = entities.get(def.entities().get(e));
      if (entity == null) {
        throw located.error(".entities[" + e + "]", "no entity named '" + def.entities().get(e) + "'; defined: " + entities.keySet());
      }
      joinKeys.addAll(entity.joinKeys());
    }
    // Feast serializes entity keys with their join keys sorted by name.
    joinKeys.sort(Comparator.comparing(JoinKey::name));
    Source source = source(located);
    TableRef table = source.table();
    TableSnapshot snapshot;
    try {
      snapshot = lake.latest(table);
    } catch (GoldgateException ex) {
      throw located.error(".source", "cannot read the table: " + ex.getMessage());
    }
    TableColumns columns = snapshot.columns();
    for (JoinKey key : joinKeys) {
      requireColumn(located, ".entities", columns, key.name(), key.type(), "join key");
    }
    TableColumns.Column ts = columns.find(def.timestampColumn());
    if (ts == null || !FeatureType.UNIX_TIMESTAMP.readableFrom(String.valueOf(ts.deltaType()))) {
      throw located.error(".timestampColumn", ts == null
          ? "the table has no column '" + def.timestampColumn() + "'"
          : "column '" + def.timestampColumn() + "' is " + ts.deltaType() + ", not a timestamp");
    }
    Set<String> names = new HashSet<>();
    for (int f = 0; f < def.features().size(); f++) {
      FeatureDef feature = def.features().get(f);
      if (!names.add(feature.name())) {
        throw located.error(".features[" + f + "].name", "feature '" + feature.name() + "' appears twice");
      }
      requireColumn(located, ".features[" + f + "]", columns, feature.columnOrName(), feature.type(), "feature");
    }
    if (def.ttl() != null && def.ttl().isNegative()) {
      throw located.error(".ttl", "must not be negative");
    }
    if (def.schedule() != null && def.schedule().compareTo(MIN_SCHEDULE) < 0) {
      throw located.error(".schedule", "must be at least " + MIN_SCHEDULE + ", such as PT2S or PT5M");
    }
    return new FeatureView(
        def.name(), table, source.shared(), source.rowFilterColumns(), List.copyOf(def.entities()), List.copyOf(joinKeys), def.timestampColumn(), List.copyOf(def.features()),
        def.ttlOrNull(), def.schedule(), def.isOnline(), def.online() == null ? OnlineLayout.FEAST : def.online().layoutOrDefault());
  }

  /**
   * What a view reads: the table, and when it is a shared table its published name (else null)
   * and the sorted partition columns by which it restricts recipients' rows.
   */
  private record Source(TableRef table, TableName shared, List<String> rowFilterColumns) {}

  private Source source(Located<FeatureViewDef> located) {
    FeatureDefsFile.SourceDef source = located.def().source();
    boolean hasTable = source.table() != null && !source.table().isBlank();
    boolean hasLocation = source.location() != null && !source.location().isBlank();
    if (hasTable == hasLocation) {
      throw located.error(".source", "set exactly one of 'table' (share.schema.table) and 'location'");
    }
    if (hasTable) {
      String[] parts = source.table().split("\\.");
      if (parts.length != 3) {
        throw located.error(".source.table", "must be share.schema.table, got '" + source.table() + "'");
      }
      return catalog.table(parts[0], parts[1], parts[2])
          .map(t -> new Source(new TableRef(t.location(), t.qualifiedName()), TableName.of(t), t.partitionFilter().columns().keySet().stream().sorted().toList()))
          .orElseThrow(() -> located.error(".source.table", "no shared table '" + source.table() + "' in the share catalog"));
    }
    Path location = located.file().getParent().resolve(source.location()).toAbsolutePath().normalize();
    return new Source(new TableRef(TableLocation.local(location), source.location()), null, List.of());
  }

  private static void requireColumn(Located<FeatureViewDef> located, String field, TableColumns columns, String name, FeatureType type, String what) {
    TableColumns.Column column = columns.find(name);
    if (column == null) {
      throw located.error(field, "the table has no column '" + name + "' for " + what + " '" + name + "'");
    }
    if (column.deltaType() == null || !type.readableFrom(column.deltaType())) {
      throw located.error(field, what + " '" + name + "' is declared " + type.feastName() + " but the column is " + column.deltaType());
    }
  }

  private FeatureDefsFile parse(Path file) {
    FeatureDefsFile parsed;
    try {
      parsed = yaml.readValue(Files.readString(file, StandardCharsets.UTF_8), FeatureDefsFile.class);
    } catch (JsonMappingException e) {
      String path = e.getPath().stream()
          .map(r -> r.getIndex() >= 0 ? "[" + r.getIndex() + "]" : "." + r.getFieldName())
          .collect(Collectors.joining()).replaceFirst("^\\.", "");
      if (e.getCause() instanceof StreamReadException syntax) {
        throw new FeatureDefsException(file + ": not valid YAML near " + path + ": " + syntax.getOriginalMessage());
      }
      throw new FeatureDefsException(file + ": " + (path.isEmpty() ? "(document)" : path) + ": " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new FeatureDefsException(file + ": not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new FeatureDefsException(file + ": cannot be read: " + e.getMessage());
    }
    if (parsed == null) {
      return new FeatureDefsFile(null, null, null);
    }
    Set<ConstraintViolation<FeatureDefsFile>> violations = validator.validate(parsed);
    if (!violations.isEmpty()) {
      throw new FeatureDefsException(
          file + ": " + violations.stream().map(v -> v.getPropertyPath() + ": " + v.getMessage()).sorted().collect(Collectors.joining("; ")));
    }
    return parsed;
  }
}
