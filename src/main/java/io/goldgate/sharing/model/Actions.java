package io.goldgate.sharing.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** The lines of the NDJSON responses in {@code responseformat=parquet}. */
public final class Actions {

  private Actions() {}

  public record ProtocolLine(Protocol protocol) {}

  public record Protocol(int minReaderVersion) {}

  public record MetadataLine(Metadata metaData) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Metadata(
      String id,
      String name,
      String description,
      Format format,
      String schemaString,
      List<String> partitionColumns,
      Map<String, String> configuration,
      Long version,
      Long size,
      Long numFiles) {}

  public record Format(String provider) {
    public static final Format PARQUET = new Format("parquet");
  }

  public record FileLine(File file) {}

  public record EndStreamLine(EndStreamAction endStreamAction) {}

  /** Last line of a response when the client or the request asks for it (paging, refresh). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EndStreamAction(String refreshToken, String nextPageToken, Long minUrlExpirationTimestamp, String errorMessage) {}

  public record AddLine(File add) {}

  public record RemoveLine(File remove) {}

  /** A data file with the URL to fetch it; also the body of {@code add} and {@code remove}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record File(
      String url,
      String id,
      Map<String, String> partitionValues,
      long size,
      String stats,
      Long version,
      Long timestamp,
      Long expirationTimestamp) {}
}
