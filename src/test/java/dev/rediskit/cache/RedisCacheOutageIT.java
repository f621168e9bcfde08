package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis dies under getOrLoad traffic and comes back: the loader answers meanwhile, then caching resumes. */
@IntegrationTest
class RedisCacheOutageIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Test
  void loaderAnswersWhileRedisIsDownAndCachingResumes(Vertx vertx) throws Exception {
    RedisServer server = redis.server();
    RedisGateway gateway = AbstractRedisCacheTest.await(RedisGateway.create(vertx, new RedisKitOptions()
      .setEndpoint(server.uri()).setKeyPrefix("t")
      // Short timeouts so the outage is noticed quickly; the breaker re-tries every 300 ms.
      .setCommandTimeoutMs(300).setConnectTimeoutMs(300).setReconnectMaxDelayMs(200)
      .setBreakerMaxFailures(3).setBreakerResetTimeoutMs(300)).ready());
    RedisCache cache = RedisCache.create(vertx, gateway);
    CacheNamespace<Object> ns = cache.namespace("outage");
    AtomicInteger loads = new AtomicInteger();
    Supplier<Future<Object>> loader = () -> Future.succeededFuture("v" + loads.incrementAndGet());
    LoadOptions opts = LoadOptions.ttl(Duration.ofSeconds(60));

    AtomicLong started = new AtomicLong();
    AtomicLong completed = new AtomicLong();
    AtomicLong slowest = new AtomicLong();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicLong fallbacksAtRestart = new AtomicLong(-1);
    // Traffic: one getOrLoad every 5 ms over 20 keys, timed one by one.
    long traffic = vertx.setPeriodic(5, id -> {
      long n = started.incrementAndGet();
      long t0 = System.nanoTime();
      ns.getOrLoad("k" + (n % 20), loader, opts).onComplete(ar -> {
        slowest.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), Math::max);
        if (ar.failed()) {
          failures.add(ar.cause());
        }
        completed.incrementAndGet();
      });
    });
    try {
      Await.until(() -> ns.stats().hits() > 100, "warm traffic");
      server.kill();
      Await.until(() -> ns.stats().redisFallbacks() > 50, Duration.ofSeconds(30), "the loader to answer for Redis");
      fallbacksAtRestart.set(ns.stats().redisFallbacks());
      server.restart();
      // Caching resumes by itself: entries reappear in the (empty) restarted server.
      Await.until(() -> (Long) server.command("DBSIZE") >= 20, Duration.ofSeconds(30), "caching to resume");
      long hits = ns.stats().hits();
      Await.until(() -> ns.stats().hits() > hits + 50, Duration.ofSeconds(30), "hits after the restart");
    } finally {
      vertx.cancelTimer(traffic);
    }
    Await.until(() -> completed.get() == started.get(), Duration.ofSeconds(10),
      () -> "every call to complete: " + completed.get() + " of " + started.get());
    assertThat(failures).as("calls failed although the loader works").isEmpty();
    // Bounded by the command timeout (300 ms) plus a loader call; 5 s allows for a stalled machine.
    assertThat(slowest.get()).isLessThan(5_000);
    assertThat(ns.stats().redisFallbacks()).isGreaterThan(50);
    assertThat(ns.stats().errors()).isPositive();
    AbstractRedisCacheTest.await(gateway.close());
  }

  @Test
  void aClosedGatewayMakesGetOrLoadUseTheLoader(Vertx vertx) {
    RedisGateway gateway = AbstractRedisCacheTest.await(
      RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.uri())).ready());
    RedisCache cache = RedisCache.create(vertx, gateway);
    AbstractRedisCacheTest.await(gateway.close());
    Promise<Object> p = Promise.promise();
    cache.getOrLoad("k", () -> Future.succeededFuture("direct"), LoadOptions.ttl(Duration.ofSeconds(1))).onComplete(p);
    assertThat(AbstractRedisCacheTest.await(p.future())).isEqualTo("direct");
    assertThat(cache.stats().redisFallbacks()).isEqualTo(1);
  }
}
