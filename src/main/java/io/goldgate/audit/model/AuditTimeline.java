package io.goldgate.audit.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Audited traffic over time ({@code GET /admin/audit/timeline}): requests, bytes and errors per
 * time bucket, in all and per recipient.
 *
 * @param from the window's start (inclusive), the first bucket's start
 * @param to the window's end (exclusive); the last bucket ends there, so it may be shorter
 * @param bucketSeconds each bucket's length
 * @param buckets every bucket of the window in time order, empty ones included
 * @param byRecipient per recipient (the {@link #MAX_RECIPIENTS} with the most requests), buckets
 *     as {@code buckets}; events without a recipient (failed authentication, ...) only count in
 *     {@code buckets}
 * @param recipientsOmitted recipients with events in the window left out of {@code byRecipient}
 * @param scanned events read from the audit log
 * @param truncated whether the scan stopped at {@link #MAX_SCANNED} events, so older events of the
 *     window are missing
 */
public record AuditTimeline(
    Instant from,
    Instant to,
    long bucketSeconds,
    List<Bucket> buckets,
    Map<String, List<Bucket>> byRecipient,
    int recipientsOmitted,
    long scanned,
    boolean truncated) {

  /** Most recipients given their own series. */
  public static final int MAX_RECIPIENTS = 20;

  /** Most events one timeline reads. */
  public static final int MAX_SCANNED = 200_000;

  /**
   * @param requests calls (a summary of unauthenticated failures counts as the failures it stands for)
   * @param bytes bytes sent
   * @param errors calls that failed: HTTP status 400 or above, a Flight status other than OK
   */
  public record Bucket(Instant start, long requests, long bytes, long errors) {}
}
