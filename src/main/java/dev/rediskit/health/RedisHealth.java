package dev.rediskit.health;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One answer of the Redis health procedure read back from its JSON, the body of
 * {@link RedisHealthCheck#checkAsJson()} (what the {@code health.redis} address and the
 * {@code /health/redis} route answer): {@code {"id": "redis", "status": "UP"|"DOWN", "data": {...}, "outcome": ...}}.
 *
 * <p>The accessors beyond {@link #status()} read the fields of {@code data} that
 * {@link HealthOptions.Detail#FULL} writes; at {@link HealthOptions.Detail#MINIMAL} there is no data,
 * so they answer their "absent" value ({@code false}, an empty list, {@code null}).
 *
 * @param status {@code "UP"} or {@code "DOWN"}
 * @param data the procedure's data (a copy; empty when the answer had none, as at MINIMAL detail)
 */
public record RedisHealth(String status, JsonObject data) {

  /** The status of a Redis that answered and is usable. */
  public static final String UP = "UP";
  /** The status of a Redis that did not answer, or cannot be used. */
  public static final String DOWN = "DOWN";

  /**
   * @param status {@value #UP} or {@value #DOWN}
   * @param data the procedure's data, or {@code null} for none (copied)
   * @throws IllegalArgumentException when the status is neither
   */
  public RedisHealth {
    if (!UP.equals(status) && !DOWN.equals(status)) {
      throw new IllegalArgumentException("status: must be \"UP\" or \"DOWN\", was " + quoted(status));
    }
    data = data == null ? new JsonObject() : data.copy();
  }

  /**
   * @param json a health answer: {@code {id?, status, data?, outcome?}}
   * @return the answer
   * @throws IllegalArgumentException naming the field when {@code status} is not {@code "UP"} or
   * {@code "DOWN"}, or {@code data} is not an object
   */
  public static RedisHealth fromJson(JsonObject json) {
    if (json == null) {
      throw new IllegalArgumentException("health answer: is required");
    }
    Object status = json.getValue("status");
    if (!(status instanceof String s)) {
      throw new IllegalArgumentException("status: must be \"UP\" or \"DOWN\", was " + quoted(status));
    }
    Object data = json.getValue("data");
    if (data != null && !(data instanceof JsonObject)) {
      throw new IllegalArgumentException("data: must be an object, was " + data.getClass().getSimpleName() + " " + data);
    }
    return new RedisHealth(s, (JsonObject) data);
  }

  /** @return whether Redis answered and is usable ({@code status} is {@value #UP}) */
  public boolean up() {
    return UP.equals(status);
  }

  /**
   * @return whether Redis is up but something needs attention (breaker half-open, slow PING, a failed
   * cluster master...): {@code data.degraded}; {@code false} without data
   */
  public boolean degraded() {
    return data.getBoolean("degraded", false);
  }

  /**
   * @return why the status is DOWN, or why it is degraded: {@code data.reasons}; empty when UP and
   * not degraded, or without data
   */
  public List<String> reasons() {
    JsonArray reasons = data.getJsonArray("reasons");
    List<String> out = new ArrayList<>();
    if (reasons != null) {
      for (Object r : reasons) {
        out.add(String.valueOf(r));
      }
    }
    return List.copyOf(out);
  }

  /** @return the PING round trip in milliseconds ({@code data.pingMs}), or {@code null} when PING did not answer or without data */
  public Double pingMs() {
    Object v = data.getValue("pingMs");
    return v instanceof Number n ? n.doubleValue() : null;
  }

  /**
   * @return the Redis server's version ({@code data.server.version}, from INFO), or {@code null} when
   * INFO did not answer or without data
   */
  public String serverVersion() {
    Object server = data.getValue("server");
    return server instanceof JsonObject s && s.getValue("version") instanceof String v ? v : null;
  }

  /**
   * @return the gateway's circuit breaker state ({@code data.gateway.breaker}: {@code CLOSED},
   * {@code OPEN}, {@code HALF_OPEN}), or {@code null} without data
   */
  public String breaker() {
    Object gateway = data.getValue("gateway");
    return gateway instanceof JsonObject g && g.getValue("breaker") instanceof String b ? b : null;
  }

  private static String quoted(Object v) {
    return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }
}
