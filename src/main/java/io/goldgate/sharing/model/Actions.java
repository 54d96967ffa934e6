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

  public record QueryStatusLine(QueryStatus queryStatus) {}

  /** State of an asynchronous query: {@code pending} or {@code failed} (with {@code errorMessage}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record QueryStatus(String queryId, String status, String errorMessage) {}

  /** Last line of a response when the client or the request asks for it (paging, refresh). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EndStreamAction(String refreshToken, String nextPageToken, Long minUrlExpirationTimestamp, String errorMessage) {}

  public record AddLine(File add) {}

  public record RemoveLine(File remove) {}

  public record CdfLine(File cdf) {}

  // responseformat=delta: the table's own Delta actions, wrapped, with paths replaced by URLs.

  public record DeltaProtocolLine(DeltaProtocolWrapper protocol) {}

  public record DeltaProtocolWrapper(DeltaProtocol deltaProtocol) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeltaProtocol(int minReaderVersion, int minWriterVersion, List<String> readerFeatures, List<String> writerFeatures) {}

  public record DeltaMetadataLine(DeltaMetadataWrapper metaData) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeltaMetadataWrapper(DeltaMetadata deltaMetadata, Long version, Long size, Long numFiles) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeltaMetadata(
      String id,
      String name,
      String description,
      DeltaFormat format,
      String schemaString,
      List<String> partitionColumns,
      Map<String, String> configuration,
      Long createdTime) {}

  public record DeltaFormat(String provider, Map<String, String> options) {
    public static final DeltaFormat PARQUET = new DeltaFormat("parquet", Map.of());
  }

  public record DeltaFileLine(DeltaFile file) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeltaFile(
      String id, String deletionVectorFileId, Long version, Long timestamp, Long expirationTimestamp, DeltaSingleAction deltaSingleAction) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeltaSingleAction(DeltaAddFile add, DeltaRemoveFile remove, DeltaCdcFile cdc) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeltaAddFile(
      String path, Map<String, String> partitionValues, long size, long modificationTime, boolean dataChange, String stats, DeletionVector deletionVector) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeltaRemoveFile(
      String path,
      Long deletionTimestamp,
      boolean dataChange,
      boolean extendedFileMetadata,
      Map<String, String> partitionValues,
      long size,
      String stats,
      DeletionVector deletionVector) {}

  public record DeltaCdcFile(String path, Map<String, String> partitionValues, long size, boolean dataChange) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeletionVector(String storageType, String pathOrInlineDv, Integer offset, int sizeInBytes, long cardinality) {}

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
