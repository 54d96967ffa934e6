package io.goldgate.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.catalog.CatalogHolder;
import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The snapshot cache counts what its snapshots hold, file lists included, against its byte bound. */
@QuarkusTest
@WithTestResource(SampleLake.class)
class SnapshotCacheTest {

  @Inject DeltaLake lake;
  @Inject CatalogHolder catalog;

  @Test
  void aSnapshotIsWeighedAgainOnceItsFileListIsLoaded() {
    TableRef ref = catalog.catalog().table("retail", "gold", "sales_daily").orElseThrow().ref();
    for (long version = 0; version <= 4; version++) {
      TableSnapshot snapshot = lake.at(ref, version);
      assertEquals(snapshot.heapBytes(), lake.cachedBytes(ref, version));
      int files = snapshot.files().size();
      assertTrue(snapshot.heapBytes() > 4096 + files * 256L, "the file list counts: " + snapshot.heapBytes());
      assertEquals(snapshot.heapBytes(), lake.cachedBytes(ref, version), "the cache holds the weight with the file list");
    }
  }
}
