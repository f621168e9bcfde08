package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheResult.Source;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.CacheLoaders;
import dev.rediskit.test.Await;
import dev.rediskit.web.CacheHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of read result says where it came from, through the Java API and through the event
 * bus ({@code CacheClient}), and {@link CacheHeaders} turns it into HIT, MISS or STALE. Run once per
 * topology by the subclasses.
 */
abstract class AbstractCacheSourcesTest {

  static final String PREFIX = "src.";
  static final String LOADER = "src.db.load";

  Vertx vertx;
  RedisGateway gateway;
  RedisCache cache;
  CacheConsumers consumers;
  CacheClient client;
  /** What the event-bus loader answers: a value, or absent when the key starts with "none". */
  final AtomicInteger busLoads = new AtomicInteger();

  /** @return connection settings for the topology under test */
  abstract RedisKitOptions baseOptions();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    RedisKitOptions options = baseOptions().setKeyPrefix("s")
      // Generous: the build machine has two cores shared with other builds, and a cold JVM connects slowly.
      .setConnectTimeoutMs(15_000).setCommandTimeoutMs(10_000);
    options.getCache().putNamespace("bus", new NamespaceOptions().setLoader(LOADER));
    gateway = await(RedisGateway.create(vertx, options).ready());
    cache = RedisCache.create(vertx, gateway);
    consumers = await(CacheConsumers.register(vertx.eventBus(), PREFIX, cache));
    await(CacheLoaders.register(vertx, LOADER, key -> {
      busLoads.incrementAndGet();
      return Future.succeededFuture(key.startsWith("none") ? null : new JsonObject().put("id", key));
    }));
    client = CacheClient.create(vertx, PREFIX);
  }

  @AfterEach
  void stop() {
    await(consumers.unregister());
    await(gateway.close());
  }

  static <T> T await(Future<T> f) {
    return dev.rediskit.test.Futures.join(f);
  }

  private static void assertSource(CacheResult<?> r, Source source, String status) {
    assertThat(r.source()).as("source of %s", r).isEqualTo(source);
    assertThat(CacheHeaders.status(r)).as("X-Cache of %s", r).isEqualTo(status);
  }

  @Test
  void javaApiReadsSayTheirSource() {
    CacheNamespace<Object> ns = cache.namespace("java");
    assertSource(await(ns.lookup("absent")), Source.CACHE, "MISS");
    await(ns.set("k", "v"));
    assertSource(await(ns.lookup("k")), Source.CACHE, "HIT");

    LoadOptions o = LoadOptions.ttl(Duration.ofMinutes(1)).setCacheNulls(true);
    CacheResult<Object> loaded = await(ns.getOrLoadResult("l", () -> Future.succeededFuture("loaded"), o));
    assertSource(loaded, Source.LOADER, "MISS");
    assertThat(loaded.value()).isEqualTo("loaded");
    assertSource(await(ns.getOrLoadResult("l", () -> Future.failedFuture("not called"), o)), Source.CACHE, "HIT");

    assertSource(await(ns.getOrLoadResult("n", () -> Future.succeededFuture(null), o)), Source.LOADER, "MISS");
    CacheResult<Object> negative = await(ns.getOrLoadResult("n", () -> Future.failedFuture("not called"), o));
    assertSource(negative, Source.NEGATIVE, "HIT");
    assertThat(negative.found()).isTrue();
    assertThat(negative.value()).isNull();
    assertSource(await(ns.lookup("n")), Source.NEGATIVE, "HIT");

    Map<String, CacheResult<Object>> many = await(ns.lookupMany(List.of("k", "n", "absent")));
    assertSource(many.get("k"), Source.CACHE, "HIT");
    assertSource(many.get("n"), Source.NEGATIVE, "HIT");
    assertSource(many.get("absent"), Source.CACHE, "MISS");
  }

  @Test
  void staleEntriesSayStaleThroughLookupAndAFailedLoad() {
    CacheNamespace<Object> ns = cache.namespace("stale");
    LoadOptions o = LoadOptions.ttl(Duration.ofMillis(200)).setStaleTtl(Duration.ofMinutes(1));
    assertSource(await(ns.getOrLoadResult("k", () -> Future.succeededFuture("v1"), o)), Source.LOADER, "MISS");
    // Past its 200 ms TTL within a bounded wait (the bound only guards against a hang).
    CacheResult<Object> stale = Await.value(() -> await(ns.lookup("k")), CacheResult::stale, Await.DEFAULT_TIMEOUT,
      "the entry goes stale");
    assertSource(stale, Source.STALE, "STALE");
    CacheResult<Object> served = await(ns.getOrLoadResult("k", () -> Future.failedFuture("database down"), o));
    assertSource(served, Source.STALE, "STALE");
    assertThat(served.value()).isEqualTo("v1");
    assertSource(await(client.lookup("stale", "k")), Source.STALE, "STALE");
  }

  @Test
  void eventBusReadsSayTheirSource() {
    assertSource(await(client.lookup("bus", "absent")), Source.CACHE, "MISS");
    await(client.set("bus", "k", "v", Duration.ofMinutes(1)));
    assertSource(await(client.lookup("bus", "k")), Source.CACHE, "HIT");

    LoadOptions o = LoadOptions.ttl(Duration.ofMinutes(1)).setCacheNulls(true);
    CacheResult<Object> loaded = await(client.getOrLoadResult("bus", "u1", o));
    assertSource(loaded, Source.LOADER, "MISS");
    assertThat(loaded.value()).isEqualTo(new JsonObject().put("id", "u1"));
    assertSource(await(client.getOrLoadResult("bus", "u1", o)), Source.CACHE, "HIT");
    assertThat(busLoads).hasValue(1);

    assertSource(await(client.getOrLoadResult("bus", "none1", o)), Source.LOADER, "MISS");
    assertSource(await(client.getOrLoadResult("bus", "none1", o)), Source.NEGATIVE, "HIT");
    assertThat(busLoads).hasValue(2);

    Map<String, CacheResult<Object>> many = await(client.lookupMany("bus", List.of("k", "none1", "absent")));
    assertSource(many.get("k"), Source.CACHE, "HIT");
    assertSource(many.get("none1"), Source.NEGATIVE, "HIT");
    assertSource(many.get("absent"), Source.CACHE, "MISS");
  }
}
