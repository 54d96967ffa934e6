package io.goldgate.audit;

import io.goldgate.GoldgateException;
import io.goldgate.audit.model.AuditEvent;
import io.goldgate.audit.model.AuditPage;
import io.goldgate.audit.model.AuditStats;
import io.goldgate.audit.model.AuditTimeline;
import io.goldgate.audit.model.FeatureLookups;
import io.goldgate.http.RoutePaths;
import io.goldgate.redis.RedisUnavailableException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The audit log for operators (under {@code /admin}, so only the admin token opens it).
 *
 * <ul>
 *   <li>{@code GET /admin/audit}: events, newest first ({@code order=newest}, the default) or oldest
 *       first ({@code order=oldest}) in the order they were recorded; filters {@code recipient}
 *       (exact name), {@code table} ({@code share.schema.table}, case-insensitive), {@code from}
 *       (inclusive) and {@code to} (exclusive), ISO-8601 instants compared with the event's time;
 *       {@code protocol} ({@code delta-sharing}, {@code flight}, {@code flight-sql}, {@code features}),
 *       {@code status} ({@code success}, {@code error}, an HTTP status code or a Flight status name);
 *       {@code limit} events per page (default 100, at most 1000); {@code pageToken} from the
 *       previous page's {@code nextPageToken}, absent on the last page.
 *   <li>{@code GET /admin/audit/timeline}: requests, bytes and errors per time bucket, in all and
 *       per recipient ({@link AuditTimelines}); the same filters but {@code from} defaults to 24 hours
 *       before {@code to}, which defaults to now; {@code bucket} an ISO-8601 duration (default PT1H).
 *   <li>{@code GET /admin/audit/stats}: queue, written and dropped counts of this replica.
 *   <li>{@code GET /admin/audit/feature-lookups}: online feature lookups and entity rows per recipient.
 * </ul>
 */
@Path(RoutePaths.ADMIN + "/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final AuditLog log;
  private final AuditTimelines timelines;

  public AuditResource(AuditLog log) {
    this.log = log;
    this.timelines = new AuditTimelines(log, Clock.systemUTC());
  }

  @GET
  public AuditPage events(
      @QueryParam("recipient") String recipient,
      @QueryParam("table") String table,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("protocol") String protocol,
      @QueryParam("status") String status,
      @QueryParam("limit") String limit,
      @QueryParam("order") String order,
      @QueryParam("pageToken") String pageToken) {
    Instant fromTime = AuditParams.instant("from", from);
    Instant toTime = AuditParams.instant("to", to);
    if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
      throw GoldgateException.invalid("'from' (" + from + ") must be before 'to' (" + to + ")");
    }
    Predicate<AuditEvent> matching = AuditParams.fromQuery(recipient, table, protocol, status);
    int pageSize = limit(limit);
    boolean newestFirst = newestFirst(order);
    String cursor = cursor(pageToken, newestFirst);
    Predicate<AuditEvent> filter =
        e -> matching.test(e)
            && (fromTime == null || (e.time() != null && !e.time().isBefore(fromTime)))
            && (toTime == null || (e.time() != null && e.time().isBefore(toTime)));
    List<AuditEvent> events;
    try {
      // One more than a page tells whether another page exists.
      events = log.read(filter, newestFirst, cursor, fromTime, pageSize + 1);
    } catch (IllegalArgumentException e) {
      throw GoldgateException.invalid("Invalid pageToken: it is not a position in this audit log");
    } catch (RedisUnavailableException e) {
      throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "The audit log cannot be read: " + e.getMessage());
    } catch (IllegalStateException e) {
      throw new GoldgateException(GoldgateException.Kind.DATA_ERROR, "The audit log cannot be read: " + e.getMessage(), e);
    }
    String next = null;
    if (events.size() > pageSize) {
      events = events.subList(0, pageSize);
      next = token(newestFirst, events.getLast().id());
    }
    return new AuditPage(List.copyOf(events), newestFirst ? "newest" : "oldest", next);
  }

  @GET
  @Path("timeline")
  public AuditTimeline timeline(
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("bucket") String bucket,
      @QueryParam("recipient") String recipient,
      @QueryParam("table") String table,
      @QueryParam("protocol") String protocol,
      @QueryParam("status") String status) {
    Predicate<AuditEvent> filter = AuditParams.fromQuery(recipient, table, protocol, status);
    try {
      return timelines.timeline(from, to, bucket, filter);
    } catch (RedisUnavailableException e) {
      throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "The audit log cannot be read: " + e.getMessage());
    } catch (IllegalStateException e) {
      throw new GoldgateException(GoldgateException.Kind.DATA_ERROR, "The audit log cannot be read: " + e.getMessage(), e);
    }
  }

  @GET
  @Path("stats")
  public AuditStats stats() {
    return log.stats();
  }

  @GET
  @Path("feature-lookups")
  public Map<String, FeatureLookups> featureLookups() {
    try {
      return new TreeMap<>(log.featureLookups());
    } catch (RedisUnavailableException e) {
      throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "The lookup counters cannot be read: " + e.getMessage());
    } catch (Exception e) {
      throw new GoldgateException(GoldgateException.Kind.DATA_ERROR, "The lookup counters cannot be read: " + e.getMessage(), e);
    }
  }

  private static int limit(String value) {
    String v = AuditParams.blankToNull(value);
    if (v == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw GoldgateException.invalid("'limit' must be a whole number from 1 to " + MAX_LIMIT + ", got '" + value + "'");
  }

  private static boolean newestFirst(String value) {
    String v = AuditParams.blankToNull(value);
    if (v == null || v.equalsIgnoreCase("newest")) {
      return true;
    }
    if (v.equalsIgnoreCase("oldest")) {
      return false;
    }
    throw GoldgateException.invalid("'order' must be 'newest' or 'oldest', got '" + value + "'");
  }

  private static String token(boolean newestFirst, String cursor) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(((newestFirst ? "newest" : "oldest") + "|" + cursor).getBytes(StandardCharsets.UTF_8));
  }

  private static String cursor(String pageToken, boolean newestFirst) {
    String v = AuditParams.blankToNull(pageToken);
    if (v == null) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getUrlDecoder().decode(v), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw GoldgateException.invalid("Invalid pageToken: not a token this endpoint issued");
    }
    int bar = decoded.indexOf('|');
    if (bar < 0 || bar == decoded.length() - 1) {
      throw GoldgateException.invalid("Invalid pageToken: not a token this endpoint issued");
    }
    if (!decoded.substring(0, bar).equals(newestFirst ? "newest" : "oldest")) {
      throw GoldgateException.invalid("Invalid pageToken: it continues a listing in the other order; pass the same 'order' as the first page");
    }
    return decoded.substring(bar + 1);
  }
}
