package dev.rediskit.eventbus;

import dev.rediskit.config.ConfigurationException;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.error.ValueTooLargeException;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.LoadTimeoutException;
import dev.rediskit.cache.LoaderException;
import dev.rediskit.cache.LoaderUnavailableException;
import dev.rediskit.cache.NamespaceOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code cache.getOrLoad} and {@code cache.warm} on one node against a real Redis: loaders are
 * event-bus consumers registered with {@link CacheLoaders}, the cache service is
 * {@link CacheConsumers} over a {@link RedisCache} whose namespaces name them. Bounds on time are
 * generous (the build machine has two cores shared with other builds) and say why.
 */
@IntegrationTest
class CacheGetOrLoadIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  static final String PREFIX = "t.";
  static final long LOAD_TIMEOUT_MS = 1_000;

  Vertx vertx;
  RedisGateway gateway;
  CacheConsumers consumers;
  CacheClient client;
  final List<MessageConsumer<Object>> loaders = new ArrayList<>();
  /** What the "users" loader does; each test sets it. */
  final AtomicReference<Function<String, Future<?>>> users = new AtomicReference<>(k -> Future.succeededFuture("user " + k));
  final AtomicInteger userLoads = new AtomicInteger();

  static CacheOptions cacheOptions() {
    return new CacheOptions().setMaxValueBytes(1024).setLoadTimeoutMs(LOAD_TIMEOUT_MS).setLeaseTtlMs(2_000)
      .putNamespace("users", new NamespaceOptions().setLoader("db.users.load").setBatchLoader("db.users.loadMany")
        .setLoadOptions(LoadOptions.ttl(Duration.ofMinutes(5))))
      .putNamespace("hot", new NamespaceOptions().setLoader("db.hot.load")
        .setLoadOptions(LoadOptions.ttl(Duration.ofMillis(2_000)).setRefreshAheadFraction(0.5)))
      .putNamespace("nobody", new NamespaceOptions().setLoader("db.nobody.load").setBatchLoader("db.nobody.loadMany"))
      .putNamespace("plain", new NamespaceOptions());
  }

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    gateway = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.uri()).setKeyPrefix("t")
      .setCache(cacheOptions())).ready());
    consumers = await(CacheConsumers.register(vertx.eventBus(), PREFIX, RedisCache.create(vertx, gateway)));
    client = CacheClient.create(vertx, PREFIX);
    loaders.add(await(CacheLoaders.register(vertx, "db.users.load", k -> {
      userLoads.incrementAndGet();
      return users.get().apply(k);
    })));
  }

  @AfterEach
  void stop() {
    for (MessageConsumer<Object> c : loaders) {
      await(c.unregister());
    }
    await(consumers.unregister());
    await(gateway.close());
  }

  private CacheStats stats(String ns) {
    return await(client.stats(ns));
  }

  @Test
  void aMissLoadsOnceThroughTheConfiguredLoaderAndAHitComesFromTheCache() {
    CacheResult<Object> first = await(client.getOrLoadResult("users", "42", null));
    assertThat(first.found()).isTrue();
    assertThat(first.value()).isEqualTo("user 42");
    assertThat(first.source()).isEqualTo(CacheResult.Source.LOADER);
    assertThat(first.stale()).isFalse();
    CacheResult<Object> second = await(client.getOrLoadResult("users", "42", null));
    assertThat(second.value()).isEqualTo("user 42");
    assertThat(second.source()).isEqualTo(CacheResult.Source.CACHE);
    assertThat(userLoads).hasValue(1);
    // The namespace's TTL (5 minutes) applies; a request's own ttlMs overrides it.
    assertThat((Long) redis.server().command("PTTL", "t:c:users:0:42")).isPositive().isLessThanOrEqualTo(300_000);
    await(client.getOrLoad("users", "43", LoadOptions.ttl(Duration.ofSeconds(30))));
    assertThat((Long) redis.server().command("PTTL", "t:c:users:0:43")).isPositive().isLessThanOrEqualTo(30_000);
    // cache.get reads what getOrLoad wrote, and says where it came from.
    assertThat(await(client.lookup("users", "42")).source()).isEqualTo(CacheResult.Source.CACHE);
    assertThat(stats("users").loads()).isEqualTo(2);
  }

  @Test
  void argsReachTheLoaderUnchanged() {
    AtomicReference<Object> seen = new AtomicReference<>();
    MessageConsumer<Object> raw = vertx.eventBus().consumer("t.cache.loader.args", m -> {
      seen.set(((JsonObject) m.body()).getValue("args"));
      m.reply(new JsonObject().put("value", "ok"));
    });
    await(raw.completion());
    loaders.add(raw);
    JsonObject args = new JsonObject().put("id", 42L).put("tags", new JsonArray().add("a"));
    JsonObject reply = await(vertx.eventBus().<JsonObject>request(PREFIX + "cache.getOrLoad", new JsonObject()
      .put("namespace", "plain").put("key", "k").put("loader", "t.cache.loader.args").put("args", args))).body();
    assertThat(reply.getString("source")).isEqualTo("loader");
    assertThat(seen.get()).isEqualTo(args);
  }

  @Test
  void aFailingLoaderIsAnsweredWithTheStaleValue() {
    JsonObject body = new JsonObject().put("namespace", "users").put("key", "s").put("ttlMs", 200).put("staleTtlMs", 60_000);
    JsonObject first = await(vertx.eventBus().<JsonObject>request(PREFIX + "cache.getOrLoad", body)).body();
    assertThat(first.getString("source")).isEqualTo("loader");
    Await.until(() -> await(client.lookup("users", "s")).stale(), "the entry to go stale");
    users.set(k -> Future.failedFuture(new IllegalStateException("database down")));
    JsonObject stale = await(vertx.eventBus().<JsonObject>request(PREFIX + "cache.getOrLoad", body)).body();
    assertThat(stale.getBoolean("found")).isTrue();
    assertThat(stale.getBoolean("stale")).isTrue();
    assertThat(stale.getString("source")).isEqualTo("stale");
    assertThat(stale.getValue("value")).isEqualTo("user s");
    CacheStats s = stats("users");
    assertThat(s.loadFailures()).isEqualTo(1);
    assertThat(s.staleHits()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aFailingLoaderWithoutStaleValueIs502AndWritesNothing() {
    users.set(k -> Future.failedFuture(new IllegalStateException("database down")));
    Throwable t = failure(client.getOrLoad("users", "x", null));
    assertThat(t).isInstanceOf(LoaderException.class)
      .hasMessageContaining("the loader at db.users.load failed for users:x")
      .hasMessageContaining("database down");
    assertThat(((LoaderException) t).code()).isEqualTo(502);
    assertNothingWritten();
  }

  @Test
  void aLoaderThatNeverAnswersIs524WithinTheLoadTimeout() {
    users.set(k -> Promise.promise().future());
    long t0 = System.nanoTime();
    Throwable t = failure(client.getOrLoad("users", "slow", null));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(t).isInstanceOf(LoadTimeoutException.class).hasMessageContaining("1000 ms (cache.loadTimeoutMs)");
    assertThat(((LoadTimeoutException) t).code()).isEqualTo(524);
    // loadTimeoutMs plus the few Redis round trips before and after it; the 10 s of slack are for
    // a loaded 2-core build machine, where a timer can fire late; without the bound the call would
    // wait for the client's 60 s delivery timeout.
    assertThat(ms).isGreaterThanOrEqualTo(LOAD_TIMEOUT_MS - 50).isLessThan(LOAD_TIMEOUT_MS + 10_000);
    assertNothingWritten();
  }

  @Test
  void noLoaderIs501AndWritesNothing() {
    Throwable noConsumer = failure(client.getOrLoad("nobody", "k", null));
    assertThat(noConsumer).isInstanceOf(LoaderUnavailableException.class)
      .hasMessageContaining("no consumer at the loader address db.nobody.load");
    Throwable notConfigured = failure(client.getOrLoad("plain", "k", null));
    assertThat(notConfigured).isInstanceOf(LoaderUnavailableException.class)
      .hasMessageContaining("namespace \"plain\" has no loader");
    assertThat(((LoaderUnavailableException) notConfigured).code()).isEqualTo(501);
    Throwable noBatchConsumer = failure(client.warm("nobody", List.of("a", "b"), null, null));
    assertThat(noBatchConsumer).isInstanceOf(LoaderUnavailableException.class);
    assertThat(failure(client.warm("hot", List.of("a"), null, null))).isInstanceOf(LoaderUnavailableException.class)
      .hasMessageContaining("has no batch loader");
    assertNothingWritten();
  }

  @Test
  void withoutALoaderAHitIsStillAHitAndBadOptionsAreStill400() {
    // A namespace filled by set (or warm, or another caller's loader) is readable through getOrLoad:
    // only a load needs a loader.
    await(client.set("plain", "present", "x", Duration.ofMinutes(1)));
    CacheResult<Object> hit = await(client.getOrLoadResult("plain", "present", null));
    assertThat(hit.found()).isTrue();
    assertThat(hit.value()).isEqualTo("x");
    assertThat(hit.source()).isEqualTo(CacheResult.Source.CACHE);
    assertThat(failure(client.getOrLoad("plain", "absent", null))).isInstanceOf(LoaderUnavailableException.class)
      .hasMessageContaining("namespace \"plain\" has no loader");
    Throwable t = failure(vertx.eventBus().request(PREFIX + "cache.getOrLoad", new JsonObject().put("namespace", "plain")
      .put("key", "present").put("refreshAheadFraction", 2.0)));
    assertThat(t).isInstanceOfSatisfying(ReplyException.class, re -> {
      assertThat(re.failureCode()).isEqualTo(400);
      assertThat(re.getMessage()).isEqualTo("refreshAheadFraction: must be >= 0 and < 1, was 2.0");
    });
  }

  @Test
  void negativeCachingRemembersAnAbsenceOnlyWhenAskedTo() {
    users.set(k -> Future.succeededFuture(null));
    CacheResult<Object> plain = await(client.getOrLoadResult("users", "gone", null));
    assertThat(plain.found()).isFalse();
    assertThat(plain.source()).isEqualTo(CacheResult.Source.LOADER);
    assertNothingWritten();
    LoadOptions nulls = new LoadOptions().setCacheNulls(true).setNullTtl(Duration.ofSeconds(30));
    assertThat(await(client.getOrLoadResult("users", "gone", nulls)).source()).isEqualTo(CacheResult.Source.LOADER);
    CacheResult<Object> remembered = await(client.getOrLoadResult("users", "gone", nulls));
    assertThat(remembered.source()).isEqualTo(CacheResult.Source.NEGATIVE);
    assertThat(remembered.value()).isNull();
    assertThat(userLoads).hasValue(2);
    assertThat((Long) redis.server().command("PTTL", "t:c:users:0:gone")).isPositive().isLessThanOrEqualTo(30_000);
  }

  @Test
  void aHotKeyReadThroughTheEventBusIsRefreshedAheadAndNeverMissesOverThreeTtls() {
    AtomicInteger hotLoads = new AtomicInteger();
    loaders.add(await(CacheLoaders.register(vertx, "db.hot.load", k -> Future.succeededFuture("v" + hotLoads.incrementAndGet()))));
    assertThat(await(client.getOrLoadResult("hot", "k", null)).source()).isEqualTo(CacheResult.Source.LOADER);
    long end = System.nanoTime() + Duration.ofMillis(3 * 2_000 + 500).toNanos();
    int reads = 0;
    Map<CacheResult.Source, Integer> sources = new HashMap<>();
    while (System.nanoTime() - end < 0) {
      CacheResult<Object> r = await(client.getOrLoadResult("hot", "k", null));
      assertThat(r.found()).as("read %d found the key", reads).isTrue();
      sources.merge(r.source(), 1, Integer::sum);
      reads++;
    }
    System.out.printf("refresh-ahead over 3 TTLs: %d reads, sources %s, %d loader calls%n", reads, sources, hotLoads.get());
    // Every read after the first was served from Redis: the key never went cold...
    assertThat(sources).containsOnlyKeys(CacheResult.Source.CACHE);
    // ...because the loader ran in the background before each expiry (one refresh per half TTL of reading).
    assertThat(hotLoads.get()).isGreaterThanOrEqualTo(4);
    // A refresh is counted when it takes the lease, a moment before it calls the loader.
    assertThat(stats("hot").refreshes()).isBetween(hotLoads.get() - 1L, (long) hotLoads.get());
  }

  @Test
  void warmLoadsTenThousandKeysInBatchesOfAHundred() {
    AtomicInteger batches = new AtomicInteger();
    Set<Integer> sizes = ConcurrentHashMap.newKeySet();
    loaders.add(await(CacheLoaders.registerBatch(vertx, "db.users.loadMany", keys -> {
      batches.incrementAndGet();
      sizes.add(keys.size());
      Map<String, Object> values = new HashMap<>();
      for (String k : keys) {
        values.put(k, new JsonObject().put("id", k));
      }
      return Future.succeededFuture(values);
    })));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      keys.add("u" + i);
    }
    WarmSummary r = await(client.warm("users", keys, 100, Duration.ofMinutes(10)));
    assertThat(r).isEqualTo(new WarmSummary(10_000, 10_000, 0, 10_000, 0, null));
    assertThat(batches).hasValue(100);
    assertThat(sizes).containsExactly(100);
    assertThat(redis.server().command("DBSIZE")).isEqualTo(10_000L);
    for (String k : List.of("u0", "u4999", "u9999")) {
      assertThat((Long) redis.server().command("PTTL", "t:c:users:0:" + k)).isPositive().isLessThanOrEqualTo(600_000);
    }
    assertThat(await(client.lookup("users", "u1234")).value()).isEqualTo(new JsonObject().put("id", "u1234"));
    assertThat(stats("users").loads()).isEqualTo(100);
  }

  @Test
  void warmCountsWhatTheBatchLoaderLeftOutOrSentTooLarge() {
    loaders.add(await(CacheLoaders.registerBatch(vertx, "db.users.loadMany", keys -> {
      Map<String, Object> values = new HashMap<>();
      values.put("a", "fine");
      values.put("big", "x".repeat(2_000));
      return Future.succeededFuture(values);
    })));
    WarmSummary r = await(client.warm("users", List.of("a", "big", "none", "a"), null, null));
    assertThat(r.requested()).isEqualTo(4);
    assertThat(r.loaded()).isEqualTo(2);
    assertThat(r.written()).isEqualTo(1);
    assertThat(r.failed()).isEqualTo(1);
    assertThat(r.skipped()).isEqualTo(2);
    assertThat(redis.server().command("DBSIZE")).isEqualTo(1L);
  }

  @Test
  void theTypedClientNamesALoaderOfItsOwnForANamespaceWithoutOne() {
    AtomicInteger calls = new AtomicInteger();
    loaders.add(await(CacheLoaders.register(vertx, "t.cache.loader.byname", k -> {
      calls.incrementAndGet();
      return Future.succeededFuture(new JsonObject().put("id", k));
    })));
    // "unconfigured" is in no cache.namespaces entry: without the loader named, a miss has nothing to load it.
    assertThat(failure(client.getOrLoadResult("unconfigured", "7", null)))
      .isInstanceOf(LoaderUnavailableException.class);
    CacheResult<Object> first = await(client.getOrLoadResult("unconfigured", "7", "t.cache.loader.byname", null,
      LoadOptions.ttl(Duration.ofSeconds(30))));
    assertThat(first.source()).isEqualTo(CacheResult.Source.LOADER);
    assertThat(first.value()).isEqualTo(new JsonObject().put("id", "7"));
    CacheResult<Object> second = await(client.getOrLoadResult("unconfigured", "7", "t.cache.loader.byname", null, null));
    assertThat(second.source()).isEqualTo(CacheResult.Source.CACHE);
    assertThat(calls).hasValue(1);
    assertThat((Long) redis.server().command("PTTL", "t:c:unconfigured:0:7")).isPositive().isLessThanOrEqualTo(30_000);
    // An address outside the loader prefix is refused by the service, before Redis and before any consumer.
    assertThat(failure(client.getOrLoadResult("unconfigured", "8", "db.users.load", null, null)))
      .isInstanceOf(InvalidRequestException.class).hasMessageContaining("loader: must be an address under the loader prefix");
    assertThat(userLoads).hasValue(0);
    assertThat(redis.server().command("EXISTS", "t:c:unconfigured:0:8")).isEqualTo(0L);
  }

  @Test
  void aBlockingLoaderRunsOnAWorker() {
    AtomicReference<Boolean> onWorker = new AtomicReference<>();
    loaders.add(await(CacheLoaders.registerBlocking(vertx, "t.cache.loader.blocking", k -> {
      onWorker.set(Context.isOnWorkerThread());
      return new JsonObject().put("k", k);
    })));
    JsonObject reply = await(vertx.eventBus().<JsonObject>request(PREFIX + "cache.getOrLoad",
      new JsonObject().put("namespace", "plain").put("key", "b").put("loader", "t.cache.loader.blocking"))).body();
    assertThat(reply.getJsonObject("value")).isEqualTo(new JsonObject().put("k", "b"));
    assertThat(onWorker.get()).isTrue();
  }

  @Test
  void memoizeCachesAFunctionOfAnArgument() {
    AtomicInteger calls = new AtomicInteger();
    CacheClient.Memoized<Long> square = client.memoize("plain", (Long n) -> {
      calls.incrementAndGet();
      return Future.succeededFuture(n * n);
    }, n -> "sq:" + n, LoadOptions.ttl(Duration.ofMinutes(1)));
    await(square.ready());
    assertThat(square.address()).startsWith("t.cache.loader.memo.");
    assertThat(((Number) await(square.apply(12L))).longValue()).isEqualTo(144);
    assertThat(((Number) await(square.apply(12L))).longValue()).isEqualTo(144);
    assertThat(((Number) await(square.apply(3L))).longValue()).isEqualTo(9);
    assertThat(calls).hasValue(2);
    assertThat((Long) redis.server().command("PTTL", "t:c:plain:0:sq:12")).isPositive().isLessThanOrEqualTo(60_000);
    await(square.unregister());
    assertThat(failure(square.apply(5L))).isInstanceOf(LoaderUnavailableException.class);
    assertThat(((Number) await(square.apply(12L))).longValue()).as("still cached").isEqualTo(144);
  }

  /** A memoized function's argument of a type of its own: it travels as JSON and is mapped back. */
  public static class Query {
    public String name;
    public int page;
  }

  @Test
  void memoizeMapsAnArgumentOfItsOwnTypeBackBeforeTheFunctionRuns() {
    AtomicReference<Object> seen = new AtomicReference<>();
    CacheClient.Memoized<Query> search = client.memoize("plain", (Query q) -> {
      seen.set(q);
      return Future.succeededFuture(new JsonArray().add(q.name + "#" + q.page));
    }, q -> "search:" + q.name + ":" + q.page, null);
    Query q = new Query();
    q.name = "ada";
    q.page = 2;
    assertThat(await(search.apply(q))).isEqualTo(new JsonArray().add("ada#2"));
    assertThat(seen.get()).isInstanceOf(Query.class).isNotSameAs(q);
    assertThat(((Query) seen.get()).page).isEqualTo(2);
    await(search.unregister());
  }

  @Test
  void aLoaderPrefixCoveringTheModulesOwnAddressesStopsTheConsumersFromStarting() {
    RedisGateway other = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.uri())
      .setCache(new CacheOptions().setLoaderPrefix("cache.")
        .putNamespace("evil", new NamespaceOptions().setLoader("x.cache.flush")))).ready());
    try {
      Throwable t = failure(CacheConsumers.register(vertx.eventBus(), "x.", RedisCache.create(vertx, other)));
      assertThat(t).isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
        "cache.loaderPrefix: must not cover the module's own addresses (with addressPrefix \"x.\" it covers x.cache.get, "
          + "x.cache.get.batch, x.cache.set, x.cache.delete, x.cache.invalidate, x.cache.flush, x.cache.bumpVersion, x.cache.invalidateTag, x.cache.stats, x.cache.mget, x.cache.mset, "
          + "x.cache.getOrLoad, x.cache.warm, x.cache.invalidations), was \"cache.\"",
        "cache.namespaces.evil: a loader address must not be the module's own address x.cache.flush"));
      assertThat(failure(vertx.eventBus().request("x.cache.get", new JsonObject().put("key", "k"))))
        .as("nothing left registered").isInstanceOf(ReplyException.class);
    } finally {
      await(other.close());
    }
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
      arguments(new JsonObject().put("namespace", "users"), 400, "key: is required"),
      arguments(new JsonObject().put("namespace", "users").put("key", ""), 400, "key: must not be empty"),
      arguments(new JsonObject().put("namespace", "a:b").put("key", "k"), 400,
        "namespace: must not contain ':' (it separates namespace and key), was \"a:b\""),
      arguments(new JsonObject().put("key", "k").put("loader", "cache.set"), 400,
        "loader: must be an address under the loader prefix \"t.cache.loader.\" (cache.loaderPrefix), was \"cache.set\""),
      arguments(new JsonObject().put("key", "k").put("loader", "t.cache.set"), 400,
        "loader: must be an address under the loader prefix \"t.cache.loader.\" (cache.loaderPrefix), was \"t.cache.set\""),
      arguments(new JsonObject().put("key", "k").put("loader", "t.cache.loader."), 400,
        "loader: must be an address under the loader prefix \"t.cache.loader.\" (cache.loaderPrefix), was \"t.cache.loader.\""),
      arguments(new JsonObject().put("key", "k").put("loader", "t.cache.loader.a b"), 400,
        "loader: must not contain whitespace or control characters (at index 16), was \"t.cache.loader.a b\""),
      arguments(new JsonObject().put("key", "k").put("loader", 7), 400, "loader: must be a string, was a number"),
      arguments(new JsonObject().put("namespace", "users").put("key", "k").put("ttlMS", 5), 400,
        "ttlMS: unknown field of cache.getOrLoad (expected namespace?, key, args?, loader?, ttlMs?, staleTtlMs?, "
          + "refreshAheadFraction?, refreshAheadBeta?, cacheNulls?, nullTtlMs?, idleTtlMs?, tags?)"),
      arguments(new JsonObject().put("namespace", "users").put("key", "k").put("ttlMs", -1), 400, "ttlMs: must be > 0, was -1"),
      arguments(new JsonObject().put("namespace", "users").put("key", "k").put("staleTtlMs", -1), 400,
        "staleTtlMs: must be >= 0, was -1"),
      arguments(new JsonObject().put("namespace", "users").put("key", "k").put("refreshAheadFraction", 1.5), 400,
        "refreshAheadFraction: must be >= 0 and < 1, was 1.5"),
      arguments(new JsonObject().put("namespace", "users").put("key", "k").put("refreshAheadFraction", 0.2)
        .put("refreshAheadBeta", 1.0), 400, "refreshAheadBeta: must be 0 when refreshAheadFraction is set (pick one way)"),
      arguments(new JsonObject().put("namespace", "users").put("key", "k").put("cacheNulls", "yes"), 400,
        "cacheNulls: must be true or false, was a string"),
      arguments(new JsonObject().put("namespace", "users").put("key", "k").put("refreshAheadBeta", "x"), 400,
        "refreshAheadBeta: must be a number, was a string"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("badRequests")
  void badGetOrLoadRequestsAreRefusedBeforeRedisOrTheLoader(JsonObject body, int code, String message) {
    Throwable t = failure(vertx.eventBus().request(PREFIX + "cache.getOrLoad", body));
    assertThat(t).isInstanceOfSatisfying(ReplyException.class, re -> {
      assertThat(re.failureCode()).isEqualTo(code);
      assertThat(re.getMessage()).isEqualTo(message);
    });
    assertThat(userLoads).hasValue(0);
    assertNothingWritten();
  }

  @Test
  void badWarmRequestsAreRefused() {
    assertThat(failure(client.warm("users", List.of("a"), 0, null))).isInstanceOf(InvalidRequestException.class)
      .hasMessage("batchSize: must be between 1 and 10000, was 0");
    assertThat(failure(client.warm("users", List.of("a"), null, Duration.ofMillis(-5))))
      .isInstanceOf(InvalidRequestException.class).hasMessage("ttlMs: must be > 0, was -5");
    assertThat(failure(client.warm("users", List.of(), null, null))).isInstanceOf(InvalidRequestException.class)
      .hasMessage("keys: must not be empty");
    Throwable t = failure(vertx.eventBus().request(PREFIX + "cache.warm", new JsonObject().put("namespace", "users")
      .put("keys", new JsonArray().add("a")).put("batchLoader", "db.evil")));
    assertThat(((ReplyException) t).failureCode()).isEqualTo(400);
    assertThat(t.getMessage()).startsWith("batchLoader: unknown field of cache.warm");
    assertNothingWritten();
  }

  static Stream<Arguments> malformedLoaderReplies() {
    return Stream.of(
      arguments("a string body", (Function<JsonObject, Object>) req -> "Ada", 502,
        "the loader at t.cache.loader.raw answered with a string, not a JSON object for plain:k"),
      arguments("the entity instead of {value}", (Function<JsonObject, Object>) req -> new JsonObject().put("name", "Ada"), 502,
        "the loader at t.cache.loader.raw answered with the field \"name\" for plain:k"),
      arguments("a value over cache.maxValueBytes", (Function<JsonObject, Object>) req -> new JsonObject().put("value", "x".repeat(2_000)),
        413, "the loader at t.cache.loader.raw answered plain:k with a value of 2003 bytes encoded, larger than the maximum "
          + "of 1024 bytes (cache.maxValueBytes); nothing was written"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedLoaderReplies")
  void aLoaderReplyOutsideTheContractIsACodedFailureAndWritesNothing(String what, Function<JsonObject, Object> reply,
                                                                     int code, String message) {
    MessageConsumer<Object> raw = vertx.eventBus().consumer("t.cache.loader.raw", m -> m.reply(reply.apply((JsonObject) m.body())));
    await(raw.completion());
    loaders.add(raw);
    Throwable t = failure(vertx.eventBus().request(PREFIX + "cache.getOrLoad",
      new JsonObject().put("namespace", "plain").put("key", "k").put("loader", "t.cache.loader.raw")));
    assertThat(t).isInstanceOfSatisfying(ReplyException.class, re -> {
      assertThat(re.failureCode()).isEqualTo(code);
      assertThat(re.getMessage()).startsWith(message);
    });
    assertThat(FailureCodes.fromReply(t)).isInstanceOf(code == 413 ? ValueTooLargeException.class : LoaderException.class);
    assertNothingWritten();
  }

  @Test
  void aMalformedBatchReplyFailsItsBatchAndWritesNothing() {
    MessageConsumer<Object> raw = vertx.eventBus().consumer("db.users.loadMany", m -> m.reply(new JsonObject().put("a", 1)));
    await(raw.completion());
    loaders.add(raw);
    WarmSummary r = await(client.warm("users", List.of("a", "b"), null, null));
    assertThat(r.failed()).isEqualTo(2);
    assertThat(r.written()).isZero();
    assertThat(r.error()).contains("answered with the field \"a\"");
    assertNothingWritten();
  }

  /** Entries are written before a reply; a lease is released right after it, so it may need a moment to go. */
  private static void assertNothingWritten() {
    Await.until(() -> Long.valueOf(0).equals(redis.server().command("DBSIZE")), Duration.ofSeconds(10),
      () -> "nothing left in Redis, found " + redis.server().command("KEYS", "*"));
  }
}
