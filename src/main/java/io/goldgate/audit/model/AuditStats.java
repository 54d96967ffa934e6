package io.goldgate.audit.model;

/**
 * The audit pipeline of this replica since it started.
 *
 * @param sink where events go
 * @param queued events waiting for the writer
 * @param written events the sink accepted
 * @param dropped events lost because the queue was full or the sink failed (also the Micrometer
 *     counter {@code goldgate.audit.dropped})
 */
public record AuditStats(boolean enabled, String sink, int queued, int queueCapacity, long written, long dropped) {}
