package io.goldgate.admin;

import static io.goldgate.admin.RecipientApi.asAdmin;
import static io.goldgate.admin.RecipientApi.withToken;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goldgate.access.Secrets;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A scripted recipients lifecycle that checks no token, and no SHA-256 of one (hex or base64),
 * shows up in any answer (the activation profile aside: delivering the token is its job) or in any
 * log line the gateway writes meanwhile. Log lines are captured by a handler on the root logger,
 * which every Quarkus log record goes through.
 */
final class NoLeakScenario {

  /** Collects every log record, with its formatted message and any exception's messages. */
  static final class CapturingHandler extends Handler {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void publish(LogRecord record) {
      String message = record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
      var line = new StringBuilder(record.getLoggerName() + " " + message);
      for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
        line.append(" | ").append(t);
      }
      lines.add(line.toString());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  static List<String> forms(String token) {
    byte[] hash = Secrets.sha256(token);
    String hex = HexFormat.of().formatHex(hash);
    return List.of(
        token,
        hex,
        hex.toUpperCase(Locale.ROOT),
        Base64.getEncoder().encodeToString(hash),
        Base64.getEncoder().withoutPadding().encodeToString(hash),
        Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
  }

  /** Runs the lifecycle for {@code name} and asserts nothing leaked; returns the tokens issued. */
  static List<String> run(String name) {
    var handler = new CapturingHandler();
    handler.setLevel(Level.ALL);
    Logger root = Logger.getLogger("");
    root.addHandler(handler);
    var api = new RecipientApi();
    var tokens = new ArrayList<String>();
    try {
      var created = api.create("{\"name\":\"" + name + "\",\"shares\":[\"retail\"],\"ipAllowList\":[\"10.0.0.0/8\"],\"tokenLifetime\":\"P30D\"}");
      String link = created.getString("activation.url");
      tokens.add(RecipientApi.activate(link).getString("bearerToken"));
      api.keep(given().get(URI.create(link).getPath()));
      api.keep(withToken(tokens.get(0)).get("/delta-sharing/shares"));
      api.keep(withToken(tokens.get(0)).contentType("application/json")
          .body("{\"features\":[\"customer_stats:segment\"],\"entities\":{\"customer_id\":[1]}}").post("/get-online-features"));
      api.keep(asAdmin().body("{\"ipAllowList\":[]}").patch("/admin/recipients/" + name));
      api.keep(withToken(tokens.get(0)).get("/delta-sharing/shares/retail/all-tables"));
      api.keep(withToken(tokens.get(0)).contentType("application/json").body("{\"limitHint\":1}")
          .post("/delta-sharing/shares/retail/schemas/gold/tables/sales_daily/query"));
      var rotated = api.issue(name, "{\"gracePeriod\":\"PT1H\"}");
      tokens.add(RecipientApi.activate(rotated.getString("activation.url")).getString("bearerToken"));
      api.keep(withToken(tokens.get(1)).get("/delta-sharing/shares/retail"));
      api.keep(withToken(tokens.get(0)).get("/admin/recipients"));
      api.keep(asAdmin().get("/admin/recipients"));
      api.keep(asAdmin().get("/admin/recipients/" + name));
      api.keep(asAdmin().post("/admin/recipients/" + name + "/revoke"));
      for (String token : tokens) {
        api.keep(withToken(token).get("/delta-sharing/shares"));
        api.keep(withToken(token).contentType("application/json").body("{}").post("/get-online-features"));
        api.keep(withToken(token + "x").get("/delta-sharing/shares"));
      }
      api.keep(asAdmin().delete("/admin/recipients/" + name));
      api.keep(withToken(tokens.get(1)).get("/delta-sharing/shares"));
    } finally {
      root.removeHandler(handler);
    }
    assertEquals(2, tokens.size());
    assertTrue(api.bodies.size() > 15, "answers were checked");
    assertTrue(handler.lines.stream().anyMatch(l -> l.contains(name)), "the lifecycle was logged, so the log was captured: " + handler.lines);
    for (String token : tokens) {
      for (String form : forms(token)) {
        for (String body : api.bodies) {
          assertTrue(!body.contains(form), "an answer discloses a token or its hash: " + body);
        }
        for (String line : handler.lines) {
          assertTrue(!line.contains(form), "a log line discloses a token or its hash: " + line);
        }
      }
    }
    return tokens;
  }
}
