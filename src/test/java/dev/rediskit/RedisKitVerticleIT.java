package dev.rediskit;

import dev.rediskit.cache.CacheResult;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.RateLimitClient;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/** Deploying the module as a verticle, and the shared programmatic entry point, against a real Redis. */
@IntegrationTest
class RedisKitVerticleIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private static long clients(RedisServer server) {
    // CLIENT LIST includes the connection asking; count the others.
    return ((String) server.command("CLIENT", "LIST")).lines().count() - 1;
  }

  @Test
  void deploysEveryConsumerAndUndeploysWithoutLeakingConnections(Vertx vertx, RedisServer server) {
    long before = clients(server);
    JsonObject config = new JsonObject().put("endpoints", server.uri()).put("addressPrefix", "kit.");
    String id = await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config).setInstances(2)));
    assertThat(clients(server)).isGreaterThan(before);

    CacheClient cache = CacheClient.create(vertx, "kit.");
    await(cache.set("users", "42", new JsonObject().put("name", "Ada"), Duration.ofSeconds(30)));
    CacheResult<Object> got = await(cache.lookup("users", "42"));
    assertThat(got.found()).isTrue();
    assertThat(((JsonObject) got.value()).getString("name")).isEqualTo("Ada");

    RateLimitClient limits = RateLimitClient.create(vertx, "kit.");
    Decision first = await(limits.check("k", 1, Duration.ofMinutes(1)));
    Decision second = await(limits.check("k", 1, Duration.ofMinutes(1)));
    assertThat(first.allowed()).isTrue();
    assertThat(second.allowed()).isFalse();

    JsonObject health = await(vertx.eventBus().<JsonObject>request("kit.health.redis", new JsonObject())).body();
    assertThat(health.getString("status")).isEqualTo("UP");

    await(vertx.undeploy(id));
    // Connections close asynchronously on the server side; 20 s is far above what it takes.
    Await.until(() -> clients(server) == before, Duration.ofSeconds(20), "connections to close after undeploy");
    Throwable gone = failure(cache.get("users", "42"));
    assertThat(gone).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("RedisKitVerticle");
  }

  @Test
  void invalidConfigFailsTheDeploymentListingEveryProblem(Vertx vertx) {
    JsonObject config = new JsonObject().put("endpoints", "http://nope").put("commandTimeoutMs", -1).put("poolSise", 3);
    Throwable err = failure(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config)));
    assertThat(err).isInstanceOf(ConfigurationException.class)
      .hasMessageContaining("endpoints[0]").hasMessageContaining("commandTimeoutMs").hasMessageContaining("poolSize");
  }

  @Test
  void unreachableRedisFailsAfterTheConnectTimeout(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      proxy.blackhole();
      JsonObject config = new JsonObject().put("endpoints", proxy.uri()).put("connectTimeoutMs", 500);
      long t0 = System.nanoTime();
      Throwable err = failure(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(err).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("RedisKit cannot start")
        .hasMessageContaining("500 ms");
      // The connect timeout plus start-up work; 10 s only guards against a hang on a busy machine.
      assertThat(ms).isBetween(400L, 10_000L);
      assertThat(vertx.deploymentIDs()).isEmpty();
    }
  }

  @Test
  void eventBusTimeoutShorterThanRedisTimeoutLeavesNothingDangling(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      JsonObject config = new JsonObject().put("endpoints", proxy.uri()).put("commandTimeoutMs", 1_000);
      String id = await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config)));
      proxy.delay(Duration.ofMillis(300));
      CacheClient impatient = CacheClient.create(vertx, "", new DeliveryOptions().setSendTimeout(50));
      Throwable err = failure(impatient.get("ns", "k"));
      assertThat(err).isInstanceOf(RedisTimeoutException.class);
      // The Redis side still completes within its own timeout: the consumer's work ends and nothing stays pending.
      Await.until(() -> {
        JsonObject h = await(vertx.eventBus().<JsonObject>request("health.redis", new JsonObject(),
          new DeliveryOptions().setSendTimeout(5_000))).body();
        JsonObject gw = h.getJsonObject("data", new JsonObject()).getJsonObject("gateway", new JsonObject());
        return gw.getInteger("pending", -1) == 0;
      }, Duration.ofSeconds(20), "no command to stay pending");
      await(vertx.undeploy(id));
    }
  }

  @Test
  void programmaticEntryPointIsSharedPerVertxInstance(Vertx vertx, RedisServer server) {
    RedisKitOptions options = new RedisKitOptions().setEndpoint(server.uri());
    RedisKit a = await(RedisKit.create(vertx, options));
    RedisKit b = await(RedisKit.create(vertx, options));
    assertThat(b).isSameAs(a);
    await(a.cache().namespace("n").set("k", "v"));
    assertThat(await(b.cache().namespace("n").get("k"))).isEqualTo("v");
    Throwable other = failure(RedisKit.create(vertx, new RedisKitOptions(options).setCommandTimeoutMs(123)));
    assertThat(other).isInstanceOf(ConfigurationException.class).hasMessageContaining("other options");

    await(a.close());
    assertThat(await(b.rateLimiter().check("x", 10, Duration.ofSeconds(1))).allowed()).isTrue();
    await(b.close());
    RedisKit c = await(RedisKit.create(vertx, options));
    assertThat(c).isNotSameAs(a);
    await(c.close());
  }

  /**
   * A verticle deployed with several instances, each calling {@code RedisKit.create} in its start: every one is
   * called back on its own event loop, also those that waited for the instance another one was creating, so
   * that what each creates in the callback (its HTTP server, say) lives on its own event loop.
   */
  @Test
  void everyCallerOfTheEntryPointIsCalledBackOnItsOwnContext(Vertx vertx, RedisServer server) {
    RedisKitOptions options = new RedisKitOptions().setEndpoint(server.uri());
    java.util.List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.Set<Thread> loops = java.util.concurrent.ConcurrentHashMap.newKeySet();
    await(vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
      private RedisKit kit;

      @Override
      public io.vertx.core.Future<?> start() {
        io.vertx.core.Context own = context;
        Thread thread = Thread.currentThread();
        loops.add(thread);
        return RedisKit.create(vertx, options).onSuccess(k -> {
          kit = k;
          if (Vertx.currentContext() != own || Thread.currentThread() != thread) {
            wrong.add(thread.getName() + " called back on " + Thread.currentThread().getName());
          }
        });
      }

      @Override
      public io.vertx.core.Future<?> stop() {
        return kit.close();
      }
    }, new DeploymentOptions().setInstances(4)));
    assertThat(loops).as("four event loops").hasSize(4);
    assertThat(wrong).isEmpty();
  }
}
