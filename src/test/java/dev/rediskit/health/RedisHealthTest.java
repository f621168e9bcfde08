package dev.rediskit.health;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.client.GatewayStatus.ConnectionState;
import dev.rediskit.health.HealthOptions.Detail;
import dev.rediskit.health.impl.HealthReport;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RedisHealth#fromJson} over the shapes the procedure answers (FULL UP, FULL DOWN, MINIMAL) and bad ones. */
class RedisHealthTest {

  /** The shape of docs/HEALTH.md's UP example, trimmed to what the accessors read and a little more. */
  private static JsonObject fullUp() {
    return new JsonObject().put("id", "redis").put("status", "UP").put("outcome", "UP")
      .put("data", new JsonObject()
        .put("degraded", true)
        .put("reasons", new JsonArray().add("PING took 150.0 ms (health.slowPingMs is 100)"))
        .put("pingMs", 150.0)
        .put("type", "STANDALONE")
        .put("server", new JsonObject().put("version", "7.0.15").put("mode", "standalone").put("role", "master"))
        .put("gateway", new JsonObject().put("connection", "CONNECTED").put("breaker", "CLOSED")));
  }

  @Test
  void readsAFullUpAnswer() {
    JsonObject json = fullUp();
    RedisHealth h = RedisHealth.fromJson(json);
    assertThat(h.up()).isTrue();
    assertThat(h.status()).isEqualTo("UP");
    assertThat(h.degraded()).isTrue();
    assertThat(h.reasons()).containsExactly("PING took 150.0 ms (health.slowPingMs is 100)");
    assertThat(h.pingMs()).isEqualTo(150.0);
    assertThat(h.serverVersion()).isEqualTo("7.0.15");
    assertThat(h.breaker()).isEqualTo("CLOSED");
    assertThat(h.data().getString("type")).isEqualTo("STANDALONE");
    // A copy: changing the reply afterwards does not change the answer read from it.
    json.getJsonObject("data").put("type", "CLUSTER");
    assertThat(h.data().getString("type")).isEqualTo("STANDALONE");
  }

  @Test
  void readsADownAnswerWithoutPingOrServer() {
    JsonObject json = new JsonObject().put("id", "redis").put("status", "DOWN").put("outcome", "DOWN")
      .put("data", new JsonObject().put("degraded", false)
        .put("reasons", new JsonArray().add("PING: no reply within 500 ms (health.timeoutMs)"))
        .put("gateway", new JsonObject().put("breaker", "OPEN")));
    RedisHealth h = RedisHealth.fromJson(json);
    assertThat(h.up()).isFalse();
    assertThat(h.status()).isEqualTo("DOWN");
    assertThat(h.degraded()).isFalse();
    assertThat(h.reasons()).containsExactly("PING: no reply within 500 ms (health.timeoutMs)");
    assertThat(h.pingMs()).isNull();
    assertThat(h.serverVersion()).isNull();
    assertThat(h.breaker()).isEqualTo("OPEN");
  }

  @Test
  void aMinimalAnswerHasNoDataAndAbsentValues() {
    RedisHealth h = RedisHealth.fromJson(new JsonObject().put("id", "redis").put("status", "UP").put("outcome", "UP"));
    assertThat(h.up()).isTrue();
    assertThat(h.data()).isEqualTo(new JsonObject());
    assertThat(h.degraded()).isFalse();
    assertThat(h.reasons()).isEmpty();
    assertThat(h.pingMs()).isNull();
    assertThat(h.serverVersion()).isNull();
    assertThat(h.breaker()).isNull();
  }

  @Test
  void anAnswerOutsideTheContractIsRefusedNamingTheField() {
    assertThatThrownBy(() -> RedisHealth.fromJson(new JsonObject().put("data", new JsonObject())))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("status: must be \"UP\" or \"DOWN\", was null");
    assertThatThrownBy(() -> RedisHealth.fromJson(new JsonObject().put("status", "up")))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("status: must be \"UP\" or \"DOWN\", was \"up\"");
    assertThatThrownBy(() -> RedisHealth.fromJson(new JsonObject().put("status", new JsonObject())))
      .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("status: must be \"UP\" or \"DOWN\", was {");
    assertThatThrownBy(() -> RedisHealth.fromJson(new JsonObject().put("status", "UP").put("data", "x")))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("data: must be an object, was String x");
    assertThatThrownBy(() -> RedisHealth.fromJson(null))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("health answer: is required");
    assertThatThrownBy(() -> new RedisHealth("MAYBE", null))
      .isInstanceOf(IllegalArgumentException.class).hasMessage("status: must be \"UP\" or \"DOWN\", was \"MAYBE\"");
  }

  @Test
  void readsTheJsonTheProcedureRenders() {
    // The procedure's own rendering (its report, as vertx-health-check's CheckResult renders it), so
    // that the accessors follow the fields HealthReport really writes.
    HealthReport report = new HealthReport(new RedisKitOptions(), 100);
    report.gateway(new GatewayStatus(ConnectionState.CONNECTED, CircuitBreakerState.HALF_OPEN, 0, 0, null, 1));
    report.ping(0.42);
    report.info("# Server\r\nredis_version:7.2.4\r\nredis_mode:standalone\r\n# Replication\r\nrole:master\r\n");
    RedisHealth up = RedisHealth.fromJson(CheckResult.from(RedisHealthCheck.DEFAULT_NAME, report.toStatus(Detail.FULL)).toJson());
    assertThat(up.up()).isTrue();
    assertThat(up.degraded()).isTrue();
    assertThat(up.reasons()).containsExactly("circuit breaker is half-open (recovering from failures)");
    assertThat(up.pingMs()).isEqualTo(0.42);
    assertThat(up.serverVersion()).isEqualTo("7.2.4");
    assertThat(up.breaker()).isEqualTo("HALF_OPEN");

    HealthReport failed = new HealthReport(new RedisKitOptions(), 100);
    failed.pingFailed("PING: connection refused");
    RedisHealth down = RedisHealth.fromJson(CheckResult.from(RedisHealthCheck.DEFAULT_NAME, failed.toStatus(Detail.FULL)).toJson());
    assertThat(down.up()).isFalse();
    assertThat(down.status()).isEqualTo("DOWN");
    assertThat(down.reasons()).containsExactly("PING: connection refused");
    assertThat(down.pingMs()).isNull();

    RedisHealth minimal = RedisHealth.fromJson(CheckResult.from(RedisHealthCheck.DEFAULT_NAME, report.toStatus(Detail.MINIMAL)).toJson());
    assertThat(minimal.up()).isTrue();
    assertThat(minimal.data()).isEqualTo(new JsonObject());
  }
}
