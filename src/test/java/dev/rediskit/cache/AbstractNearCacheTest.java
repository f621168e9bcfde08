package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.client.TrackingLink;
import dev.rediskit.test.Await;
import dev.rediskit.test.RedisTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near cache against real servers, once per topology: instance A has a near cache on
 * namespace {@code hot}, instance B (another gateway and cache) writes. Time bounds are generous
 * (the build machine has two cores shared with other builds); none is asserted on speed.
 */
abstract class AbstractNearCacheTest {

  static final long AWAIT_SECONDS = 30;
  static final String NS = "hot";

  Vertx vertx;
  RedisGateway gatewayA;
  RedisGateway gatewayB;
  RedisCache cacheA;
  RedisCache cacheB;

  abstract RedisKitOptions baseOptions();

  abstract RedisTarget redis();

  /** A first connect on a busy two-core machine (JIT still cold) has been seen to take over 2 s. */
  RedisKitOptions options() {
    return baseOptions().setKeyPrefix("n").setConnectTimeoutMs(10_000);
  }

  static CacheOptions nearOptions(NearCacheOptions near) {
    return new CacheOptions().putNamespace(NS, new NamespaceOptions().setNearCache(near));
  }

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    gatewayA = await(RedisGateway.create(vertx, options(), "A").ready());
    gatewayB = await(RedisGateway.create(vertx, options(), "B").ready());
    cacheA = RedisCache.create(vertx, gatewayA, nearOptions(new NearCacheOptions().setEnabled(true)));
    cacheB = RedisCache.create(vertx, gatewayB);
    awaitConfirmed(gatewayA);
  }

  @AfterEach
  void stop() {
    await(gatewayA.close());
    await(gatewayB.close());
  }

  static void awaitConfirmed(RedisGateway gateway) {
    Await.until(() -> gateway.status().tracking() != null
        && TrackingLink.State.CONFIRMED.name().equals(gateway.status().tracking().getString("state")),
      Duration.ofSeconds(AWAIT_SECONDS), () -> "tracking link not confirmed: " + gateway.status().tracking());
  }

  static <T> T await(Future<T> f) {
    return dev.rediskit.test.Futures.join(f, java.time.Duration.ofSeconds(AWAIT_SECONDS));
  }

  /**
   * Reads until the local copy sticks. Redis announces a write to the tracking link a moment after
   * it ran, on another connection than the read's; landing on a read in flight, the announcement
   * keeps that read's reply out of the near cache (the in-flight rule), so the first read after a
   * write may not be stored.
   */
  static void awaitLocal(CacheNamespace<Object> ns, String key) {
    Await.until(() -> {
      await(ns.get(key));
      return await(ns.lookup(key)).source() == CacheResult.Source.NEAR;
    }, Duration.ofSeconds(AWAIT_SECONDS), key + " never cached locally");
  }

  static NearCacheStats near(RedisCache cache) {
    return cache.nearCacheStats().get(NS);
  }

  @Test
  void aCachesBWritesAReadsTheNewValue() {
    CacheNamespace<Object> a = cacheA.namespace(NS);
    CacheNamespace<Object> b = cacheB.namespace(NS);
    await(b.set("k", "v1"));
    assertThat(await(a.lookup("k")).source()).isEqualTo(CacheResult.Source.CACHE);
    awaitLocal(a, "k");
    CacheResult<Object> local = await(a.lookup("k"));
    assertThat(local.value()).isEqualTo("v1");
    assertThat(local.source()).isEqualTo(CacheResult.Source.NEAR);
    assertThat(await(a.get("k"))).isEqualTo("v1");

    await(b.set("k", "v2"));
    Await.until(() -> "v2".equals(await(a.get("k"))), Duration.ofSeconds(AWAIT_SECONDS), "A never read v2");
    // Filled again from Redis, then local again.
    Await.until(() -> await(a.lookup("k")).source() == CacheResult.Source.NEAR, Duration.ofSeconds(AWAIT_SECONDS),
      "v2 never cached locally");
    assertThat(await(a.get("k"))).isEqualTo("v2");
    assertThat(near(cacheA).invalidations()).isGreaterThanOrEqualTo(1);

    // A write from outside the module (another client entirely) invalidates too.
    String rk = "n:c:" + NS + ":0:k";  // version 0: the namespace was never bumped
    redis().command(rk, "DEL", rk);
    Await.until(() -> await(a.lookup("k")).found() == false, Duration.ofSeconds(AWAIT_SECONDS), "DEL never seen");
  }

  @Test
  void ownWritesDeletesAndFlushesDropTheLocalCopyAtOnce() {
    CacheNamespace<Object> a = cacheA.namespace(NS);
    await(a.set("own", 1));
    awaitLocal(a, "own");
    await(a.set("own", 2));
    assertThat(await(a.get("own"))).isEqualTo(2);
    await(a.get("own"));
    await(a.delete("own"));
    assertThat(await(a.lookup("own")).found()).isFalse();

    await(a.set("f", "x"));
    awaitLocal(a, "f");
    await(a.flush());
    assertThat(await(a.lookup("f")).found()).isFalse();
    assertThat(near(cacheA).flushes().get("namespace")).isEqualTo(1);
  }

  @Test
  void getManyAndGetOrLoadHitsComeFromTheNearCache() {
    CacheNamespace<Object> a = cacheA.namespace(NS);
    await(cacheB.namespace(NS).setMany(Map.of("m1", "a", "m2", "b"), Duration.ofMinutes(1)));
    assertThat(await(a.getMany(List.of("m1", "m2", "m3")))).containsOnly(Map.entry("m1", "a"), Map.entry("m2", "b"));
    // As awaitLocal, with getMany filling the near cache.
    Await.until(() -> {
      await(a.getMany(List.of("m1", "m2")));
      return await(a.lookupMany(List.of("m1", "m2"))).values().stream().allMatch(r -> r.source() == CacheResult.Source.NEAR);
    }, Duration.ofSeconds(AWAIT_SECONDS), "m1 and m2 never cached locally");
    long hitsBefore = near(cacheA).hits();
    Map<String, CacheResult<Object>> again = await(a.lookupMany(List.of("m1", "m2")));
    assertThat(again.values()).allMatch(r -> r.source() == CacheResult.Source.NEAR);
    assertThat(near(cacheA).hits()).isEqualTo(hitsBefore + 2);

    CacheResult<Object> loaded = await(a.getOrLoadResult("gl", () -> Future.succeededFuture("loaded"), new LoadOptions()));
    assertThat(loaded.source()).isEqualTo(CacheResult.Source.LOADER);
    // The load's own write invalidates; the next read fills from Redis, the one after is local.
    Await.until(() -> await(a.getOrLoadResult("gl", () -> Future.failedFuture("no load expected"), new LoadOptions()))
      .source() == CacheResult.Source.NEAR, Duration.ofSeconds(AWAIT_SECONDS), "getOrLoad hit never local");
  }

  /**
   * A hit skips the key check (a copy exists only under a key that passed it): a bad key must
   * still be refused, naming the field, and never counted or sent, with copies of good keys present.
   */
  @Test
  void badKeysAreRefusedThoughTheHitPathSkipsTheCheck() {
    CacheNamespace<Object> a = cacheA.namespace(NS);
    await(a.set("good", "v"));
    awaitLocal(a, "good");
    long hits = near(cacheA).hits();
    long misses = near(cacheA).misses();
    long cacheMisses = cacheA.stats(NS).misses();
    for (String bad : Arrays.asList(null, "", "go\nod", "x".repeat(CacheNames.MAX_KEY_LENGTH + 1))) {
      for (Future<?> f : List.of(a.get(bad), a.lookup(bad), a.getOrLoad(bad, () -> Future.succeededFuture("no"), null))) {
        assertThat(f.failed()).as("key %s", bad).isTrue();
        assertThat(f.cause()).isInstanceOf(dev.rediskit.error.InvalidRequestException.class)
          .hasMessageContaining("key");
      }
    }
    assertThat(near(cacheA).hits()).isEqualTo(hits);
    assertThat(cacheA.stats(NS).misses()).isEqualTo(cacheMisses);
    assertThat(await(a.get("good"))).isEqualTo("v");
    assertThat(near(cacheA).hits()).isEqualTo(hits + 1);
    assertThat(near(cacheA).misses()).as("a refused key counts no miss").isEqualTo(misses);
  }

  @Test
  void localCopyNeverOutlivesTheEntrysTtl() {
    CacheNamespace<Object> a = cacheA.namespace(NS);
    // Long enough for awaitLocal to see the local copy first, short enough to wait out.
    await(a.set("short", "x", Duration.ofMillis(2_000)));
    awaitLocal(a, "short");
    Await.until(() -> !await(a.lookup("short")).found(), Duration.ofSeconds(AWAIT_SECONDS), "entry outlived its TTL");
  }

  /**
   * Invalidation delay: B writes, A polls its near cache until the old value is gone. Reported, not
   * asserted (timing on a shared machine).
   */
  @Test
  void invalidationDelayOverAThousandWrites() {
    CacheNamespace<Object> a = cacheA.namespace(NS);
    CacheNamespace<Object> b = cacheB.namespace(NS);
    int writes = 1000;
    long[] delays = new long[writes];
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      keys.add("d" + i);
    }
    for (int i = 0; i < writes; i++) {
      String k = keys.get(i % keys.size());
      await(b.set(k, i));
      // Make sure A holds the current value locally.
      int expected = i;
      Await.until(() -> {
        CacheResult<Object> r = await(a.lookup(k));
        return r.source() == CacheResult.Source.NEAR && Integer.valueOf(expected).equals(r.value());
      }, Duration.ofSeconds(AWAIT_SECONDS), "value never cached locally");
      long sent = System.nanoTime();
      await(b.set(k, -i - 1));
      while (true) {
        CacheResult<Object> r = await(a.lookup(k));
        if (r.source() != CacheResult.Source.NEAR) {
          break;
        }
        if (System.nanoTime() - sent > TimeUnit.SECONDS.toNanos(AWAIT_SECONDS)) {
          throw new AssertionError("invalidation never arrived for write " + i);
        }
      }
      delays[i] = System.nanoTime() - sent;
    }
    Arrays.sort(delays);
    System.out.printf("near cache invalidation delay (%s, %d writes): p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
      getClass().getSimpleName(), writes, delays[writes / 2] / 1e6, delays[writes * 99 / 100] / 1e6, delays[writes - 1] / 1e6);
    assertThat(delays[writes - 1]).isPositive();
  }

  @Test
  void healthDataShowsTheLink() {
    JsonObject tracking = gatewayA.status().tracking();
    assertThat(tracking.getString("state")).isEqualTo("CONFIRMED");
    assertThat(tracking.getInteger("connections")).isEqualTo(redis().masters().size());
    assertThat(gatewayB.status().tracking()).isNull();
  }
}
