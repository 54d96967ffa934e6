package io.goldgate.catalog;

import io.goldgate.lake.TableRef;
import java.util.List;

/**
 * What reads tables besides the shares that publish them (the feature views), for lineage. The
 * faces that own such readers implement it; governance and the operator pages see them through it
 * without depending on any face.
 */
public interface TableReaders {

  /**
   * @param name the reader's name (a feature view's)
   * @param table the table it reads
   * @param recipients who may read what it derives from the table, sorted
   */
  record Reader(String name, TableRef table, List<String> recipients) {}

  List<Reader> readers();
}
