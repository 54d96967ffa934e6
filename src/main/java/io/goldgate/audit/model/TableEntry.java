package io.goldgate.audit.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One Delta table the gateway reads, with everything that exposes it ({@code GET /admin/tables}).
 *
 * @param location the table's location (the parent of {@code _delta_log})
 * @param shares where Delta Sharing publishes it, as {@code share.schema.table}
 * @param flight whether Arrow Flight serves it (every shared table, when Flight is enabled)
 * @param featureViews the feature views materialized from it
 * @param featureViewReaders per feature view, the recipients who may read it (absent without views)
 * @param recipients the recipients granted one of its shares (declared and created through the
 *     API), sorted; empty for a table only feature views read
 * @param version its latest version, absent when it cannot be read
 * @param sizeBytes bytes of the data files of that version, absent when they cannot be listed
 * @param error why the version could not be read
 * @param lastAccess the last successful recipient access under any of its shared names, from the
 *     audit log; absent when never accessed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableEntry(
    String location,
    List<String> shares,
    boolean flight,
    List<String> featureViews,
    Map<String, List<String>> featureViewReaders,
    List<String> recipients,
    Long version,
    Long sizeBytes,
    String error,
    Instant lastAccess) {}
