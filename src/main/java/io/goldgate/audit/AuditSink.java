package io.goldgate.audit;

import io.goldgate.audit.model.AuditEvent;
import io.goldgate.audit.model.FeatureLookups;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Durable, bounded storage of audit events and of the small state derived from them (last access
 * per table, feature lookup counters). Only the audit writer thread writes; admin requests read.
 */
interface AuditSink extends AutoCloseable {

  /** Stores events in order; throws when they could not all be stored. */
  void append(List<AuditEvent> events) throws Exception;

  /**
   * Up to {@code max} matching events, newest or oldest first, strictly after {@code cursor} (an
   * event id this sink returned) in that order; null cursor starts at the newest or oldest. Each
   * event carries its id.
   *
   * @param notBefore a hint: no matching event is older than this (null: no bound)
   * @throws IllegalArgumentException when the cursor is not one of this sink's ids
   */
  List<AuditEvent> read(Predicate<AuditEvent> filter, boolean newestFirst, String cursor, Instant notBefore, int max);

  /** The last access per {@code share.schema.table}, as persisted. */
  Map<String, Instant> lastAccess() throws Exception;

  /** Persists newer last-access times (never moves one back). */
  void saveLastAccess(Map<String, Instant> times) throws Exception;

  /** Persisted feature lookup totals per recipient. */
  Map<String, FeatureLookups> featureLookups() throws Exception;

  /** Adds to the persisted totals. */
  void addFeatureLookups(Map<String, FeatureLookups> deltas) throws Exception;

  /** Where events go, for operators. */
  String description();

  @Override
  default void close() {}
}
