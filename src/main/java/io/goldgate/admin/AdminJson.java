package io.goldgate.admin;

import io.goldgate.http.JsonBodies;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads admin request bodies strictly: an unknown field is a typo the operator should hear about
 * (an ignored {@code ipAllowlist} would silently allow every address), and a field of the wrong
 * JSON type is refused rather than coerced.
 */
@ApplicationScoped
public class AdminJson {

  private final JsonBodies bodies;

  public AdminJson(JsonBodies bodies) {
    this.bodies = bodies;
  }

  public <T> T read(String body, Class<T> type, boolean required) {
    if (!required && JsonBodies.isAbsent(body)) {
      body = "{}";
    }
    return bodies.read(body, type, null, true);
  }
}
