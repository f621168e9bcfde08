package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.Futures;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;

/**
 * Two instances of the cache sharing one Redis, as two application instances would: gateway
 * {@code A} with cache {@link #a}, gateway {@code B} with cache {@link #b}, both with the settings of
 * {@link #options()}, on the test's Vert.x. For the tests of what one instance's change means for
 * the other (namespace versions, tags).
 */
abstract class AbstractTwoInstancesTest {

  Vertx vertx;
  RedisGateway gatewayA;
  RedisGateway gatewayB;
  RedisCache a;
  RedisCache b;

  /** @return the settings of both instances, for the topology under test */
  abstract RedisKitOptions options();

  @BeforeEach
  void startInstances(Vertx vertx) {
    this.vertx = vertx;
    // Generous: a cold JVM on a busy two-core machine connects slowly.
    Duration connect = Duration.ofSeconds(60);
    gatewayA = Futures.join(RedisGateway.create(vertx, options(), "A").ready(), connect);
    gatewayB = Futures.join(RedisGateway.create(vertx, options(), "B").ready(), connect);
    a = RedisCache.create(vertx, gatewayA, options().getCache());
    b = RedisCache.create(vertx, gatewayB, options().getCache());
  }

  @AfterEach
  void stopInstances() {
    Futures.join(gatewayA.close());
    Futures.join(gatewayB.close());
  }
}
