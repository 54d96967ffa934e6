package io.goldgate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.redis.RedisConnection;
import io.goldgate.testing.RealRedis;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The issuer index of {@link RedisRecipientStore} (which recipients a federated token's issuer may
 * stand for), against a real redis-server: look-ups follow every change of the records, and an
 * issuer no recipient names any more leaves no key behind.
 */
class RedisRecipientStoreIssuerIndexTest {

  private static final String KEYCLOAK = "https://idp.example.com/realms/partners";
  private static final String ENTRA = "https://login.microsoftonline.com/tenant/v2.0";

  private static int port;
  private static RedisConnection connection;
  private static RedisRecipientStore store;

  @BeforeAll
  static void startRedis() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    RealRedis.start(port);
    connection = new RedisConnection("redis://127.0.0.1:" + port, false, Duration.ofSeconds(2));
    store = new RedisRecipientStore(connection);
  }

  @AfterAll
  static void stopRedis() {
    connection.close();
    RealRedis.shutdown(port);
  }

  @BeforeEach
  void emptyRedis() {
    assertTrue(RealRedis.send(port, "FLUSHALL").startsWith("+OK"));
  }

  private static FederationPolicy policy(String issuer, String subject) {
    return new FederationPolicy(issuer, List.of("goldgate"), "sub", subject);
  }

  private static StoredRecipient recipient(String name, FederationPolicy... policies) {
    Instant now = Instant.now();
    return new StoredRecipient(name, null, List.of("retail"), Map.of(), List.of(), List.of(), null, now, now, List.of(), List.of(policies));
  }

  private static List<String> namesFor(String issuer) {
    return store.findByIssuer(issuer).stream().map(StoredRecipient::name).toList();
  }

  private static boolean indexKeyExists(String issuer) {
    String reply = RealRedis.send(port, "EXISTS " + RedisRecipientStore.ISSUER + Secrets.sha256Hex(issuer));
    assertTrue(reply.startsWith(":"), reply);
    return reply.startsWith(":1");
  }

  private static String issuerKeys() {
    return RealRedis.send(port, "KEYS " + RedisRecipientStore.ISSUER + "*");
  }

  @Test
  void givenRecipientsNamingAnIssuer_thenFindByIssuerReturnsThem_sortedByName() {
    assertTrue(store.create(recipient("zeta", policy(KEYCLOAK, "z"))));
    assertTrue(store.create(recipient("alpha", policy(KEYCLOAK, "a"), policy(ENTRA, "a"))));
    assertTrue(store.create(recipient("mid", policy(ENTRA, "m"))));
    assertTrue(store.create(recipient("plain")));

    assertEquals(List.of("alpha", "zeta"), namesFor(KEYCLOAK));
    assertEquals(List.of("alpha", "mid"), namesFor(ENTRA));
    assertEquals(List.of(), namesFor("https://idp.example.com/realms/other"));
    assertEquals(List.of(), namesFor(KEYCLOAK + "/"), "issuers compare exactly");
    assertEquals(List.of(policy(KEYCLOAK, "a"), policy(ENTRA, "a")), store.findByIssuer(KEYCLOAK).get(0).federationPolicies());
  }

  @Test
  void givenAPolicyIsRemoved_thenItsRecipientIsNoLongerFound_andTheLastOneRemovesTheIndexKey() {
    store.create(recipient("alpha", policy(KEYCLOAK, "a"), policy(ENTRA, "a")));
    store.create(recipient("zeta", policy(KEYCLOAK, "z"), policy(KEYCLOAK, "z2")));

    store.update("alpha", r -> r.withFederationPolicies(List.of(policy(ENTRA, "a")), Instant.now()));
    assertEquals(List.of("zeta"), namesFor(KEYCLOAK));
    assertEquals(List.of("alpha"), namesFor(ENTRA));

    store.update("zeta", r -> r.withFederationPolicies(List.of(policy(KEYCLOAK, "z2")), Instant.now()));
    assertEquals(List.of("zeta"), namesFor(KEYCLOAK), "one of its two policies for the issuer is left");

    store.update("zeta", r -> r.withFederationPolicies(List.of(), Instant.now()));
    assertEquals(List.of(), namesFor(KEYCLOAK));
    assertFalse(indexKeyExists(KEYCLOAK), "no recipient names the issuer: its key is gone");
    assertTrue(indexKeyExists(ENTRA));

    store.update("alpha", r -> r.withFederationPolicies(List.of(policy(KEYCLOAK, "a")), Instant.now()));
    assertEquals(List.of("alpha"), namesFor(KEYCLOAK), "a policy moved to another issuer");
    assertEquals(List.of(), namesFor(ENTRA));
    assertFalse(indexKeyExists(ENTRA));
  }

  @Test
  void givenTheRecipientIsDeleted_thenItIsNoLongerFound_andNoIndexKeyIsLeft() {
    store.create(recipient("alpha", policy(KEYCLOAK, "a"), policy(ENTRA, "a")));
    store.create(recipient("zeta", policy(KEYCLOAK, "z")));

    assertTrue(store.delete("alpha"));
    assertEquals(List.of("zeta"), namesFor(KEYCLOAK));
    assertEquals(List.of(), namesFor(ENTRA));
    assertFalse(indexKeyExists(ENTRA));

    assertTrue(store.delete("zeta"));
    assertEquals(List.of(), namesFor(KEYCLOAK));
    assertEquals("*0\r\n", issuerKeys(), "no issuer key left");
  }

  @Test
  void givenOtherChanges_thenTheIndexIsKept() {
    store.create(recipient("alpha", policy(KEYCLOAK, "a")));

    store.update("alpha", r -> r.withShares(List.of("retail", "finance"), Instant.now()));
    store.update("alpha", r -> r.withDetails("a partner", Map.of("region", "emea"), List.of(), Instant.now()));

    assertEquals(List.of("alpha"), namesFor(KEYCLOAK));
    assertEquals(List.of("finance", "retail"), store.findByIssuer(KEYCLOAK).get(0).shares().stream().sorted().toList());
  }

  @Test
  void givenAStaleIndexEntry_thenTheRecordDecides() {
    store.create(recipient("alpha", policy(KEYCLOAK, "a")));
    store.create(recipient("mid", policy(ENTRA, "m")));
    String key = RedisRecipientStore.ISSUER + Secrets.sha256Hex(KEYCLOAK);
    RealRedis.send(port, "SADD " + key + " mid ghost");

    assertEquals(List.of("alpha"), namesFor(KEYCLOAK), "a recipient whose record does not name the issuer, or that does not exist, is skipped");
  }

  @Test
  void givenACreateUnderATakenName_thenItChangesNothing_andLeavesNoIndexEntry() {
    assertTrue(store.create(recipient("alpha")));

    assertFalse(store.create(recipient("alpha", policy(KEYCLOAK, "a"))));

    assertEquals(List.of(), store.get("alpha").orElseThrow().federationPolicies());
    assertEquals(List.of(), namesFor(KEYCLOAK));
    assertFalse(indexKeyExists(KEYCLOAK), "the refused create left nothing in the index");
  }
}
