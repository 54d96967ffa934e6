package io.goldgate.lake;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which log actions describe the rows a range of commits changed, as Delta's change data feed
 * defines it; the change data feed of Delta Sharing and incremental materialization both read
 * changes this way.
 */
public final class DataChanges {

  private DataChanges() {}

  /**
   * The row changes of {@code changes}, in log order: a commit with {@code _change_data} files is
   * described by them alone (its added and removed files are a rewrite, not the row changes); any
   * other commit by its data-changing added files (inserts) and removed files (deletes). Metadata
   * changes are kept. This is decided over all of a commit's files, before a reader's row
   * restriction filters what it may see.
   */
  public static List<LogChange> rowChanges(List<LogChange> changes) {
    Set<Long> described = new HashSet<>();
    for (LogChange change : changes) {
      if (change instanceof LogChange.ChangeDataAdded) {
        described.add(change.version());
      }
    }
    return changes.stream()
        .filter(change -> switch (change) {
          case LogChange.ChangeDataAdded c -> true;
          case LogChange.Added a -> a.dataChange() && !described.contains(a.version());
          case LogChange.Removed r -> r.dataChange() && !described.contains(r.version());
          case LogChange.MetadataChanged m -> true;
        })
        .toList();
  }
}
