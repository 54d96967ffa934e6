package io.goldgate.observability;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The management interface (health, metrics, API docs) is read-only: GET and HEAD reach its routes,
 * OPTIONS says so, anything else is 405. Quarkus' health routes answer every method, so without this
 * {@code TRACE /q/health/live} and {@code POST /q/metrics} answered 200.
 */
@Singleton
public class ManagementMethods {

  static final String ALLOW = "GET, HEAD, OPTIONS";
  /** Before every route Quarkus adds (Vert.x numbers those from 0 up), after its body handler. */
  static final int FIRST = -1000;

  void register(@Observes ManagementInterface management) {
    management.router().route().order(FIRST).handler(rc -> {
      HttpMethod method = rc.request().method();
      if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
        rc.next();
      } else {
        rc.response().setStatusCode(method == HttpMethod.OPTIONS ? 204 : 405).putHeader("Allow", ALLOW).end();
      }
    });
  }
}
