package io.goldgate.lake;

/** One action of a commit, as returned for {@code startingVersion} queries. */
public sealed interface LogChange {
  long version();

  /** Commit time in epoch milliseconds. */
  long timestamp();

  record Added(long version, long timestamp, DataFile file, boolean dataChange) implements LogChange {}

  record Removed(long version, long timestamp, DataFile file, boolean dataChange) implements LogChange {}

  /** A file of {@code _change_data/} holding the row-level changes of one commit. */
  record ChangeDataAdded(long version, long timestamp, DataFile file) implements LogChange {}

  record MetadataChanged(long version, long timestamp, TableSnapshot.Metadata metadata) implements LogChange {}
}
