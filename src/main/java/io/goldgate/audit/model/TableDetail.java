package io.goldgate.audit.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One shared table in detail ({@code GET /admin/tables/{share}/{schema}/{table}}): its latest
 * version with schema, size and recent history, who can reach it and what reads it. The lake
 * figures are absent when the table cannot be read, with the reason in {@code error}.
 *
 * @param share the share, schema and table as the catalog spells them
 * @param location the table's location (the parent of {@code _delta_log})
 * @param version its latest version
 * @param sizeBytes bytes of the data files of that version
 * @param numFiles data files of that version
 * @param lastAccess the last successful recipient access under this name, from the audit log
 * @param columns the top-level columns of that version, in schema order
 * @param partitionColumns its partition columns, in order
 * @param history its newest commits, newest first, at most {@link #MAX_HISTORY}
 * @param recipients the recipients granted the share (declared and created through the API), sorted
 * @param featureViews the feature views that read the table's location, sorted
 * @param error why the lake figures are missing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableDetail(
    String share,
    String schema,
    String table,
    String location,
    Long version,
    Long sizeBytes,
    Long numFiles,
    Instant lastAccess,
    List<Column> columns,
    List<String> partitionColumns,
    List<Commit> history,
    List<String> recipients,
    List<String> featureViews,
    String error) {

  /** Most commits listed in {@code history}. */
  public static final int MAX_HISTORY = 20;

  /** @param type the Delta type, complex types written as Spark SQL does ({@code array<int>}) */
  public record Column(String name, String type, boolean nullable) {}

  /**
   * @param timestamp the commit time, as time travel compares it
   * @param operation what the commit's {@code commitInfo} names; absent when it names none
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Commit(long version, Instant timestamp, String operation) {}
}
