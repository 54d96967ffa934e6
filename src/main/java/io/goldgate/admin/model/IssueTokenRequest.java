package io.goldgate.admin.model;

/**
 * {@code POST /admin/recipients/{name}/token}: a new activation link, for a first token or a
 * rotation.
 *
 * @param gracePeriod ISO-8601 duration (e.g. {@code PT24H}) the recipient's current tokens keep
 *     working; absent or {@code PT0S}: they stop now
 * @param tokenLifetime ISO-8601 lifetime of the new token, counted from activation; absent: no expiry
 * @param credential what the link delivers: {@code bearer_token} (default) or {@code
 *     oauth_client_credentials} (a new client secret: the rotation of an OAuth client)
 */
public record IssueTokenRequest(String gracePeriod, String tokenLifetime, String credential) {}
