package io.goldgate.storage.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AzurePathTest {

  @Test
  void anAdlsGen2LocationIsReachedThroughTheBlobEndpointOfItsAccount() {
    AzurePath p = AzurePath.parse("abfss://lake@acct01.dfs.core.windows.net/gold/sales/_delta_log/00000000000000000000.json", null);
    assertEquals(new AzurePath("abfss://lake@acct01.dfs.core.windows.net", "acct01", "lake", "https://acct01.blob.core.windows.net",
        "gold/sales/_delta_log/00000000000000000000.json"), p);
    assertEquals("abfss://lake@acct01.dfs.core.windows.net/gold/x", p.sibling("gold/x"));
  }

  @Test
  void everySchemeAndBothHostFormsNameTheSameBlob() {
    for (String uri : new String[] {
        "abfss://lake@acct01.dfs.core.windows.net/a/b", "abfs://lake@acct01.dfs.core.windows.net/a/b",
        "wasbs://lake@acct01.blob.core.windows.net/a/b", "wasb://lake@acct01.blob.core.windows.net/a/b"}) {
      AzurePath p = AzurePath.parse(uri, null);
      assertEquals("acct01", p.account(), uri);
      assertEquals("lake", p.container(), uri);
      assertEquals("a/b", p.blobName(), uri);
      // Always https: abfs/wasb never make the gateway send a credential in the clear.
      assertEquals("https://acct01.blob.core.windows.net", p.endpoint(), uri);
    }
  }

  @Test
  void sovereignCloudsKeepTheirSuffixAndAPortIsKept() {
    assertEquals("https://acct01.blob.core.chinacloudapi.cn", AzurePath.parse("abfss://c@acct01.dfs.core.chinacloudapi.cn/p", null).endpoint());
    assertEquals("https://acct01.blob.core.usgovcloudapi.net", AzurePath.parse("wasbs://c@acct01.blob.core.usgovcloudapi.net/p", null).endpoint());
    assertEquals("https://acct01.blob.core.windows.net:8443", AzurePath.parse("abfss://c@acct01.dfs.core.windows.net:8443/p", null).endpoint());
    // Only the service label turns into blob: a dfs elsewhere in the host stays.
    assertEquals("https://acct01.blob.dfs.example.com", AzurePath.parse("abfss://c@acct01.dfs.dfs.example.com/p", null).endpoint());
  }

  @Test
  void aConfiguredEndpointReplacesTheHostAndNamesTheAccount() {
    AzurePath azurite = AzurePath.parse("abfss://lake@devstoreaccount1.dfs.core.windows.net/gold/t", "http://127.0.0.1:10000/{account}/");
    assertEquals("http://127.0.0.1:10000/devstoreaccount1", azurite.endpoint());
    assertEquals("devstoreaccount1", azurite.account());
    assertEquals("https://privatelink.example", AzurePath.parse("abfss://c@acct01.dfs.core.windows.net/p", "https://privatelink.example").endpoint());
    // With an endpoint, a short host is fine: it only names the account.
    assertEquals("http://127.0.0.1:1/acct01", AzurePath.parse("abfss://c@acct01/p", "http://127.0.0.1:1/{account}").endpoint());
  }

  @Test
  void theContainerItselfAndNamesWithSpacesParse() {
    assertEquals("", AzurePath.parse("abfss://lake@acct01.dfs.core.windows.net", null).blobName());
    assertEquals("", AzurePath.parse("abfss://lake@acct01.dfs.core.windows.net/", null).blobName());
    assertEquals("gold/my table/part 0.parquet", AzurePath.parse("abfss://lake@acct01.dfs.core.windows.net/gold/my table/part 0.parquet", null).blobName());
    assertEquals("acct01", AzurePath.parse("abfss://lake@ACCT01.dfs.core.windows.net/p", null).account());
  }

  @Test
  void aLocationWithoutContainerOrStorageHostIsRefusedWithAHint() {
    IllegalArgumentException noContainer = assertThrows(IllegalArgumentException.class, () -> AzurePath.parse("abfss://acct01.dfs.core.windows.net/p", null));
    assertEquals("Azure location abfss://acct01.dfs.core.windows.net/p names no container: use abfss://container@account.dfs.core.windows.net/path", noContainer.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AzurePath.parse("abfss://@acct01.dfs.core.windows.net/p", null));
    IllegalArgumentException shortHost = assertThrows(IllegalArgumentException.class, () -> AzurePath.parse("abfss://c@acct01/p", null));
    assertTrue(shortHost.getMessage().contains("set goldgate.storage.azure.endpoint"), shortHost.getMessage());
    IllegalArgumentException badAccount = assertThrows(IllegalArgumentException.class, () -> AzurePath.parse("abfss://c@my-account.dfs.core.windows.net/p", null));
    assertTrue(badAccount.getMessage().contains("storage account name"), badAccount.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AzurePath.parse("abfss://c@ab.dfs.core.windows.net/p", null));
  }

  @Test
  void fileUrlsKeepSlashesAndEncodeEverythingElse() {
    assertEquals("gold/t/part-0.parquet", AzureStore.encodePath("gold/t/part-0.parquet"));
    assertEquals("gold/my%20t/p%3D1%2B2/%C3%A9%3F%23.parquet", AzureStore.encodePath("gold/my t/p=1+2/é?#.parquet"));
  }
}
