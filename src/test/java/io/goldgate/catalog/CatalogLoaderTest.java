package io.goldgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.storage.TableLocation;
import io.goldgate.access.CredentialKind;
import io.goldgate.access.FederationPolicy;
import io.goldgate.access.Recipient;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogLoaderTest {

  private static final String HASH = "sha256:" + "ab".repeat(32);
  private static final Validator VALIDATOR =
      Validation.byDefaultProvider().configure().messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

  @TempDir Path dir;

  private ShareCatalog load(String yaml) throws IOException {
    Files.writeString(dir.resolve("shares.yaml"), yaml);
    return new CatalogLoader(VALIDATOR).load(dir);
  }

  private void assertRefused(String yaml, String... expectedInMessage) {
    CatalogException e = assertThrows(CatalogException.class, () -> load(yaml));
    assertTrue(e.getMessage().contains(dir.resolve("shares.yaml").toString()), "names the file: " + e.getMessage());
    for (String expected : expectedInMessage) {
      assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
  }

  @Test
  void givenTheBundledSampleCatalog_whenLoaded_thenSharesTablesAndRecipientsResolve() {
    ShareCatalog catalog = new CatalogLoader(VALIDATOR).load(Path.of("shares"));
    assertEquals(3, catalog.shares().size());
    SharedTable sales = catalog.table("RETAIL", "Gold", "Sales_Daily").orElseThrow();
    assertEquals(Path.of("shares/sample-lake/sales_daily").toAbsolutePath(), sales.location().localRoot());
    assertTrue(sales.historyShared());
    assertEquals(sales, catalog.tableById(sales.id()).orElseThrow());
    assertEquals(2, catalog.recipients().size());
  }

  @Test
  void givenAnEmptyDirectory_whenLoaded_thenTheCatalogIsEmptyAndStartupGoesOn() {
    // The container image's default catalog directory: no share, no recipient, no refusal.
    ShareCatalog catalog = new CatalogLoader(VALIDATOR).load(dir);
    assertEquals(0, catalog.shares().size());
    assertEquals(0, catalog.recipients().size());
  }

  @Test
  void givenNoIds_whenLoadedTwice_thenIdsAreStable() throws IOException {
    String yaml = "shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n          - name: t\n            location: t\n";
    String first = load(yaml).table("s", "x", "t").orElseThrow().id();
    assertEquals(first, load(yaml).table("s", "x", "t").orElseThrow().id());
  }

  @Test
  void givenAPlainTokenInsteadOfAHash_thenStartupNamesTheField() {
    assertRefused(
        "shares: []\nrecipients:\n  - name: r\n    tokens:\n      - hash: my-secret-token\n    shares: []\n",
        "recipients[0].tokens[0].hash", "sha256:");
  }

  @Test
  void givenAnUnknownField_thenStartupNamesIt() {
    assertRefused("shares:\n  - name: s\n    schemas: []\n    colour: red\n", "colour");
  }

  @Test
  void givenAWrongType_thenStartupNamesTheFieldPath() {
    assertRefused(
        "shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n          - name: t\n            location: t\n            historyShared: maybe\n",
        "shares[0].schemas[0].tables[0].historyShared");
  }

  @Test
  void givenAGrantOfAnUndeclaredShare_thenStartupNamesIt() {
    assertRefused("shares: []\nrecipients:\n  - name: r\n    tokens:\n      - hash: " + HASH + "\n    shares: [ghost]\n", "recipients[0].shares[0]", "ghost");
  }

  @Test
  void givenTheSameShareTwice_thenStartupRefusesTheSecond() {
    assertRefused("shares:\n  - name: s\n    schemas: []\n  - name: S\n    schemas: []\n", "shares[1].name", "already declared");
  }

  @Test
  void givenATableNameWithAPeriodOrSlash_thenStartupRefusesIt() {
    assertRefused("shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n          - name: a.b\n            location: t\n", "shares[0].schemas[0].tables[0].name");
    assertRefused("shares:\n  - name: s/t\n    schemas: []\n", "shares[0].name");
  }

  @Test
  void givenAMissingLocation_thenStartupNamesIt() {
    assertRefused("shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n          - name: t\n", "shares[0].schemas[0].tables[0].location");
  }

  @Test
  void givenBrokenYaml_thenStartupSaysSo() {
    assertRefused("shares:\n  - name: \"unterminated\n", "YAML");
  }

  @Test
  void givenAnUnsupportedStorageScheme_thenStartupNamesTheLocation() {
    assertRefused("shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n          - name: t\n            location: ftp://host/t\n", "tables[0].location", "ftp://host/t");
  }

  @Test
  void givenAnS3Location_thenTheTableKeepsItsBucketAndPrefix() throws IOException {
    SharedTable t = load("shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n          - name: t\n            location: s3://lake/gold/t/\n").table("s", "x", "t").orElseThrow();
    assertEquals("s3://lake/gold/t", t.location().uri());
    assertEquals("lake", t.location().bucket());
    assertEquals("gold/t", t.location().keyPrefix());
  }

  @Test
  void givenAzureAndGcsLocations_thenEachTableKeepsItsStoreContainerAndPrefix() throws IOException {
    ShareCatalog catalog = load(
        "shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n"
            + "          - name: adls\n            location: abfss://gold@acct1.dfs.core.windows.net/sales/daily/\n"
            + "          - name: blob\n            location: wasbs://gold@acct2.blob.core.chinacloudapi.cn/t\n"
            + "          - name: gcs\n            location: gs://lake/gold/t\n");
    TableLocation adls = catalog.table("s", "x", "adls").orElseThrow().location();
    assertEquals(TableLocation.Provider.AZURE, adls.provider());
    assertEquals("gold", adls.bucket());
    assertEquals("acct1", adls.account());
    assertEquals("sales/daily", adls.keyPrefix());
    assertEquals("sales/daily/part-0.parquet", adls.key("part-0.parquet"));
    TableLocation blob = catalog.table("s", "x", "blob").orElseThrow().location();
    assertEquals(TableLocation.Provider.AZURE, blob.provider());
    assertEquals("acct2", blob.account());
    TableLocation gcs = catalog.table("s", "x", "gcs").orElseThrow().location();
    assertEquals(TableLocation.Provider.GCS, gcs.provider());
    assertEquals("lake", gcs.bucket());
    assertEquals("gold/t", gcs.keyPrefix());
  }

  @Test
  void givenAnAzureLocationWithoutAContainer_thenStartupNamesTheLocation() {
    assertRefused(
        "shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n          - name: t\n            location: abfss://acct.dfs.core.windows.net/t\n",
        "tables[0].location", "abfss://acct.dfs.core.windows.net/t");
  }

  @Test
  void givenTheSameTokenHashForTwoRecipients_thenStartupRefusesIt() {
    assertRefused(
        "recipients:\n  - name: a\n    tokens:\n      - hash: " + HASH + "\n    shares: []\n  - name: b\n    tokens:\n      - hash: " + HASH + "\n    shares: []\n",
        "recipients[1].tokens[0].hash");
  }

  private static final String POLICY =
      "    federationPolicies:\n      - issuer: https://login.example.com/tenant/v2.0\n        audiences: [goldgate]\n        subjectClaim: azp\n        subject: app-1\n";

  @Test
  void givenRecipientsWithClientSecretsOrFederationPoliciesInsteadOfTokens_whenLoaded_thenEachKeepsWhatItSignsInWith() throws IOException {
    ShareCatalog catalog = load(
        "recipients:\n  - name: client\n    clientSecrets:\n      - hash: " + HASH + "\n        expiresAt: 2030-01-01T00:00:00Z\n    shares: []\n"
            + "  - name: federated\n" + POLICY + "    shares: []\n"
            + "  - name: default-claim\n    federationPolicies:\n      - issuer: http://127.0.0.1:8180/realms/x\n        audiences: [a, b]\n        subject: s\n    shares: []\n");
    Recipient client = catalog.recipients().stream().filter(r -> r.name().equals("client")).findFirst().orElseThrow();
    assertEquals(1, client.tokens().size());
    assertEquals(CredentialKind.CLIENT_SECRET, client.tokens().get(0).kind(), "a client secret, never accepted as a bearer token");
    assertEquals(java.time.Instant.parse("2030-01-01T00:00:00Z"), client.tokens().get(0).expiresAt());
    assertEquals(List.of(), client.federationPolicies());
    Recipient federated = catalog.recipients().stream().filter(r -> r.name().equals("federated")).findFirst().orElseThrow();
    assertEquals(List.of(), federated.tokens());
    assertEquals(List.of(new FederationPolicy("https://login.example.com/tenant/v2.0", List.of("goldgate"), "azp", "app-1")), federated.federationPolicies());
    Recipient byDefault = catalog.recipients().stream().filter(r -> r.name().equals("default-claim")).findFirst().orElseThrow();
    assertEquals("sub", byDefault.federationPolicies().get(0).subjectClaim());
  }

  @Test
  void givenARecipientWithNoWayToSignIn_thenStartupRefusesIt() {
    assertRefused("recipients:\n  - name: nobody\n    shares: []\n",
        "recipients[0]: list at least one of tokens, clientSecrets or federationPolicies, or the recipient can never sign in");
    assertRefused("recipients:\n  - name: nobody\n    tokens: []\n    clientSecrets: []\n    federationPolicies: []\n    shares: []\n",
        "recipients[0]: list at least one of tokens, clientSecrets or federationPolicies");
  }

  @Test
  void givenTheSameHashAsATokenAndAClientSecret_thenStartupRefusesIt() {
    assertRefused("recipients:\n  - name: a\n    tokens:\n      - hash: " + HASH + "\n    clientSecrets:\n      - hash: " + HASH + "\n    shares: []\n",
        "recipients[0].clientSecrets[0].hash: the same hash is used twice");
    assertRefused("recipients:\n  - name: a\n    clientSecrets:\n      - hash: " + HASH + "\n    shares: []\n  - name: b\n    tokens:\n      - hash: " + HASH + "\n    shares: []\n",
        "recipients[1].tokens[0].hash: the same hash is used twice");
    assertRefused("recipients:\n  - name: a\n    clientSecrets:\n      - hash: not-a-hash\n    shares: []\n", "recipients[0].clientSecrets[0].hash", "sha256:");
  }

  @Test
  void givenABadFederationPolicy_thenStartupNamesItsField() {
    String recipient = "recipients:\n  - name: f\n    shares: []\n    federationPolicies:\n      - ";
    assertRefused(recipient + "issuer: https://idp.example.com\n        audiences: []\n        subject: s\n",
        "recipients[0].federationPolicies[0].audiences: name at least one audience");
    assertRefused(recipient + "issuer: https://idp.example.com\n        audiences: [goldgate, ~]\n        subject: s\n",
        "recipients[0].federationPolicies[0].audiences[1]: required");
    assertRefused(recipient + "issuer: not a url\n        audiences: [goldgate]\n        subject: s\n", "recipients[0].federationPolicies[0].issuer");
    // Keys decide who reads: plain http only on loopback unless goldgate.federation.allow-http.
    assertRefused(recipient + "issuer: http://idp.example.com/realms/x\n        audiences: [goldgate]\n        subject: s\n",
        "recipients[0].federationPolicies[0].issuer: must be https (plain http only on loopback, or with goldgate.federation.allow-http=true)");
    assertRefused(recipient + "issuer: https://idp.example.com\n        audiences: [goldgate]\n        subjectClaim: \"a b\"\n        subject: s\n",
        "recipients[0].federationPolicies[0].subjectClaim");
    assertRefused(recipient + "issuer: https://idp.example.com\n        audiences: [goldgate]\n", "recipients[0].federationPolicies[0].subject: required");
    assertRefused(recipient + "issuer: https://idp.example.com\n        audience: [goldgate]\n        subject: s\n", "audience");
    String many = "      - {issuer: \"https://idp.example.com\", audiences: [g], subject: s}\n";
    assertRefused("recipients:\n  - name: f\n    shares: []\n    federationPolicies:\n" + many.repeat(21), "recipients[0].federationPolicies");
  }

  private static String restrictedTable(String filterYaml) {
    return "shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n          - name: t\n            location: t\n"
        + "            recipientPartitionFilter:\n" + filterYaml;
  }

  @Test
  void givenARecipientPartitionFilter_whenLoaded_thenTheTableKeepsItsColumnsAndValueSources() throws IOException {
    SharedTable t = load(restrictedTable("              region: \"${recipient.region}\"\n              year: 2026\n")).table("s", "x", "t").orElseThrow();
    assertEquals(
        java.util.Map.of(
            "region", new RecipientPartitionFilter.Value.RecipientProperty("region"),
            "year", new RecipientPartitionFilter.Value.Literal("2026")),
        t.partitionFilter().columns());
    assertTrue(t.partitionFilter().declaredAt().endsWith("shares.yaml: shares[0].schemas[0].tables[0].recipientPartitionFilter"), t.partitionFilter().declaredAt());
  }

  @Test
  void givenNoRecipientPartitionFilter_thenTheTableIsUnrestricted() throws IOException {
    SharedTable t = load("shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n          - name: t\n            location: t\n").table("s", "x", "t").orElseThrow();
    assertTrue(t.partitionFilter().isNone());
  }

  @Test
  void givenAMalformedRecipientReference_thenStartupNamesTheFieldAndTheSyntax() {
    for (String bad : new String[] {"\"${recipient.region\"", "\"${region}\"", "\"${recipient.}\"", "\"emea-${recipient.region}\"", "\"${recipient.my region}\""}) {
      assertRefused(restrictedTable("              region: " + bad + "\n"),
          "shares[0].schemas[0].tables[0].recipientPartitionFilter.region", "${recipient.<property>}");
    }
  }

  @Test
  void givenAnEmptyOrValuelessRecipientPartitionFilter_thenStartupNamesIt() {
    assertRefused(restrictedTable("              region:\n"), "tables[0].recipientPartitionFilter.region", "needs a value");
    assertRefused(
        "shares:\n  - name: s\n    schemas:\n      - name: x\n        tables:\n          - name: t\n            location: t\n            recipientPartitionFilter: {}\n",
        "tables[0].recipientPartitionFilter", "at least one partition column");
  }

  @Test
  void givenTheSameColumnTwiceInAnotherCase_thenStartupRefusesIt() {
    assertRefused(restrictedTable("              region: EMEA\n              REGION: APAC\n"), "recipientPartitionFilter.REGION", "listed twice");
  }

  @Test
  void givenAMissingDirectory_thenStartupSaysWhichSettingToFix() {
    CatalogException e = assertThrows(CatalogException.class, () -> new CatalogLoader(VALIDATOR).load(dir.resolve("nope")));
    assertTrue(e.getMessage().contains("goldgate.shares.dir"));
  }
}
