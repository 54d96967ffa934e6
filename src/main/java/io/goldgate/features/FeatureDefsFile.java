package io.goldgate.features;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;

/** One {@code feature-defs/*.yaml} file as an operator writes it; files are merged. */
public record FeatureDefsFile(
    List<@NotNull @Valid EntityDef> entities,
    List<@NotNull @Valid FeatureViewDef> featureViews,
    List<@NotNull @Valid FeatureServiceDef> featureServices) {

  static final String NAME = "[A-Za-z_][A-Za-z0-9_]{0,127}";
  static final String NAME_MESSAGE = "must be a letter or '_' followed by letters, digits or '_' (at most 128)";

  public FeatureDefsFile {
    entities = entities == null ? List.of() : entities;
    featureViews = featureViews == null ? List.of() : featureViews;
    featureServices = featureServices == null ? List.of() : featureServices;
  }

  /** A business object features describe (a customer, a product), identified by join keys. */
  public record EntityDef(
      @NotBlank @Pattern(regexp = NAME, message = NAME_MESSAGE) String name,
      String description,
      @NotEmpty List<@NotNull @Valid JoinKeyDef> joinKeys) {}

  /** A join key and its Feast value type. */
  public record JoinKeyDef(@NotBlank @Pattern(regexp = NAME, message = NAME_MESSAGE) String name, @NotNull FeatureType type) {}

  /** Features computed from one Gold table, keyed by entities, stamped by an event-time column. */
  public record FeatureViewDef(
      @NotBlank @Pattern(regexp = NAME, message = NAME_MESSAGE) String name,
      String description,
      @NotNull @Valid SourceDef source,
      @NotEmpty List<@NotBlank String> entities,
      @NotBlank String timestampColumn,
      @NotEmpty List<@NotNull @Valid FeatureDef> features,
      Duration ttl,
      Duration schedule,
      @Valid OnlineDef online) {

    /** How long a value stays fresh: older values are served as OUTSIDE_MAX_AGE. Null: forever. */
    public Duration ttlOrNull() {
      return ttl == null || ttl.isZero() ? null : ttl;
    }

    public boolean isOnline() {
      return online == null || online.enabled() == null || online.enabled();
    }
  }

  /**
   * Whether and how a view is served online: {@code online: false}, or {@code online: {layout:
   * packed}} ({@code feast}, Feast's hash layout, by default).
   */
  public record OnlineDef(
      Boolean enabled,
      @Pattern(regexp = "feast|packed", message = "must be 'feast' (Feast's hash layout) or 'packed'") String layout) {

    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.PROPERTIES)
    public OnlineDef(
        @com.fasterxml.jackson.annotation.JsonProperty("enabled") Boolean enabled,
        @com.fasterxml.jackson.annotation.JsonProperty("layout") String layout) {
      this.enabled = enabled;
      this.layout = layout;
    }

    /** {@code online: true} or {@code online: false}, as before layouts. */
    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
    public static OnlineDef of(boolean enabled) {
      return new OnlineDef(enabled, null);
    }

    public OnlineLayout layoutOrDefault() {
      return OnlineLayout.parse(layout);
    }
  }

  /**
   * Where a view's rows come from: a shared table by {@code share.schema.table}, or a Delta table
   * location (relative to the definitions file). Exactly one of the two.
   */
  public record SourceDef(String table, String location) {}

  /** A feature: its name, the table column it comes from (default: the same name), its type. */
  public record FeatureDef(@NotBlank @Pattern(regexp = NAME, message = NAME_MESSAGE) String name, String column, @NotNull FeatureType type) {

    public String columnOrName() {
      return column == null || column.isBlank() ? name : column;
    }
  }

  /** A named list of {@code view:feature} references a model asks for at once. */
  public record FeatureServiceDef(
      @NotBlank @Pattern(regexp = NAME, message = NAME_MESSAGE) String name,
      @NotEmpty List<@NotBlank @Pattern(regexp = NAME + ":" + NAME, message = "must be view:feature") String> features) {}
}
