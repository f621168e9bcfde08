package dev.rediskit.docs;

// The README's "Testing your application" example, as written there: what an application's own
// test looks like with the published test support (dev.rediskit:vertx-redis-kit-test-support).
// begin-snippet: readme-testing
import dev.rediskit.RedisKitVerticle;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.test.Await;
import dev.rediskit.test.Futures;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

@Tag("integration")                  // optional: lets a build run the tests that start servers apart
@ExtendWith(VertxExtension.class)    // injects Vertx
class TestingYourApplicationIT {

  // A real redis-server on a free port for this class (the one on the PATH, else the embedded-redis one),
  // flushed before each test; also cluster(), sentinel(), .withPassword(..), .withAclUser(..), .tls().
  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Test
  void cachesAndLimitsAndSurvivesARedisRestart(Vertx vertx, RedisServer server) {
    Futures.await(vertx.deployVerticle(RedisKitVerticle.class,
      new DeploymentOptions().setConfig(new JsonObject().put("endpoints", server.uri()))));
    CacheClient cache = CacheClient.create(vertx, null);
    RateLimitClient limiter = RateLimitClient.create(vertx, null);

    Futures.await(cache.set("default", "greeting", "hello", Duration.ofMinutes(1)));
    Assertions.assertEquals("hello", Futures.await(cache.get("default", "greeting")));
    Assertions.assertTrue(Futures.await(limiter.check("login:alice", 1, Duration.ofMinutes(1))).allowed());
    Assertions.assertFalse(Futures.await(limiter.check("login:alice", 1, Duration.ofMinutes(1))).allowed());

    server.kill();                   // Redis goes away: calls fail fast with a typed error (503 on the bus)
    Assertions.assertInstanceOf(RedisUnavailableException.class, Futures.failure(cache.get("default", "greeting")));
    server.restart();                // same port; the module reconnects by itself
    Await.until(() -> Futures.await(cache.set("default", "greeting", "again", Duration.ofMinutes(1))
      .map(ok -> true).otherwise(false)), "the cache to work again after the restart");
    Assertions.assertEquals("again", Futures.await(cache.get("default", "greeting")));
  }
}
// end-snippet
