package io.goldgate.audit;

import io.goldgate.audit.model.AuditEvent;
import io.goldgate.audit.model.FeatureLookups;
import io.goldgate.redis.RedisConnection;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Redis mode: events in the stream {@code goldgate:audit} (one field {@code event}, the JSON),
 * trimmed to about the configured length; last access in the hash {@code goldgate:audit:last-access}
 * (epoch millis, newer-wins in Lua so replicas never move a time back); lookup counters in the
 * hash {@code goldgate:audit:feature-lookups} ({@code lookups:<recipient>}, {@code
 * entityRows:<recipient>}, HINCRBY). Every replica writes to the same keys.
 */
final class RedisAuditSink implements AuditSink {

  static final String STREAM = "goldgate:audit";
  static final String LAST_ACCESS = "goldgate:audit:last-access";
  static final String FEATURE_LOOKUPS = "goldgate:audit:feature-lookups";
  private static final String FIELD = "event";
  private static final Pattern STREAM_ID = Pattern.compile("\\d+-\\d+");
  private static final int CHUNK = 500;
  /** HSET field to ARGV[2] unless it already holds a larger number. */
  private static final String SET_IF_NEWER =
      "local c = redis.call('HGET', KEYS[1], ARGV[1]) "
          + "if c == false or tonumber(c) < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return 0";

  private final RedisConnection redis;
  private final long maxLength;

  RedisAuditSink(RedisConnection redis, long maxLength) {
    this.redis = redis;
    this.maxLength = maxLength;
  }

  @Override
  public String description() {
    return "Redis stream " + STREAM + " (" + redis.description() + ")";
  }

  @Override
  public void append(List<AuditEvent> events) {
    var commands = redis.strings();
    XAddArgs trim = XAddArgs.Builder.maxlen(maxLength).approximateTrimming();
    List<RedisFuture<String>> replies = new ArrayList<>(events.size());
    for (AuditEvent event : events) {
      replies.add(commands.xadd(STREAM, trim, Map.of(FIELD, AuditJson.write(event))));
    }
    long deadline = System.nanoTime() + redis.timeout().toNanos();
    for (RedisFuture<String> reply : replies) {
      redis.await(reply, deadline);
    }
  }

  @Override
  public List<AuditEvent> read(Predicate<AuditEvent> filter, boolean newestFirst, String cursor, Instant notBefore, int max) {
    if (cursor != null && !STREAM_ID.matcher(cursor).matches()) {
      throw new IllegalArgumentException("not a stream id");
    }
    // An event is added after it happened, so its stream id is never older than its time. Stream
    // ids are unsigned: a time before 1970 (a valid date-time) is the stream's start.
    Range.Boundary<String> floor = notBefore == null || notBefore.toEpochMilli() <= 0
        ? Range.Boundary.unbounded()
        : Range.Boundary.including(notBefore.toEpochMilli() + "-0");
    Range.Boundary<String> position = cursor == null ? Range.Boundary.unbounded() : Range.Boundary.excluding(cursor);
    List<AuditEvent> out = new ArrayList<>();
    var commands = redis.strings();
    while (true) {
      List<StreamMessage<String, String>> chunk =
          newestFirst
              ? redis.await(commands.xrevrange(STREAM, Range.from(floor, position), Limit.from(CHUNK)))
              : redis.await(commands.xrange(STREAM, Range.from(position.getValue() == null ? floor : position, Range.Boundary.unbounded()), Limit.from(CHUNK)));
      for (StreamMessage<String, String> message : chunk) {
        AuditEvent event = AuditJson.read(message.getBody().getOrDefault(FIELD, ""), message.getId());
        if (event != null && filter.test(event)) {
          out.add(event);
          if (out.size() >= max) {
            return out;
          }
        }
      }
      if (chunk.size() < CHUNK) {
        return out;
      }
      position = Range.Boundary.excluding(chunk.getLast().getId());
    }
  }

  @Override
  public Map<String, Instant> lastAccess() {
    Map<String, String> stored = redis.await(redis.strings().hgetall(LAST_ACCESS));
    Map<String, Instant> times = new HashMap<>();
    stored.forEach((table, millis) -> {
      try {
        times.put(table, Instant.ofEpochMilli(Long.parseLong(millis)));
      } catch (NumberFormatException ignored) {
        // not ours; skip
      }
    });
    return times;
  }

  @Override
  public void saveLastAccess(Map<String, Instant> times) {
    var commands = redis.strings();
    List<RedisFuture<Long>> replies = new ArrayList<>();
    for (var entry : times.entrySet()) {
      replies.add(commands.eval(SET_IF_NEWER, io.lettuce.core.ScriptOutputType.INTEGER, new String[] {LAST_ACCESS}, entry.getKey(), String.valueOf(entry.getValue().toEpochMilli())));
    }
    long deadline = System.nanoTime() + redis.timeout().toNanos();
    replies.forEach(r -> redis.await(r, deadline));
  }

  @Override
  public Map<String, FeatureLookups> featureLookups() {
    Map<String, String> stored = redis.await(redis.strings().hgetall(FEATURE_LOOKUPS));
    Map<String, FeatureLookups> totals = new HashMap<>();
    stored.forEach((field, value) -> {
      int colon = field.indexOf(':');
      if (colon < 0) return;
      long n;
      try {
        n = Long.parseLong(value);
      } catch (NumberFormatException e) {
        return;
      }
      String recipient = field.substring(colon + 1);
      FeatureLookups add = switch (field.substring(0, colon)) {
        case "lookups" -> new FeatureLookups(n, 0);
        case "entityRows" -> new FeatureLookups(0, n);
        default -> FeatureLookups.NONE;
      };
      totals.merge(recipient, add, FeatureLookups::plus);
    });
    return totals;
  }

  @Override
  public void addFeatureLookups(Map<String, FeatureLookups> deltas) {
    var commands = redis.strings();
    List<RedisFuture<Long>> replies = new ArrayList<>();
    for (var entry : deltas.entrySet()) {
      replies.add(commands.hincrby(FEATURE_LOOKUPS, "lookups:" + entry.getKey(), entry.getValue().lookups()));
      replies.add(commands.hincrby(FEATURE_LOOKUPS, "entityRows:" + entry.getKey(), entry.getValue().entityRows()));
    }
    long deadline = System.nanoTime() + redis.timeout().toNanos();
    replies.forEach(r -> redis.await(r, deadline));
  }
}
