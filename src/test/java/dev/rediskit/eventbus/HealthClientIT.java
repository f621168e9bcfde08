package dev.rediskit.eventbus;

import dev.rediskit.RedisKitVerticle;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.health.RedisHealth;
import dev.rediskit.test.Await;
import dev.rediskit.test.ClusteredVertx;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static dev.rediskit.test.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HealthClient} against a real Redis, through {@code RedisKitVerticle} deployed from JSON
 * configuration as an application would: UP with the server's data, DOWN (a successful answer)
 * once the server is killed, from another node of a clustered Vert.x, and without any consumer.
 */
@IntegrationTest
class HealthClientIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  /** Short, so that a dead Redis is a DOWN answer quickly; the polling below allows far more. */
  private static final long HEALTH_TIMEOUT_MS = 500;

  private static JsonObject config(RedisServer server) {
    return new JsonObject().put("endpoints", server.uri()).put("addressPrefix", "ops.")
      .put("health", new JsonObject().put("timeoutMs", HEALTH_TIMEOUT_MS));
  }

  @Test
  void upWithTheServersDataThenDownOnceRedisIsKilled(Vertx vertx, RedisServer server) {
    String id = await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config(server))));
    try {
      HealthClient health = HealthClient.create(vertx, "ops.");
      RedisHealth up = await(health.redis());
      assertThat(up.up()).as(up.data().encode()).isTrue();
      assertThat(up.status()).isEqualTo("UP");
      assertThat(up.serverVersion()).isEqualTo(server.info("server").get("redis_version"));
      assertThat(up.pingMs()).isNotNull();
      assertThat(up.breaker()).isEqualTo("CLOSED");
      assertThat(up.data().getString("type")).isEqualTo("STANDALONE");

      server.kill();
      // Each answer comes within the health timeout and never fails (await would throw); the gateway
      // may need a moment to see the connection gone, hence the polling rather than one request.
      RedisHealth down = Await.value(() -> await(health.redis()), h -> !h.up(), Duration.ofSeconds(20),
        "the health client to report Redis down after the kill");
      assertThat(down.status()).isEqualTo("DOWN");
      assertThat(down.reasons()).as(down.data().encode()).isNotEmpty();
      assertThat(down.pingMs()).isNull();
    } finally {
      // The extension restarts the killed server before the next test.
      await(vertx.undeploy(id));
    }
  }

  @Test
  void answersAVerticleOnAnotherNodeOfAClusteredVertx(RedisServer server) {
    try (ClusteredVertx.Nodes nodes = ClusteredVertx.start(2)) {
      Vertx owner = nodes.get(0);
      Vertx other = nodes.get(1);
      await(owner.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config(server))));
      HealthClient health = HealthClient.create(other, "ops.");
      // The consumer's registration reaches the other node's view of the cluster asynchronously:
      // until then a request fails with no handlers, which join throws and the polling retries.
      RedisHealth up = Await.value(() -> join(health.redis()), RedisHealth::up, Duration.ofSeconds(20),
        "the other node to get an UP answer");
      assertThat(up.serverVersion()).isEqualTo(server.info("server").get("redis_version"));
    }
  }

  @Test
  void withoutAConsumerFailsNamingTheAddress(Vertx vertx) {
    Throwable err = failure(HealthClient.create(vertx, "nobody.").redis());
    assertThat(err).isInstanceOf(RedisUnavailableException.class)
      .hasMessageContaining("nobody.health.redis")
      .hasMessageContaining("RedisKitVerticle")
      .hasMessageContaining("HealthConsumer");
  }
}
