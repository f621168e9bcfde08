package dev.rediskit.examples;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A deliberately slow "database" of user profiles: an in-memory map answered after
 * {@value #LATENCY_MS} ms, on a Vert.x timer (the event loop is never blocked).
 */
final class UserDatabase {

  /** Simulated query latency, in milliseconds. */
  static final long LATENCY_MS = 300;

  private final Vertx vertx;
  private final Map<String, JsonObject> rows = new ConcurrentHashMap<>();

  UserDatabase(Vertx vertx) {
    this.vertx = vertx;
    rows.put("1", new JsonObject().put("id", "1").put("name", "Ada Lovelace").put("email", "ada@example.com"));
    rows.put("2", new JsonObject().put("id", "2").put("name", "Alan Turing").put("email", "alan@example.com"));
    rows.put("3", new JsonObject().put("id", "3").put("name", "Grace Hopper").put("email", "grace@example.com"));
  }

  /**
   * @param id the user id
   * @return the profile (a copy), or {@code null} when there is none, after the simulated latency
   */
  Future<JsonObject> find(String id) {
    return slow(() -> {
      JsonObject row = rows.get(id);
      return row == null ? null : row.copy();
    });
  }

  /**
   * @param id the user id
   * @param profile the new profile
   * @return the stored profile, after the simulated latency
   */
  Future<JsonObject> save(String id, JsonObject profile) {
    return slow(() -> {
      JsonObject row = profile.copy().put("id", id);
      rows.put(id, row);
      return row.copy();
    });
  }

  private <T> Future<T> slow(java.util.function.Supplier<T> query) {
    Promise<T> promise = Promise.promise();
    vertx.setTimer(LATENCY_MS, t -> promise.complete(query.get()));
    return promise.future();
  }
}
