package io.goldgate.admin.model;

import java.util.List;
import java.util.Map;

/**
 * {@code PATCH /admin/recipients/{name}}: each field present replaces the recipient's; absent
 * fields stay as they are. Shares change through the grant endpoints.
 */
public record UpdateRecipientRequest(String comment, Map<String, String> properties, List<String> ipAllowList) {}
