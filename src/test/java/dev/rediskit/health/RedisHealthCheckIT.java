package dev.rediskit.health;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.Addresses;
import dev.rediskit.eventbus.HealthConsumer;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisSentinel;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The Redis health procedure against real servers: each topology, a black hole, recovery, and secrecy. */
@IntegrationTest
class RedisHealthCheckIT {

  /** A password no output may ever contain. */
  static final String PASSWORD = "pw-SECRET-MARKER-123";

  @RegisterExtension
  static final RedisServers standalone = RedisServers.standalone().withPassword(PASSWORD);

  @RegisterExtension
  static final RedisServers cluster = RedisServers.cluster();

  @RegisterExtension
  static final RedisServers sentinel = RedisServers.sentinel();

  private static final long HEALTH_TIMEOUT_MS = 500;

  private static HealthOptions health() {
    return new HealthOptions().setTimeoutMs(HEALTH_TIMEOUT_MS).setSlowPingMs(5_000);
  }

  @Test
  void standaloneIsUpWithItsDataAndNoSecret(Vertx vertx, RedisServer server) {
    // The password is in the endpoint URL too: the one place it could most easily leak from.
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri(null, PASSWORD))).ready());
    try {
      RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, health());
      Status status = await(check.check());
      assertThat(status.isOk()).as(status.toJson().encode()).isTrue();
      JsonObject data = status.getData();
      assertThat(data.fieldNames()).contains("degraded", "reasons", "pingMs", "type", "endpoints", "server", "memory",
        "clients", "replication", "gateway", "elapsedMs");
      assertThat(data.getBoolean("degraded")).isFalse();
      assertThat(data.getDouble("pingMs")).isGreaterThanOrEqualTo(0);
      assertThat(data.getJsonObject("server").getString("version")).isEqualTo(server.info("server").get("redis_version"));
      assertThat(data.getJsonObject("server").getString("role")).isEqualTo("master");
      assertThat(data.getJsonObject("memory").getLong("usedBytes")).isPositive();
      assertThat(data.getJsonObject("memory").getLong("maxBytes")).isNotNull();
      assertThat(data.getJsonObject("clients").getLong("connected")).isPositive();
      assertThat(data.getJsonObject("gateway").getString("connection")).isEqualTo("CONNECTED");
      assertThat(data.getJsonObject("gateway").getString("breaker")).isEqualTo("CLOSED");
      assertThat(data.getJsonArray("endpoints").getString(0)).isEqualTo("redis://:***@127.0.0.1:" + server.port());
      assertThat(check.lastSnapshot().up()).isTrue();

      List<String> outputs = new ArrayList<>();
      outputs.add(CheckResult.from(RedisHealthCheck.DEFAULT_NAME, status).toJson().encode());
      outputs.add(await(check.checkAsJson()).encode());
      outputs.add(await(check.healthChecks().checkStatus()).toJson().encode());
      outputs.add(await(RedisHealthCheck.create(vertx, gw, health().setDetail(HealthOptions.Detail.MINIMAL)).checkAsJson()).encode());
      for (String output : outputs) {
        assertThat(output).doesNotContain(PASSWORD).contains("UP");
      }
    } finally {
      await(gw.close());
    }
  }

  @Test
  void minimalDetailShowsNothingButTheStatus(Vertx vertx, RedisServer server) {
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri()).setPassword(PASSWORD)).ready());
    try {
      JsonObject json = await(RedisHealthCheck.create(vertx, gw, health().setDetail(HealthOptions.Detail.MINIMAL)).checkAsJson());
      assertThat(json).isEqualTo(new JsonObject().put("id", "redis").put("status", "UP").put("outcome", "UP"));
    } finally {
      await(gw.close());
    }
  }

  @Test
  void clusterIsUpWithTopology(Vertx vertx, RedisCluster redis) {
    RedisGateway gw = await(RedisGateway.create(vertx,
      new RedisKitOptions().setType(RedisClientType.CLUSTER).setEndpoints(redis.endpoints())).ready());
    try {
      Status status = await(RedisHealthCheck.create(vertx, gw, health()).check());
      assertThat(status.isOk()).as(status.toJson().encode()).isTrue();
      JsonObject c = status.getData().getJsonObject("cluster");
      assertThat(c.getString("state")).isEqualTo("ok");
      assertThat(c.getLong("slotsAssigned")).isEqualTo(RedisCluster.SLOTS);
      assertThat(c.getLong("slotsOk")).isEqualTo(RedisCluster.SLOTS);
      assertThat(c.getInteger("masters")).isEqualTo(3);
      assertThat(c.getInteger("mastersReachable")).isEqualTo(3);
      assertThat(c.getJsonArray("failedMasters")).isEmpty();
      assertThat(status.getData().getJsonObject("server").getString("mode")).isEqualTo("cluster");
      assertThat(status.getData().getString("type")).isEqualTo("CLUSTER");
      assertThat(status.getData().getBoolean("degraded")).isFalse();
    } finally {
      await(gw.close());
    }
  }

  @Test
  void sentinelIsUpAndNamesTheMasterReached(Vertx vertx, RedisSentinel redis) {
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setType(RedisClientType.SENTINEL)
      .setEndpoints(redis.sentinelEndpoints()).setMasterName(redis.masterName())).ready());
    try {
      Status status = await(RedisHealthCheck.create(vertx, gw, health()).check());
      assertThat(status.isOk()).as(status.toJson().encode()).isTrue();
      JsonObject s = status.getData().getJsonObject("sentinel");
      assertThat(s.getString("masterName")).isEqualTo(redis.masterName());
      assertThat(s.getString("connectedTo")).endsWith(":" + redis.reportedMasterPort());
      assertThat(status.getData().getJsonObject("server").getString("role")).isEqualTo("master");
      assertThat(status.getData().getJsonObject("replication").getLong("connectedReplicas")).isEqualTo(1);
    } finally {
      await(gw.close());
    }
  }

  @Test
  void blackholedRedisIsDownWithinTheHealthTimeoutThenUpAgain(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      // The gateway would wait 5 s for a reply; the health procedure must not.
      RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(proxy.uri()).setPassword(PASSWORD)
        .setCommandTimeoutMs(5_000)).ready());
      try {
        RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, health());
        assertThat(await(check.check()).isOk()).isTrue();

        proxy.blackhole();
        long t0 = System.nanoTime();
        Status down = await(check.check());
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(down.isOk()).isFalse();
        assertThat(down.getData().getJsonArray("reasons").getString(0))
          .isEqualTo("PING: no reply within 500 ms (health.timeoutMs)");
        assertThat(elapsedMs).isGreaterThanOrEqualTo(HEALTH_TIMEOUT_MS - 50);
        // The deadline is one timer; the margin covers a loaded 2-core machine (GC, other builds), and is
        // still far below the gateway's 5 s, which is what answering without our own deadline would take.
        assertThat(elapsedMs).isLessThan(HEALTH_TIMEOUT_MS + 1_000);
        assertThat(down.toJson().encode()).doesNotContain(PASSWORD);
        assertThat(check.lastSnapshot().up()).isFalse();

        // Registered into a HealthChecks, a silent Redis is a plain DOWN, not a procedure failure (HTTP 500).
        CheckResult viaRegistry = await(check.healthChecks().checkStatus(RedisHealthCheck.DEFAULT_NAME));
        assertThat(viaRegistry.getUp()).isFalse();
        assertThat(viaRegistry.getData().containsKey("procedure-execution-failure")).isFalse();

        proxy.pass();
        // Held bytes flow again and the gateway reconnects if it dropped the connection; 20 s is far above need.
        Await.until(() -> await(check.check()).isOk(), Duration.ofSeconds(20), "health to be UP again after the black hole");
        assertThat(check.lastSnapshot().up()).isTrue();
      } finally {
        await(gw.close());
      }
    }
  }

  @Test
  void openBreakerIsDownAtOnce(Vertx vertx, RedisServer server) {
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri()).setPassword(PASSWORD)
      .setBreakerMaxFailures(1).setBreakerResetTimeoutMs(60_000).setReconnectMaxDelayMs(100)).ready());
    try {
      RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, health());
      server.kill();
      Await.until(() -> {
        await(check.check());
        return gw.status().breakerState() == io.vertx.circuitbreaker.CircuitBreakerState.OPEN;
      }, Duration.ofSeconds(20), "the breaker to open");
      Status down = await(check.check());
      assertThat(down.isOk()).isFalse();
      assertThat(down.getData().getJsonArray("reasons").getString(0)).contains("circuit breaker is open");
      assertThat(down.getData().getJsonObject("gateway").getString("breaker")).isEqualTo("OPEN");
      // Failing fast: no network wait at all, far below the health timeout.
      assertThat(down.getData().getLong("elapsedMs")).isLessThan(HEALTH_TIMEOUT_MS);
      assertThat(down.toJson().encode()).doesNotContain(PASSWORD);
    } finally {
      // The extension restarts the killed server before the next test.
      await(gw.close());
    }
  }

  @Test
  void eventBusRepliesTheProcedureJsonAndUnregisters(Vertx vertx, RedisServer server) {
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri(null, PASSWORD))).ready());
    try {
      RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, health());
      MessageConsumer<Object> consumer = HealthConsumer.register(vertx.eventBus(), check, "app.");
      await(consumer.completion());
      String address = Addresses.of("app.", Addresses.HEALTH_REDIS);
      assertThat(address).isEqualTo("app.health.redis");
      JsonObject reply = (JsonObject) await(vertx.eventBus().request(address, new JsonObject())).body();
      assertThat(reply.getString("id")).isEqualTo("redis");
      assertThat(reply.getString("status")).isEqualTo("UP");
      assertThat(reply.getJsonObject("data").getDouble("pingMs")).isNotNull();
      assertThat(reply.encode()).doesNotContain(PASSWORD);

      await(consumer.unregister());
      Throwable gone = dev.rediskit.test.Futures.failure(vertx.eventBus().request(address, new JsonObject()));
      assertThat(gone).isInstanceOf(io.vertx.core.eventbus.ReplyException.class);
      assertThat(((io.vertx.core.eventbus.ReplyException) gone).failureType()).isEqualTo(io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS);
    } finally {
      await(gw.close());
    }
  }

  @Test
  void registersUnderAChosenNameWithSlack(Vertx vertx, RedisServer server) {
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri()).setPassword(PASSWORD)).ready());
    try {
      RedisHealthCheck check = RedisHealthCheck.create(vertx, gw, health());
      assertThat(check.registrationTimeoutMs()).isEqualTo(HEALTH_TIMEOUT_MS + RedisHealthCheck.REGISTRATION_SLACK_MS);
      HealthChecks checks = check.register(HealthChecks.create(vertx), "deps/cache-redis");
      JsonObject all = await(checks.checkStatus()).toJson();
      assertThat(all.getString("outcome")).isEqualTo("UP");
      assertThat(all.getJsonArray("checks").getJsonObject(0).getString("id")).isEqualTo("deps");
      assertThat(await(checks.invoke("deps/cache-redis")).getString("status")).isEqualTo("UP");
    } finally {
      await(gw.close());
    }
  }
}
