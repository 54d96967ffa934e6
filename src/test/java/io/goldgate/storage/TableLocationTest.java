package io.goldgate.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.storage.TableLocation.Provider;
import org.junit.jupiter.api.Test;

class TableLocationTest {

  @Test
  void everySchemeNamesItsProviderInAnyCase() {
    assertEquals(Provider.LOCAL, new TableLocation("file:/lake/t").provider());
    assertEquals(Provider.S3, new TableLocation("s3://b/t").provider());
    assertEquals(Provider.S3, new TableLocation("S3A://b/t").provider());
    assertEquals(Provider.AZURE, new TableLocation("abfss://c@a.dfs.core.windows.net/t").provider());
    assertEquals(Provider.AZURE, new TableLocation("ABFS://c@a.dfs.core.windows.net/t").provider());
    assertEquals(Provider.AZURE, new TableLocation("wasbs://c@a.blob.core.windows.net/t").provider());
    assertEquals(Provider.AZURE, new TableLocation("Wasb://c@a.blob.core.windows.net/t").provider());
    assertEquals(Provider.GCS, new TableLocation("gs://b/t").provider());
    assertTrue(new TableLocation("gs://b/t").isObjectStore());
    assertFalse(new TableLocation("file:/lake/t").isObjectStore());
  }

  @Test
  void schemesThatOnlyStartOrEndLikeAKnownOneNameNone() {
    for (String uri : new String[] {"s3x://b/t", "gss://b/t", "fil:/t", "hdfs://n/t", "abf://c/t", ":/t", "s://b"}) {
      assertNull(new TableLocation(uri).provider(), uri);
    }
    assertEquals(Provider.LOCAL, Provider.ofPath("/lake/t/part-0.parquet"));
    assertEquals(Provider.S3, Provider.ofPath("s3a://b/t/part-0.parquet"));
    assertNull(Provider.ofPath("http://host/t"));
  }
}
