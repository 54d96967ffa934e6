package io.goldgate.sharing;

import io.goldgate.catalog.SharedTable;
import io.goldgate.lake.DataFile;
import io.goldgate.lake.DeletionVector;
import io.goldgate.lake.TableSnapshot;
import io.goldgate.sharing.model.Actions;
import java.net.URI;
import java.util.List;

/**
 * Builds the lines of one response in the format negotiated for it. Parquet lines describe files
 * in the protocol's own shape; delta lines carry the table's Delta actions as they are in the log,
 * with every path (data files and deletion vector files) replaced by a pre-signed URL.
 */
final class ActionLines {

  private final ResponseFormat format;
  private final String idScheme;
  private final long expiresAt;
  private final FileUrls.Issuer urls;

  /** @param recipient who the file URLs are issued to (named in them, for the audit log) */
  ActionLines(ResponseFormat format, String idScheme, SharedTable table, FileUrls urls, URI base, long expiresAt, String recipient) {
    this.format = format;
    this.idScheme = idScheme;
    this.expiresAt = expiresAt;
    this.urls = urls.issuer(base, table, expiresAt, recipient);
  }

  long expiresAt() {
    return expiresAt;
  }

  Object protocol(TableSnapshot.Protocol p) {
    if (format == ResponseFormat.PARQUET) {
      return new Actions.ProtocolLine(new Actions.Protocol(1));
    }
    List<String> readerFeatures = p.minReaderVersion() >= 3 ? p.readerFeatures().stream().sorted().toList() : null;
    List<String> writerFeatures = p.minWriterVersion() >= 7 ? p.writerFeatures().stream().sorted().toList() : null;
    return new Actions.DeltaProtocolLine(
        new Actions.DeltaProtocolWrapper(new Actions.DeltaProtocol(p.minReaderVersion(), p.minWriterVersion(), readerFeatures, writerFeatures)));
  }

  Object metadata(TableSnapshot.Metadata m, Long version, Long size, Long numFiles) {
    if (format == ResponseFormat.PARQUET) {
      return new Actions.MetadataLine(
          new Actions.Metadata(
              m.id(), m.name(), m.description(), Actions.Format.PARQUET, m.schemaString(), m.partitionColumns(), m.configuration(), version, size, numFiles));
    }
    var delta =
        new Actions.DeltaMetadata(
            m.id(), m.name(), m.description(), Actions.DeltaFormat.PARQUET, m.schemaString(), m.partitionColumns(), m.configuration(), m.createdTime());
    return new Actions.DeltaMetadataLine(new Actions.DeltaMetadataWrapper(delta, version, size, numFiles));
  }

  /** A file of a snapshot; {@code version} and {@code timestamp} only for time travel. */
  Object file(DataFile f, Long version, Long timestamp) {
    if (format == ResponseFormat.PARQUET) {
      return new Actions.FileLine(parquetFile(f, version, timestamp));
    }
    return deltaLine(f, version, timestamp, new Actions.DeltaSingleAction(deltaAdd(f), null, null));
  }

  Object add(DataFile f, long version, long timestamp) {
    if (format == ResponseFormat.PARQUET) {
      return new Actions.AddLine(parquetFile(f, version, timestamp));
    }
    return deltaLine(f, version, timestamp, new Actions.DeltaSingleAction(deltaAdd(f), null, null));
  }

  Object remove(DataFile f, long version, long timestamp) {
    if (format == ResponseFormat.PARQUET) {
      return new Actions.RemoveLine(parquetFile(f, version, timestamp));
    }
    var remove =
        new Actions.DeltaRemoveFile(url(f), timestamp, f.dataChange(), true, f.partitionValues(), f.size(), f.stats(), deletionVector(f));
    return deltaLine(f, version, timestamp, new Actions.DeltaSingleAction(null, remove, null));
  }

  Object cdf(DataFile f, long version, long timestamp) {
    if (format == ResponseFormat.PARQUET) {
      return new Actions.CdfLine(parquetFile(f, version, timestamp));
    }
    var cdc = new Actions.DeltaCdcFile(url(f), f.partitionValues(), f.size(), false);
    return deltaLine(f, version, timestamp, new Actions.DeltaSingleAction(null, null, cdc));
  }

  private Actions.File parquetFile(DataFile f, Long version, Long timestamp) {
    return new Actions.File(url(f), FileUrls.fileId(f.path(), idScheme), f.partitionValues(), f.size(), f.stats(), version, timestamp, expiresAt);
  }

  private Actions.DeltaFileLine deltaLine(DataFile f, Long version, Long timestamp, Actions.DeltaSingleAction action) {
    DeletionVector dv = f.deletionVector();
    String dvId = dv == null || dv.isInline() ? null : FileUrls.fileId(dv.location(), idScheme);
    return new Actions.DeltaFileLine(new Actions.DeltaFile(FileUrls.fileId(f.path(), idScheme), dvId, version, timestamp, expiresAt, action));
  }

  private Actions.DeltaAddFile deltaAdd(DataFile f) {
    return new Actions.DeltaAddFile(url(f), f.partitionValues(), f.size(), f.modificationTime(), f.dataChange(), f.stats(), deletionVector(f));
  }

  private String url(DataFile f) {
    return urls.url(f.path());
  }

  /** Inline vectors travel as they are; on-disk ones become pre-signed URLs ({@code p} storage). */
  private Actions.DeletionVector deletionVector(DataFile f) {
    DeletionVector dv = f.deletionVector();
    if (dv == null) {
      return null;
    }
    DeletionVector shared = dv.isInline() ? dv : dv.atAbsolutePath(urls.url(dv.storageType().equals("u") ? encodeRelative(dv.location()) : dv.location()));
    return new Actions.DeletionVector(shared.storageType(), shared.pathOrInlineDv(), shared.offset(), shared.sizeInBytes(), shared.cardinality());
  }

  /** UUID-named vectors are plain relative paths; log paths are URL-encoded, so encode alike. */
  private static String encodeRelative(String relative) {
    return relative.replace("%", "%25");
  }
}
