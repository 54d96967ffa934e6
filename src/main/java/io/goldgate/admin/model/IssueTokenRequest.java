package io.goldgate.admin.model;

/**
 * {@code POST /admin/recipients/{name}/token}: a new activation link, for a first token or a
 * rotation.
 *
 * @param gracePeriod ISO-8601 duration (e.g. {@code PT24H}) the recipient's current tokens keep
 *     working; absent or {@code PT0S}: they stop now
 * @param tokenLifetime ISO-8601 lifetime of the new token, counted from activation; absent: no expiry
 */
public record IssueTokenRequest(String gracePeriod, String tokenLifetime) {}
