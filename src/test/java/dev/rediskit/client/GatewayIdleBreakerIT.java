package dev.rediskit.client;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.metrics.MeterNames;
import dev.rediskit.metrics.MetricsOptions;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway nobody sends commands to still tells the truth about Redis: its breaker opens while
 * Redis is down and closes once Redis is back, in its status and in the breaker gauge, which is
 * what health data and the alerts read. Only the health probe of the metrics runs, at its default
 * interval, as in an application that is idle during an outage.
 */
@IntegrationTest
class GatewayIdleBreakerIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Test
  void idleGatewaysBreakerOpensWhileRedisIsDownAndClosesWhenItIsBack(Vertx vertx, RedisServer server) {
    // Default breaker, timeouts and back-off: what an application runs with.
    RedisGateway gw = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())).ready());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    try {
      metrics.bindGateway(gw);
      metrics.bindHealth(RedisHealthCheck.create(vertx, gw), MetricsOptions.DEFAULT_HEALTH_PROBE_INTERVAL_MS);
      Gauge gauge = registry.get(MeterNames.BREAKER_STATE).gauge();
      assertThat(gauge.value()).isZero();

      server.kill();
      // The reconnection attempts (50 ms back-off, doubling) fail breakerMaxFailures (5) times within about
      // a second; 20 s is for a loaded machine, and still less than two health probes (10 s apart), which
      // alone never reach 5 failures within the breaker's 10 s window.
      Await.until(() -> gw.status().breakerState() == CircuitBreakerState.OPEN && gauge.value() == 2,
        Duration.ofSeconds(20), () -> "the idle gateway's breaker to open; gateway " + gw.status().toJson().encode()
          + ", gauge " + gauge.value());
      // And it stays open while Redis is down: each trial after the reset timeout (5 s) fails and reopens it.
      Await.until(() -> registry.get(MeterNames.BREAKER_TRANSITIONS).tag(MeterNames.TAG_STATE, "half_open").counter().count() >= 1
          && gw.status().breakerState() == CircuitBreakerState.OPEN,
        Duration.ofSeconds(30), () -> "a failed trial to reopen the breaker; gateway " + gw.status().toJson().encode());

      server.restart();
      // The next trial (at most the 5 s reset timeout away) reaches the restarted server; 30 s for a loaded machine.
      Await.until(() -> gw.status().breakerState() == CircuitBreakerState.CLOSED && gauge.value() == 0,
        Duration.ofSeconds(30), () -> "the idle gateway's breaker to close; gateway " + gw.status().toJson().encode()
          + ", gauge " + gauge.value());
    } finally {
      metrics.close();
      await(gw.close());
    }
  }
}
