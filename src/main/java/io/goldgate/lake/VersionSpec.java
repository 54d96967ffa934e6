package io.goldgate.lake;

import io.goldgate.GoldgateException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Which versions of a table a read covers: one version (the latest, an exact one, or the one as of
 * a time) for snapshot reads, or a range of them for change reads.
 */
public sealed interface VersionSpec {

  record Latest() implements VersionSpec {}

  record At(long version) implements VersionSpec {}

  /** For a snapshot or a range's end: the last commit at or before the time. */
  record AsOf(Instant timestamp) implements VersionSpec {}

  /**
   * The commits of a change read: from {@code from} ({@link At}, or {@link AsOf} meaning the first
   * commit at or after that time) to {@code to} ({@link At}, capped at the latest version, {@link
   * AsOf}, or {@link Latest}).
   */
  record Range(VersionSpec from, VersionSpec to) implements VersionSpec {
    public Range {
      if (from instanceof Latest || from instanceof Range || to instanceof Range) {
        throw new IllegalArgumentException("A range starts at a version or a time and ends at one or at the latest");
      }
    }
  }

  VersionSpec LATEST = new Latest();

  /**
   * From a request's optional version and timestamp, at most one of which is set.
   *
   * @throws GoldgateException INVALID_ARGUMENT for both at once, or a timestamp that is not ISO-8601
   */
  static VersionSpec of(Long version, String timestamp) {
    if (version != null && timestamp != null) {
      throw GoldgateException.invalid("Only one of version and timestamp may be set");
    }
    if (version != null) {
      return new At(version);
    }
    return timestamp != null ? new AsOf(parseTimestamp("timestamp", timestamp)) : LATEST;
  }

  /** The protocol's timestamp format: ISO-8601 with an offset, such as {@code 2022-01-01T00:00:00Z}. */
  static Instant parseTimestamp(String field, String value) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException | NullPointerException e) {
      throw GoldgateException.invalid(field + " must be an ISO-8601 timestamp such as 2022-01-01T00:00:00Z, got '" + value + "'");
    }
  }
}
