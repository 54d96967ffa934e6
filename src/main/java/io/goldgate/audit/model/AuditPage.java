package io.goldgate.audit.model;

import java.util.List;

/**
 * One page of {@code GET /admin/audit}.
 *
 * @param order {@code newest} (newest first) or {@code oldest}
 * @param nextPageToken opaque; absent on the last page
 */
public record AuditPage(List<AuditEvent> events, String order, String nextPageToken) {}
