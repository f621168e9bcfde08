package dev.rediskit.eventbus;

import dev.rediskit.RedisKitVerticle;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.LoaderUnavailableException;
import dev.rediskit.test.Await;
import dev.rediskit.test.ClusteredVertx;
import dev.rediskit.test.RedisServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loaders over a real clustered event bus (Hazelcast on loopback) and a real Redis: the cache
 * service ({@link RedisKitVerticle}) on two nodes, loaders in verticles of their own, callers on
 * both nodes. The two nodes are shared by the tests (each costs seconds to start); every test
 * uses an address prefix of its own.
 */
@Tag("integration")
class CacheLoadersClusterIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @RegisterExtension
  static final ClusteredVertx.TwoNodes nodes = new ClusteredVertx.TwoNodes();

  private static JsonObject config(String prefix, JsonObject namespaces) {
    return new JsonObject().put("endpoints", redis.uri()).put("addressPrefix", prefix).put("commandTimeoutMs", 2_000)
      .put("cache", new JsonObject().put("namespaces", namespaces));
  }

  /** Polls from {@code node} until {@code address} has a consumer it can see (registrations spread through Hazelcast). */
  private static void awaitReachable(Vertx node, String address) {
    DeliveryOptions quick = new DeliveryOptions().setSendTimeout(5_000);
    Await.until(() -> node.eventBus().request(address, new JsonObject(), quick).toCompletionStage().toCompletableFuture()
        .handle((r, e) -> !(e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS)).get(10, TimeUnit.SECONDS),
      Duration.ofSeconds(30), "a consumer at " + address + " seen from the other node");
  }

  // ---------------------------------------------------------------------------------------------

  static final AtomicInteger STAMPEDE_LOADS = new AtomicInteger();

  /** The loader of the stampede test: slow enough (300 ms) that every caller arrives while it runs. */
  public static class SlowUserLoader extends VerticleBase {
    @Override
    public Future<?> start() {
      return CacheLoaders.register(vertx, "s.db.users.load", key -> {
        if (!key.equals("42")) {
          return Future.succeededFuture(null);
        }
        STAMPEDE_LOADS.incrementAndGet();
        return vertx.timer(300).map(t -> new JsonObject().put("id", key).put("name", "Ada"));
      });
    }
  }

  @Test
  void aThousandConcurrentGetOrLoadsFromTwoNodesCauseOneLoaderCall() {
    JsonObject config = config("s.", new JsonObject().put("users", new JsonObject().put("loader", "s.db.users.load")
      .put("ttlMs", 60_000)));
    List<String> deployments = new ArrayList<>();
    deployments.add(await(nodes.a().deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config).setInstances(2))));
    deployments.add(await(nodes.b().deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config).setInstances(2))));
    String loader = await(nodes.a().deployVerticle(new SlowUserLoader()));
    try {
      awaitReachable(nodes.b(), "s.db.users.load");
      awaitReachable(nodes.a(), "s.cache.stats");
      awaitReachable(nodes.b(), "s.cache.stats");
      CacheClient fromA = CacheClient.create(nodes.a(), "s.");
      CacheClient fromB = CacheClient.create(nodes.b(), "s.");
      List<Future<CacheResult<Object>>> calls = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        calls.add((i % 2 == 0 ? fromA : fromB).getOrLoadResult("users", "42", null));
      }
      await(Future.join(calls), Duration.ofSeconds(60));
      int fromLoader = 0;
      for (Future<CacheResult<Object>> f : calls) {
        assertThat(f.succeeded()).as("every caller is answered: %s", f.cause()).isTrue();
        assertThat(f.result().value()).isEqualTo(new JsonObject().put("id", "42").put("name", "Ada"));
        if (f.result().source() == CacheResult.Source.LOADER) {
          fromLoader++;
        }
      }
      System.out.printf("stampede: 1000 concurrent getOrLoad from 2 nodes, 4 cache instances: %d loader call(s); "
        + "%d callers answered by the load they joined, the others from Redis%n", STAMPEDE_LOADS.get(), fromLoader);
      assertThat(STAMPEDE_LOADS).hasValue(1);
    } finally {
      await(nodes.a().undeploy(loader));
      await(nodes.b().undeploy(deployments.get(1)));
      await(nodes.a().undeploy(deployments.get(0)));
    }
  }

  // ---------------------------------------------------------------------------------------------

  static final AtomicInteger SQUARES = new AtomicInteger();
  static volatile CacheClient.Memoized<Integer> square;

  /** A verticle on the other node than the cache service, caching a function of its own. */
  public static class SquareVerticle extends VerticleBase {
    @Override
    public Future<?> start() {
      square = CacheClient.create(vertx, "m.").memoize("squares", (Integer n) -> {
        if (n == null) {
          return Future.failedFuture(new IllegalArgumentException("n is required"));
        }
        SQUARES.incrementAndGet();
        return Future.succeededFuture(n * n);
      }, n -> String.valueOf(n), LoadOptions.ttl(Duration.ofMinutes(5)));
      return square.ready();
    }
  }

  @Test
  void memoizeFromAVerticleOnAnotherNodeAndUndeployItsLoader() {
    String service = await(nodes.a().deployVerticle(RedisKitVerticle.class, new DeploymentOptions()
      .setConfig(config("m.", new JsonObject()))));
    String squares = await(nodes.b().deployVerticle(new SquareVerticle()));
    try {
      String address = square.address();
      assertThat(address).startsWith("m.cache.loader.memo.");
      awaitReachable(nodes.a(), address);
      awaitReachable(nodes.b(), "m.cache.getOrLoad");
      assertThat(((Number) await(square.apply(7))).intValue()).isEqualTo(49);
      assertThat(((Number) await(square.apply(7))).intValue()).isEqualTo(49);
      assertThat(((Number) await(square.apply(8))).intValue()).isEqualTo(64);
      assertThat(SQUARES).as("each argument computed once, on node B, called by the cache service on node A").hasValue(2);
      assertThat(await(CacheClient.create(nodes.a(), "m.").lookup("squares", "7")).value()).as("cached in Redis").isEqualTo(49);

      await(nodes.b().undeploy(squares));
      squares = null;
      // Node A hears of the removed consumer through Hazelcast: poll, 30 s at most.
      Await.until(() -> nodes.a().eventBus().request(address, new JsonObject()).toCompletionStage().toCompletableFuture()
          .handle((r, e) -> e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS).get(10, TimeUnit.SECONDS),
        Duration.ofSeconds(30), "the memoized function's loader to be gone after undeploy");
      JsonObject direct = new JsonObject().put("namespace", "squares").put("key", "9").put("args", 9).put("loader", address);
      Throwable gone = failure(nodes.a().eventBus().request("m.cache.getOrLoad", direct));
      assertThat(FailureCodes.fromReply(gone)).isInstanceOf(LoaderUnavailableException.class);
      assertThat(SQUARES).hasValue(2);
    } finally {
      if (squares != null) {
        await(nodes.b().undeploy(squares));
      }
      await(nodes.a().undeploy(service));
    }
  }
}
