package io.goldgate.sharing.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.goldgate.GoldgateException;
import io.goldgate.lake.VersionSpec;
import java.time.Instant;
import java.util.List;

/**
 * Body of {@code POST .../query}. Fields a newer client may add are ignored, as the protocol's
 * forward compatibility asks; combinations the protocol forbids are refused by {@link #validate}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QueryRequest(
    List<String> predicateHints,
    String jsonPredicateHints,
    Long limitHint,
    Long version,
    String timestamp,
    Long startingVersion,
    Long endingVersion,
    Integer maxFiles,
    String pageToken,
    Boolean includeRefreshToken,
    String refreshToken,
    String idempotencyKey) {

  public static final QueryRequest EMPTY = new QueryRequest(null, null, null, null, null, null, null, null, null, null, null, null);

  /** Throws an invalid-argument error naming the first rule the request breaks. */
  public QueryRequest validate() {
    int timeTravel = (version != null ? 1 : 0) + (timestamp != null ? 1 : 0) + (startingVersion != null ? 1 : 0);
    if (timeTravel > 1) {
      throw GoldgateException.invalid("Only one of version, timestamp and startingVersion may be set");
    }
    if (version != null && version < 0) {
      throw GoldgateException.invalid("version must be >= 0, got " + version);
    }
    if (startingVersion != null && startingVersion < 0) {
      throw GoldgateException.invalid("startingVersion must be >= 0, got " + startingVersion);
    }
    if (endingVersion != null) {
      if (startingVersion == null) {
        throw GoldgateException.invalid("endingVersion is only valid together with startingVersion");
      }
      if (endingVersion < startingVersion) {
        throw GoldgateException.invalid("endingVersion (" + endingVersion + ") must not be before startingVersion (" + startingVersion + ")");
      }
    }
    if (limitHint != null && limitHint < 0) {
      throw GoldgateException.invalid("limitHint must be >= 0, got " + limitHint);
    }
    if (maxFiles != null && maxFiles < 0) {
      throw GoldgateException.invalid("maxFiles must be >= 0, got " + maxFiles);
    }
    if (timestamp != null) {
      parsedTimestamp();
    }
    for (int i = 0; predicateHints != null && i < predicateHints.size(); i++) {
      if (predicateHints.get(i) == null) {
        throw GoldgateException.invalid("predicateHints[" + i + "]: must be a string, not null");
      }
    }
    return this;
  }

  public boolean isTimeTravel() {
    return version != null || timestamp != null;
  }

  public Instant parsedTimestamp() {
    return VersionSpec.parseTimestamp("timestamp", timestamp);
  }

  /** The version this query pins (for {@code version}, {@code timestamp} or neither). */
  public VersionSpec versionSpec() {
    return VersionSpec.of(version, timestamp);
  }
}
