package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.ValueTooLargeException;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.Await;
import dev.rediskit.test.DataKeys;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.Monitor;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static dev.rediskit.test.AppContexts.appContext;
import static dev.rediskit.test.AppContexts.on;
import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The caching Java API as an outside Vert.x 5 user meets it from README.md's "Caching" and docs/CACHING.md:
 * a gateway made from {@code new RedisKitOptions().setEndpoint(uri)}, {@code RedisCache.create(vertx, gateway)}
 * with the defaults, calls made from verticles of the user's own, and a real redis-server that is killed,
 * restarted and stalled.
 */
@IntegrationTest
class CacheJavaApiAsAUserIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  /** A gateway with the defaults but the endpoint, as the README's first lines build one. */
  static RedisGateway gateway(Vertx vertx, String uri) {
    return await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(uri)).ready());
  }

  static long pttl(RedisServer server, String key) {
    return (Long) server.command("PTTL", key);
  }

  // ---------------------------------------------------------------------------------------------------------
  // get/set/delete, TTLs in Redis, namespaces, flush, stats

  @Test
  void getSetDeleteWithTtlsNamespacesFlushAndStatsAsDocumented(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    Context app = appContext(vertx);
    RedisCache cache = RedisCache.create(vertx, gateway);
    CacheNamespace<Object> users = cache.namespace("users");
    CacheNamespace<Object> orders = cache.namespace("orders");

    await(on(app, () -> users.set("42", new JsonObject().put("name", "Ada"), Duration.ofMinutes(10))));
    long pttl = pttl(server, "rediskit:c:users:0:42");
    assertThat(pttl).as("PTTL of a 10 minute set").isPositive().isLessThanOrEqualTo(600_000).isGreaterThan(590_000);
    // No TTL: cache.ttlMs, 300000 by default.
    await(on(app, () -> users.set("43", "plain")));
    assertThat(pttl(server, "rediskit:c:users:0:43")).isPositive().isLessThanOrEqualTo(300_000).isGreaterThan(290_000);
    assertThat(await(on(app, () -> users.get("42")))).isEqualTo(new JsonObject().put("name", "Ada"));

    // Same key, other namespace: isolated.
    assertThat(await(on(app, () -> orders.get("42")))).isNull();
    await(on(app, () -> orders.set("42", "order 42", Duration.ofSeconds(30))));
    assertThat(await(on(app, () -> users.get("42")))).isEqualTo(new JsonObject().put("name", "Ada"));
    assertThat(await(on(app, () -> orders.get("42")))).isEqualTo("order 42");
    assertThat(pttl(server, "rediskit:c:orders:0:42")).isPositive().isLessThanOrEqualTo(30_000);

    // A TTL too short to see: it is gone by itself.
    await(on(app, () -> users.set("short", "v", Duration.ofMillis(200))));
    Await.until(() -> await(on(app, () -> users.get("short"))) == null, "the 200 ms entry to expire");
    // The reader judges freshness by the writer's clock (freshUntil), Redis by the time the SET arrived: the key
    // itself goes a moment later.
    Await.until(() -> server.command("EXISTS", "rediskit:c:users:0:short").equals(0L), "Redis to expire the key");

    // delete says how many existed.
    assertThat(await(on(app, () -> users.delete("43", "missing")))).isEqualTo(1L);
    assertThat(await(on(app, () -> users.get("43")))).isNull();

    // flush of one namespace leaves the others and the limiter's keys alone.
    RateLimiter limiter = RateLimiter.create(vertx, gateway);
    await(on(app, () -> limiter.check("users:42", 5, Duration.ofHours(1))));
    @SuppressWarnings("unchecked")
    List<String> limiterKeys = ((List<Object>) server.command("KEYS", "rediskit:rl:*")).stream().map(String::valueOf)
      .filter(k -> !k.endsWith("probe")).toList();
    assertThat(limiterKeys).isNotEmpty();
    CacheNamespace<Object> usersStar = cache.namespace("users*");
    await(on(app, () -> usersStar.set("42", "glob namespace")));
    for (int i = 0; i < 50; i++) {
      int n = i;
      await(on(app, () -> users.set("u" + n, n)));
    }
    // Other glob characters in namespace names are escaped too.
    CacheNamespace<Object> abc = cache.namespace("abc");
    await(on(app, () -> abc.set("1", "abc's")));
    for (String glob : List.of("a?c", "a[b]c", "a[!x]c", "a\\bc", "[a-z]bc")) {
      await(on(app, () -> cache.namespace(glob).set("1", glob)));
      assertThat(await(on(app, () -> cache.flush(glob)))).as("flush of %s", glob).isEqualTo(1L);
      assertThat(await(on(app, () -> abc.get("1")))).as("abc after a flush of %s", glob).isEqualTo("abc's");
    }
    assertThat(await(on(app, () -> cache.flush("users*")))).as("flush of users*").isEqualTo(1L);
    assertThat(await(on(app, () -> users.get("42")))).as("users survives a flush of users*").isNotNull();
    assertThat(await(on(app, () -> cache.flush("users")))).as("flush of users").isEqualTo(51L);
    assertThat(await(on(app, () -> users.get("42")))).isNull();
    assertThat(await(on(app, () -> orders.get("42")))).isEqualTo("order 42");
    for (String k : limiterKeys) {
      assertThat(server.command("EXISTS", k)).as("limiter key %s", k).isEqualTo(1L);
    }

    // Stats as documented: hitRatio = (hits + staleHits) / (hits + staleHits + misses).
    CacheNamespace<Object> st = cache.namespace("statsns");
    CacheStats zero = cache.stats("statsns");
    assertThat(zero.hitRatio()).isZero();
    await(on(app, () -> st.set("a", 1)));
    await(on(app, () -> st.get("a")));
    await(on(app, () -> st.get("a")));
    await(on(app, () -> st.get("a")));
    await(on(app, () -> st.get("b")));
    CacheStats s = st.stats();
    assertThat(s.hits()).isEqualTo(3);
    assertThat(s.misses()).isEqualTo(1);
    assertThat(s.sets()).isEqualTo(1);
    assertThat(s.hitRatio()).isEqualTo(0.75);
    assertThat(cache.stats("statsns").toJson().getDouble("hitRatio")).isEqualTo(0.75);
    assertThat(cache.allStats()).containsKeys("users", "orders", "statsns");
    await(gateway.close());
  }

  // ---------------------------------------------------------------------------------------------------------
  // getOrLoad: stampede protection, blocking loaders

  @Test
  void oneHundredConcurrentGetOrLoadsFromTwoEventLoopsCallTheLoaderOnce(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    RedisCache cache = RedisCache.create(vertx, gateway);
    CacheNamespace<Object> users = cache.namespace("users");
    Context a = appContext(vertx);
    Context b = appContext(vertx);
    Set<String> loops = Collections.synchronizedSet(new HashSet<>());
    a.runOnContext(v -> loops.add(Thread.currentThread().getName()));
    b.runOnContext(v -> loops.add(Thread.currentThread().getName()));
    Await.until(() -> loops.size() == 2, "two distinct event loops");

    AtomicInteger calls = new AtomicInteger();
    Supplier<Future<Object>> loader = () -> {
      calls.incrementAndGet();
      // A database call of 200 ms, asynchronous as a Vert.x client's is.
      Promise<Object> p = Promise.promise();
      vertx.setTimer(200, t -> p.complete(new JsonObject().put("id", 7)));
      return p.future();
    };
    List<Future<Object>> all = new ArrayList<>();
    List<Promise<Object>> promises = IntStream.range(0, 100).mapToObj(i -> Promise.promise()).toList();
    promises.forEach(p -> all.add(p.future()));
    for (int i = 0; i < 100; i++) {
      Promise<Object> p = promises.get(i);
      (i % 2 == 0 ? a : b).runOnContext(v -> users.getOrLoad("7", loader, LoadOptions.ttl(Duration.ofMinutes(5)))
        .onComplete(p));
    }
    for (Future<Object> f : all) {
      assertThat(await(f)).isEqualTo(new JsonObject().put("id", 7));
    }
    assertThat(calls).hasValue(1);
    assertThat(pttl(server, "rediskit:c:users:0:7")).isPositive().isLessThanOrEqualTo(300_000);
    CacheStats s = users.stats();
    assertThat(s.loads()).isEqualTo(1);
    assertThat(s.hits() + s.misses()).isEqualTo(100);
    await(gateway.close());
  }

  @Test
  void callersThatJoinALoadAlreadyRunningCountAsMissesAsDocumented(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    RedisCache cache = RedisCache.create(vertx, gateway);
    CacheNamespace<Object> users = cache.namespace("users");
    Context app = appContext(vertx);
    Promise<Object> db = Promise.promise();
    AtomicInteger calls = new AtomicInteger();
    Supplier<Future<Object>> loader = () -> {
      calls.incrementAndGet();
      return db.future();
    };
    Future<Object> first = on(app, () -> users.getOrLoad("7", loader, null));
    Await.until(() -> calls.get() == 1, "the first caller's load to start");
    // 99 more callers while the load runs: each found nothing fresh and joined it.
    List<Future<Object>> later = new ArrayList<>();
    for (int i = 0; i < 99; i++) {
      later.add(on(app, () -> users.getOrLoad("7", loader, null)));
    }
    Await.until(() -> users.stats().singleFlightJoins() == 99, "99 joins");
    app.runOnContext(v -> db.complete("seven"));
    assertThat(await(first)).isEqualTo("seven");
    for (Future<Object> f : later) {
      assertThat(await(f)).isEqualTo("seven");
    }
    assertThat(calls).hasValue(1);
    // "misses: reads that found nothing fresh; for getOrLoad each is followed by a load or a join";
    // rediskit.cache.requests{result=miss} is this counter, so 100 requests show as 100.
    CacheStats s = users.stats();
    assertThat(s.misses()).as("misses of 100 cold callers").isEqualTo(100);
    assertThat(s.hits()).isZero();
    assertThat(s.hitRatio()).isZero();
    await(on(app, () -> users.getOrLoad("7", loader, null)));
    assertThat(users.stats().hitRatio()).isEqualTo(1.0 / 101);
    await(gateway.close());
  }

  @Test
  void everyCallCompletesOnTheCallersOwnContext(Vertx vertx, RedisServer server) {
    // The gateway made inside one verticle, the calls made from others, as the docs allow ("they hop to that loop").
    Context owner = appContext(vertx);
    RedisGateway gateway = await(on(owner, () -> RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri()))
      .ready()));
    RedisCache cache = await(on(owner, () -> Future.succeededFuture(RedisCache.create(vertx, gateway))));
    CacheNamespace<Object> ns = cache.namespace("ctx");
    Map<String, Supplier<Future<?>>> calls = new java.util.LinkedHashMap<>();
    calls.put("set", () -> ns.set("k", "v"));
    calls.put("get", () -> ns.get("k"));
    calls.put("lookup", () -> ns.lookup("k"));
    calls.put("getMany", () -> ns.getMany(List.of("k")));
    calls.put("setMany", () -> ns.setMany(Map.of("m", 1), Duration.ofMinutes(1)));
    calls.put("delete", () -> ns.delete("m"));
    calls.put("getOrLoad hit", () -> ns.getOrLoad("k", () -> Future.succeededFuture("x"), null));
    calls.put("getOrLoad miss", () -> ns.getOrLoad("g", () -> Future.succeededFuture("x"), null));
    calls.put("getOrLoad timer loader", () -> ns.getOrLoad("g2", () -> vertx.timer(20).map(t -> "x"), null));
    calls.put("getOrLoadBlocking", () -> ns.getOrLoadBlocking("b", () -> "x", null));
    calls.put("warm", () -> ns.warm(List.of("w"), b -> Future.succeededFuture(Map.of("w", 1)), Duration.ofMinutes(1), 10));
    calls.put("flush", () -> cache.flush("other"));
    calls.put("bumpVersion", () -> cache.bumpVersion("other2"));
    calls.put("invalidateTag", () -> cache.invalidateTag("t"));
    SoftAssertions soft = new SoftAssertions();
    for (int round = 0; round < 3; round++) {
      Context caller = appContext(vertx);
      for (Map.Entry<String, Supplier<Future<?>>> call : calls.entrySet()) {
        Promise<String> where = Promise.promise();
        caller.runOnContext(v -> {
          String mine = Thread.currentThread().getName();
          call.getValue().get().onComplete(ar -> where.complete(ar.failed() ? "failed: " + ar.cause()
            : Vertx.currentContext() == caller ? "same" : "on " + Thread.currentThread().getName() + ", called from " + mine));
        });
        soft.assertThat(await(where.future())).as("%s completes on the caller's context", call.getKey()).isEqualTo("same");
      }
    }
    soft.assertAll();
    await(gateway.close());
  }

  @Test
  void twoInstancesShareOneLoadThroughTheRedisLease(Vertx vertx, RedisServer server) {
    RedisGateway gatewayA = gateway(vertx, server.uri());
    RedisGateway gatewayB = gateway(vertx, server.uri());
    CacheNamespace<Object> onA = RedisCache.create(vertx, gatewayA).namespace("users");
    CacheNamespace<Object> onB = RedisCache.create(vertx, gatewayB).namespace("users");
    Context a = appContext(vertx);
    Context b = appContext(vertx);
    AtomicInteger calls = new AtomicInteger();
    Supplier<Future<Object>> loader = () -> {
      calls.incrementAndGet();
      Promise<Object> p = Promise.promise();
      vertx.setTimer(100, t -> p.complete("loaded once"));
      return p.future();
    };
    List<Future<Object>> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      all.add(i % 2 == 0 ? on(a, () -> onA.getOrLoad("42", loader, null)) : on(b, () -> onB.getOrLoad("42", loader, null)));
    }
    for (Future<Object> f : all) {
      assertThat(await(f)).isEqualTo("loaded once");
    }
    assertThat(calls).hasValue(1);
    assertThat(onA.stats().leaseWaits() + onB.stats().leaseWaits()).isPositive();
    await(gatewayA.close());
    await(gatewayB.close());
  }

  @Test
  void aBlockingLoaderRunsOnAWorkerAndTheEventLoopStaysResponsive(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    RedisCache cache = RedisCache.create(vertx, gateway);
    CacheNamespace<Object> users = cache.namespace("users");
    Context app = appContext(vertx);

    // A timer on the caller's own event loop, measuring the longest gap between ticks.
    AtomicLong lastTick = new AtomicLong(System.nanoTime());
    AtomicLong worstGapMs = new AtomicLong();
    AtomicLong timer = new AtomicLong();
    app.runOnContext(v -> timer.set(vertx.setPeriodic(10, id -> {
      long now = System.nanoTime();
      worstGapMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(now - lastTick.getAndSet(now)), Math::max);
    })));
    Await.until(() -> timer.get() != 0, "the timer");
    AtomicReference<String> loaderThread = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    List<Future<Object>> results = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      results.add(on(app, () -> users.getOrLoadBlocking("1", () -> {
        calls.incrementAndGet();
        loaderThread.set(Thread.currentThread().getName());
        Thread.sleep(1_500);                       // the user's JDBC call
        return "from jdbc";
      }, LoadOptions.ttl(Duration.ofMinutes(1)))));
    }
    for (Future<Object> f : results) {
      assertThat(await(f)).isEqualTo("from jdbc");
    }
    // Distinct cold keys load side by side, not one after the other on the caller's context.
    long t0 = System.nanoTime();
    List<Future<Object>> distinct = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String key = "d" + i;
      distinct.add(on(app, () -> users.getOrLoadBlocking(key, () -> {
        Thread.sleep(800);
        return "row " + key;
      }, LoadOptions.ttl(Duration.ofMinutes(1)))));
    }
    for (int i = 0; i < 4; i++) {
      assertThat(await(distinct.get(i))).isEqualTo("row d" + i);
    }
    long parallelMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(parallelMs).as("4 loads of 800 ms").isLessThan(2_400);
    app.runOnContext(v -> vertx.cancelTimer(timer.get()));
    assertThat(calls).hasValue(1);
    assertThat(loaderThread.get()).contains("worker");
    // A 1.5 s sleep on the loop would show as a 1.5 s gap; a loaded machine gives a few hundred ms at worst.
    assertThat(worstGapMs.get()).as("longest gap between 10 ms ticks").isLessThan(1_000);
    await(gateway.close());
  }

  @Test
  void loadersThatThrowReturnNullOrFailAreAnsweredWithTheirErrorOnceAndLeaveNoLease(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    RedisCache cache = RedisCache.create(vertx, gateway);
    CacheNamespace<Object> users = cache.namespace("users");
    Context app = appContext(vertx);
    LoadOptions opts = LoadOptions.ttl(Duration.ofMinutes(1));

    // A loader that throws instead of returning a failed future, as a user's code will.
    Throwable thrown = failure(on(app, () -> users.getOrLoad("t", () -> {
      throw new IllegalArgumentException("bad id");
    }, opts)));
    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessage("bad id");
    // A loader that returns null instead of a future.
    Throwable nullFuture = failure(on(app, () -> users.getOrLoad("n", () -> null, opts)));
    assertThat(nullFuture).isNotNull();
    // A blocking loader that throws a checked exception.
    Throwable checked = failure(on(app, () -> users.getOrLoadBlocking("c", () -> {
      throw new java.sql.SQLException("connection refused");
    }, opts)));
    assertThat(checked).isInstanceOf(java.sql.SQLException.class).hasMessage("connection refused");
    // 100 concurrent callers of a failing loader: one call, everyone gets its error.
    AtomicInteger calls = new AtomicInteger();
    List<Future<Object>> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      all.add(on(app, () -> users.getOrLoad("f", () -> {
        calls.incrementAndGet();
        Promise<Object> p = Promise.promise();
        vertx.setTimer(100, t -> p.fail(new IllegalStateException("database down")));
        return p.future();
      }, opts)));
    }
    for (Future<Object> f : all) {
      assertThat(failure(f)).hasMessage("database down");
    }
    assertThat(calls).hasValue(1);
    // No lease left behind: the next call loads at once.
    assertThat(DataKeys.of(server)).as("no entry and no lease after failed loads").isEmpty();
    long t0 = System.nanoTime();
    assertThat(await(on(app, () -> users.getOrLoad("t", () -> Future.succeededFuture("ok"), opts)))).isEqualTo("ok");
    assertThat(await(on(app, () -> users.getOrLoad("n", () -> Future.succeededFuture("ok"), opts)))).isEqualTo("ok");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_000);

    // Negative caching: a null remembered for nullTtl, without it nothing written.
    AtomicInteger nullCalls = new AtomicInteger();
    Supplier<Future<Object>> nothing = () -> {
      nullCalls.incrementAndGet();
      return Future.succeededFuture(null);
    };
    assertThat(await(on(app, () -> users.getOrLoad("absent", nothing, opts)))).isNull();
    assertThat(server.command("EXISTS", "rediskit:c:users:0:absent")).isEqualTo(0L);
    LoadOptions nulls = LoadOptions.ttl(Duration.ofMinutes(1)).setCacheNulls(true).setNullTtl(Duration.ofSeconds(30));
    assertThat(await(on(app, () -> users.getOrLoad("absent", nothing, nulls)))).isNull();
    assertThat(await(on(app, () -> users.getOrLoad("absent", nothing, nulls)))).isNull();
    assertThat(nullCalls).hasValue(2);
    assertThat(pttl(server, "rediskit:c:users:0:absent")).isPositive().isLessThanOrEqualTo(30_000);
    assertThat(await(on(app, () -> users.lookup("absent"))).source()).isEqualTo(CacheResult.Source.NEGATIVE);
    await(gateway.close());
  }

  /** A user's entity, as the README's {@code cache.namespace("users", User.class)} maps it. */
  public record User(String id, String name) {
  }

  @Test
  void edgesAUserMeets(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    RedisCache cache = RedisCache.create(vertx, gateway);
    Context app = appContext(vertx);
    SoftAssertions soft = new SoftAssertions();

    // POJOs as the README shows them.
    CacheNamespace<User> users = cache.namespace("users", User.class);
    Throwable pojo = null;
    try {
      await(on(app, () -> users.set("42", new User("42", "Ada"))));
      soft.assertThat(await(on(app, () -> users.get("42")))).isEqualTo(new User("42", "Ada"));
      soft.assertThat(await(on(app, () -> users.getOrLoad("43", () -> Future.succeededFuture(new User("43", "Bob")), null))))
        .isEqualTo(new User("43", "Bob"));
      soft.assertThat(await(on(app, () -> users.get("43")))).isEqualTo(new User("43", "Bob"));
    } catch (AssertionError e) {
      pojo = e;
    }
    soft.assertThat(pojo).as("a POJO namespace").isNull();

    // Keys with ':' and glob characters are plain keys: delete("*") deletes the key "*" only.
    CacheNamespace<Object> ns = cache.namespace("edges");
    await(on(app, () -> ns.set("a:b", 1)));
    await(on(app, () -> ns.set("*", 2)));
    await(on(app, () -> ns.set("x", 3)));
    await(on(app, () -> ns.set("k".repeat(1024), 4)));
    soft.assertThat(await(on(app, () -> ns.delete("*")))).isEqualTo(1L);
    soft.assertThat(await(on(app, () -> ns.getMany(List.of("a:b", "x", "*", "k".repeat(1024))))))
      .containsOnlyKeys("a:b", "x", "k".repeat(1024));

    // A value the JSON codec cannot encode.
    Throwable notJson = failure(on(app, () -> ns.set("o", new Object())));
    soft.assertThat(notJson).as("set of a non-JSON value").isInstanceOf(InvalidRequestException.class);
    soft.assertThat(notJson.getMessage()).as("set of a non-JSON value").startsWith("value:");

    // A loaded value too large for cache.maxValueBytes: returned, not cached, counted in errors.
    String big = "x".repeat(1024 * 1024 + 10);
    long errors = ns.stats().errors();
    soft.assertThat(await(on(app, () -> ns.getOrLoad("big", () -> Future.succeededFuture(big), null)))).isEqualTo(big);
    soft.assertThat(server.command("EXISTS", "rediskit:c:edges:0:big")).isEqualTo(0L);
    soft.assertThat(ns.stats().errors()).isEqualTo(errors + 1);

    // memoize with a key function that gives an invalid key, or throws.
    Function<String, Future<Object>> memo = ns.memoize(a -> Future.succeededFuture("f " + a), a -> a, null);
    Throwable emptyKey = failure(on(app, () -> memo.apply("")));
    soft.assertThat(emptyKey).as("memoized call with an empty key").isInstanceOf(InvalidRequestException.class);
    Function<String, Future<Object>> throwing = ns.memoize(a -> Future.succeededFuture("f " + a), a -> {
      throw new IllegalStateException("no key for " + a);
    }, null);
    Throwable keyFnThrew = null;
    try {
      keyFnThrew = failure(on(app, () -> throwing.apply("q")));
    } catch (AssertionError | RuntimeException e) {
      keyFnThrew = e;
    }
    soft.assertThat(keyFnThrew).as("memoized call whose key function throws").hasMessageContaining("no key for q");

    // setMany with a null value.
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("a", 1);
    withNull.put("b", null);
    Throwable nullValue = failure(on(app, () -> ns.setMany(withNull, Duration.ofMinutes(1))));
    soft.assertThat(nullValue).as("setMany with a null value").isInstanceOf(InvalidRequestException.class);
    soft.assertThat(server.command("EXISTS", "rediskit:c:edges:0:a")).as("nothing of the refused setMany").isEqualTo(0L);
    soft.assertAll();
    await(gateway.close());
  }

  // ---------------------------------------------------------------------------------------------------------
  // memoize, warm-up, invalidation, tags

  @Test
  void memoizeWarmInvalidationListenersAndTagsAsDocumented(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    RedisCache cache = RedisCache.create(vertx, gateway);
    Context app = appContext(vertx);
    CacheNamespace<Object> users = cache.namespace("users");
    List<String> heard = new CopyOnWriteArrayList<>();
    cache.addInvalidationListener(new InvalidationListener() {
      @Override
      public void onInvalidate(String namespace, List<String> keys) {
        heard.add(namespace + ":" + keys);
      }

      @Override
      public void onFlush(String namespace) {
        heard.add("flush " + namespace);
      }
    });

    // memoize: one call of the function per key, the key from the key function.
    AtomicInteger fnCalls = new AtomicInteger();
    Function<Long, Future<Object>> find = users.memoize(id -> {
      fnCalls.incrementAndGet();
      return Future.succeededFuture("user " + id);
    }, id -> "id:" + id, LoadOptions.ttl(Duration.ofMinutes(2)));
    assertThat(await(on(app, () -> find.apply(5L)))).isEqualTo("user 5");
    assertThat(await(on(app, () -> find.apply(5L)))).isEqualTo("user 5");
    assertThat(await(on(app, () -> find.apply(6L)))).isEqualTo("user 6");
    assertThat(fnCalls).hasValue(2);
    assertThat(pttl(server, "rediskit:c:users:0:id:5")).isPositive().isLessThanOrEqualTo(120_000);

    // warm with a batch loader: batches of 100, keys the loader has no value for are skipped, repeats too.
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      ids.add("w" + i);
    }
    ids.add("w0");
    AtomicInteger batches = new AtomicInteger();
    WarmResult warmed = await(on(app, () -> users.warm(ids, batch -> {
      batches.incrementAndGet();
      Map<String, Object> values = new HashMap<>();
      for (String k : batch) {
        if (!k.equals("w13")) {
          values.put(k, "v-" + k);
        }
      }
      return Future.succeededFuture(values);
    }, Duration.ofHours(1), 100)));
    assertThat(warmed).isEqualTo(new WarmResult(249, 0, 2));
    assertThat(batches).hasValue(3);
    assertThat(await(on(app, () -> users.get("w200")))).isEqualTo("v-w200");
    assertThat(pttl(server, "rediskit:c:users:0:w200")).isGreaterThan(3_500_000).isLessThanOrEqualTo(3_600_000);
    // warmEach, and a registered loader with warm(keys).
    assertThat(await(on(app, () -> users.warmEach(List.of("e1", "e2"), k -> Future.succeededFuture("each " + k),
      Duration.ofMinutes(1), 10)))).isEqualTo(new WarmResult(2, 0, 0));
    users.loader(k -> Future.succeededFuture("registered " + k));
    assertThat(await(on(app, () -> users.warm(List.of("r1", "r2", "r3"))))).isEqualTo(new WarmResult(3, 0, 0));
    assertThat(await(on(app, () -> users.get("r2")))).isEqualTo("registered r2");
    assertThat(pttl(server, "rediskit:c:users:0:r2")).as("warm(keys): cache.ttlMs").isPositive().isLessThanOrEqualTo(300_000);

    // invalidate: deleted and the listeners told.
    heard.clear();
    assertThat(await(on(app, () -> users.invalidate("w1", "nope")))).isEqualTo(1L);
    assertThat(await(on(app, () -> users.get("w1")))).isNull();
    assertThat(heard).contains("users:[w1, nope]");
    await(on(app, () -> cache.flush("users")));
    assertThat(heard).contains("flush users");

    // Tags: every entry of a tag, in every namespace, stale at once.
    CacheNamespace<Object> orders = cache.namespace("orders");
    await(on(app, () -> users.set("42", "ada", new WriteOptions().setTags(List.of("user:42")))));
    await(on(app, () -> orders.setMany(Map.of("o1", "first", "o2", "second"),
      new WriteOptions().setTtl(Duration.ofMinutes(10)).setTags(List.of("user:42")))));
    await(on(app, () -> orders.set("o3", "other user", new WriteOptions().setTags(List.of("user:43")))));
    AtomicInteger loads = new AtomicInteger();
    assertThat(await(on(app, () -> users.getOrLoad("43", () -> Future.succeededFuture("bob " + loads.incrementAndGet()),
      LoadOptions.ttl(Duration.ofMinutes(5)).setTags(List.of("user:43")))))).isEqualTo("bob 1");
    assertThat(await(on(app, () -> cache.invalidateTag("user:42")))).isPositive();
    assertThat(await(on(app, () -> users.get("42")))).isNull();
    assertThat(await(on(app, () -> orders.getMany(List.of("o1", "o2", "o3"))))).containsOnlyKeys("o3");
    CacheResult<Object> staleByTag = await(on(app, () -> orders.lookup("o1")));
    assertThat(staleByTag.stale()).isTrue();
    assertThat(staleByTag.source()).isEqualTo(CacheResult.Source.STALE);
    await(on(app, () -> cache.invalidateTag("user:43")));
    assertThat(await(on(app, () -> users.getOrLoad("43", () -> Future.succeededFuture("bob " + loads.incrementAndGet()),
      LoadOptions.ttl(Duration.ofMinutes(5)).setTags(List.of("user:43")))))).isEqualTo("bob 2");

    // bumpVersion: every entry unreachable at once.
    await(on(app, () -> orders.set("o9", "x")));
    assertThat(await(on(app, () -> orders.bumpVersion()))).isEqualTo(1L);
    assertThat(await(on(app, () -> orders.get("o9")))).isNull();
    await(on(app, () -> orders.set("o9", "y")));
    assertThat(server.command("EXISTS", "rediskit:c:orders:1:o9")).isEqualTo(1L);
    await(gateway.close());
  }

  // ---------------------------------------------------------------------------------------------------------
  // serve-stale and refresh-ahead

  @Test
  void aFailingLoaderIsAnsweredWithTheStaleValueWithinStaleTtlAndWithItsErrorAfter(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    RedisCache cache = RedisCache.create(vertx, gateway);
    Context app = appContext(vertx);
    CacheNamespace<Object> users = cache.namespace("users");
    LoadOptions opts = LoadOptions.ttl(Duration.ofMillis(500)).setStaleTtl(Duration.ofMillis(1_500));
    assertThat(await(on(app, () -> users.getOrLoad("42", () -> Future.succeededFuture("v1"), opts)))).isEqualTo("v1");
    // Redis keeps it for TTL + staleTtl.
    assertThat(pttl(server, "rediskit:c:users:0:42")).isGreaterThan(1_500).isLessThanOrEqualTo(2_000);
    Supplier<Future<Object>> failing = () -> Future.failedFuture(new IllegalStateException("database down"));
    Await.until(() -> await(on(app, () -> users.lookup("42"))).stale(), "the entry to go stale");
    CacheStats before = CacheStats.fromJson(users.stats().toJson());
    CacheResult<Object> stale = await(on(app, () -> users.getOrLoadResult("42", failing, opts)));
    // One call that served a stale value counts once as a miss (it found nothing fresh and loaded) and once as a
    // stale hit, as the statistics table describes each counter.
    assertThat(users.stats().misses() - before.misses()).isEqualTo(1);
    assertThat(users.stats().staleHits() - before.staleHits()).isEqualTo(1);
    assertThat(stale.value()).isEqualTo("v1");
    assertThat(stale.stale()).isTrue();
    assertThat(stale.source()).isEqualTo(CacheResult.Source.STALE);
    assertThat(await(on(app, () -> users.getOrLoad("42", failing, opts)))).isEqualTo("v1");
    assertThat(users.stats().staleHits()).isGreaterThanOrEqualTo(2);
    assertThat(users.stats().loadFailures()).isGreaterThanOrEqualTo(2);
    // Past the stale window: the loader's error.
    Await.until(() -> server.command("EXISTS", "rediskit:c:users:0:42").equals(0L), "the stale window to end");
    Throwable t = failure(on(app, () -> users.getOrLoad("42", failing, opts)));
    assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("database down");

    // A loader that never answers: LoadTimeoutException after cache.loadTimeoutMs (5 s), or the stale value.
    long t0 = System.nanoTime();
    Throwable slow = failure(on(app, () -> users.getOrLoad("slow", () -> Promise.<Object>promise().future() /* never answers */,
      LoadOptions.ttl(Duration.ofMinutes(1)))));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(slow).isInstanceOf(LoadTimeoutException.class);
    assertThat(tookMs).isBetween(4_900L, 8_000L);
    await(gateway.close());
  }

  @Test
  void aHotKeyIsRefreshedAheadInTheBackgroundAndCallersNeverWait(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    RedisCache cache = RedisCache.create(vertx, gateway);
    Context app = appContext(vertx);
    CacheNamespace<Object> prices = cache.namespace("prices");
    AtomicInteger loads = new AtomicInteger();
    Supplier<Future<Object>> slowLoader = () -> {
      int n = loads.incrementAndGet();
      Promise<Object> p = Promise.promise();
      vertx.setTimer(300, t -> p.complete("v" + n));
      return p.future();
    };
    LoadOptions opts = LoadOptions.ttl(Duration.ofSeconds(2)).setRefreshAheadFraction(0.5);
    assertThat(await(on(app, () -> prices.getOrLoad("p", slowLoader, opts)))).isEqualTo("v1");
    // Read the key continuously for 3 TTLs: no call waits for the 300 ms loader, no miss, and the loader runs
    // in the background about once per (1 - f) x TTL = 1 s.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
    long worstMs = 0;
    Set<Object> seen = new HashSet<>();
    long missesBefore = prices.stats().misses();
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      seen.add(await(on(app, () -> prices.getOrLoad("p", slowLoader, opts))));
      worstMs = Math.max(worstMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
    assertThat(prices.stats().misses()).as("misses while hot").isEqualTo(missesBefore);
    assertThat(prices.stats().refreshes()).isBetween(3L, 8L);
    assertThat(loads.get()).isBetween(4, 9);
    assertThat(seen.size()).isGreaterThan(2);
    assertThat(worstMs).as("slowest read (the loader takes 300 ms)").isLessThan(250);

    // A refresh that fails changes nothing: readers keep the current value, the failure is counted.
    Object current = await(on(app, () -> prices.get("p")));
    long failuresBefore = prices.stats().loadFailures();
    Supplier<Future<Object>> failing = () -> Future.failedFuture(new IllegalStateException("pricing down"));
    Await.until(() -> {
      assertThat(await(on(app, () -> prices.getOrLoad("p", failing, opts)))).isNotNull();
      return prices.stats().loadFailures() > failuresBefore;
    }, "a failed background refresh");
    assertThat(await(on(app, () -> prices.get("p")))).isIn(current, "v" + loads.get());
    await(gateway.close());
  }

  @Test
  void twoInstancesReadingAHotKeyRefreshItOncePerWindowBetweenThem(Vertx vertx, RedisServer server) {
    RedisGateway gatewayA = gateway(vertx, server.uri());
    RedisGateway gatewayB = gateway(vertx, server.uri());
    CacheNamespace<Object> onA = RedisCache.create(vertx, gatewayA).namespace("prices");
    CacheNamespace<Object> onB = RedisCache.create(vertx, gatewayB).namespace("prices");
    Context a = appContext(vertx);
    Context b = appContext(vertx);
    AtomicInteger loads = new AtomicInteger();
    Supplier<Future<Object>> loader = () -> {
      int n = loads.incrementAndGet();
      return vertx.timer(100).map(t -> "v" + n);
    };
    LoadOptions opts = LoadOptions.ttl(Duration.ofSeconds(2)).setRefreshAheadFraction(0.5);
    await(on(a, () -> onA.getOrLoad("p", loader, opts)));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      assertThat(await(on(a, () -> onA.getOrLoad("p", loader, opts)))).isNotNull();
      assertThat(await(on(b, () -> onB.getOrLoad("p", loader, opts)))).isNotNull();
    }
    // About one reload per (1 - f) x TTL = 1 s, between both instances: 1 + 5 at most, and fewer than twice that.
    System.out.println("two instances, 5 s hot: " + loads.get() + " loads, refreshes A " + onA.stats().refreshes()
      + " B " + onB.stats().refreshes());
    assertThat(loads.get()).isBetween(3, 7);
    assertThat(onA.stats().misses() + onB.stats().misses()).isEqualTo(1);
    await(gatewayA.close());
    await(gatewayB.close());
  }

  // ---------------------------------------------------------------------------------------------------------
  // Redis killed, Redis stalled

  record Outcome(String call, long ms, Throwable failure, Object value) {
  }

  static Outcome timed(String call, Supplier<Future<?>> op) {
    long t0 = System.nanoTime();
    Promise<Object> p = Promise.promise();
    op.get().onComplete(ar -> p.handle(ar.map(v -> (Object) v)));
    try {
      Object v = await(p.future(), Duration.ofSeconds(30));
      return new Outcome(call, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), null, v);
    } catch (AssertionError | RuntimeException e) {
      Throwable f = failure(p.future());
      return new Outcome(call, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), f, null);
    }
  }

  static List<Outcome> everyCall(Context app, RedisCache cache, CacheNamespace<Object> ns) {
    List<Outcome> out = new ArrayList<>();
    out.add(timed("get", () -> on(app, () -> ns.get("k"))));
    out.add(timed("lookup", () -> on(app, () -> ns.lookup("k"))));
    out.add(timed("set", () -> on(app, () -> ns.set("k", "v"))));
    out.add(timed("delete", () -> on(app, () -> ns.delete("k"))));
    out.add(timed("getMany", () -> on(app, () -> ns.getMany(List.of("a", "b")))));
    out.add(timed("setMany", () -> on(app, () -> ns.setMany(Map.of("a", 1), Duration.ofMinutes(1)))));
    out.add(timed("flush", () -> on(app, () -> cache.flush(ns.name()))));
    out.add(timed("bumpVersion", () -> on(app, ns::bumpVersion)));
    out.add(timed("invalidateTag", () -> on(app, () -> cache.invalidateTag("t"))));
    out.add(timed("getOrLoad", () -> on(app, () -> ns.getOrLoad("g", () -> Future.succeededFuture("loaded"),
      LoadOptions.ttl(Duration.ofMinutes(1))))));
    return out;
  }

  @Test
  void redisKilledEveryCallFailsFastTypedAndTheCacheRecoversWithoutARestart(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    RedisCache cache = RedisCache.create(vertx, gateway);
    Context app = appContext(vertx);
    CacheNamespace<Object> ns = cache.namespace("outage");
    await(on(app, () -> ns.set("k", "v")));
    server.kill();
    try {
      SoftAssertions soft = new SoftAssertions();
      for (int round = 0; round < 2; round++) {
        List<Outcome> outcomes = everyCall(app, cache, ns);
        System.out.println("killed, round " + round + ": " + outcomes.stream().map(o -> o.call() + " " + o.ms() + " ms "
          + (o.failure() == null ? "ok" : o.failure().getClass().getSimpleName() + ": " + o.failure().getMessage())).toList());
        for (Outcome o : outcomes) {
          soft.assertThat(o.ms()).as("%s took", o.call()).isLessThan(2_500);
          if (o.call().equals("getOrLoad")) {
            soft.assertThat(o.value()).as("getOrLoad answered by the loader (%s)", o.failure()).isEqualTo("loaded");
          } else {
            soft.assertThat(o.failure()).as("%s", o.call()).isInstanceOfAny(RedisUnavailableException.class,
              RedisTimeoutException.class);
          }
        }
      }
      // Redis down and the loader failing too: the loader's error, not Redis's.
      Throwable both = failure(on(app, () -> ns.getOrLoad("g", () -> Future.failedFuture(new IllegalStateException("db down")),
        LoadOptions.ttl(Duration.ofMinutes(1)).setStaleTtl(Duration.ofMinutes(1)))));
      soft.assertThat(both).as("Redis and the loader down").hasMessage("db down");
      soft.assertAll();
    } finally {
      server.restart();
    }
    Await.until(() -> {
      Promise<Object> p = Promise.promise();
      on(app, () -> ns.set("k", "back")).onComplete(ar -> p.complete(ar.succeeded()));
      return (Boolean) await(p.future());
    }, Duration.ofSeconds(20), "writes to succeed again after the restart");
    assertThat(await(on(app, () -> ns.get("k")))).isEqualTo("back");
    await(gateway.close());
  }

  @Test
  void redisStalledEveryCallCompletesWithinTheDocumentedTimeoutTypedAndRecovers(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      RedisGateway gateway = gateway(vertx, proxy.uri());
      RedisCache cache = RedisCache.create(vertx, gateway);
      Context app = appContext(vertx);
      CacheNamespace<Object> ns = cache.namespace("stall");
      await(on(app, () -> ns.set("k", "v")));
      proxy.blackhole();
      // 100 concurrent getOrLoad of one key while the breaker is still closed: "the loader is called directly,
      // still single-flighted per instance", each within the command timeout plus the loader.
      AtomicInteger loads = new AtomicInteger();
      long t0 = System.nanoTime();
      List<Future<Object>> concurrent = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        concurrent.add(on(app, () -> ns.getOrLoad("hot", () -> {
          loads.incrementAndGet();
          // A 50 ms database call. (One that answers at once is over before the next timed-out GET comes
          // back, so each caller would load: single flight shares loads in progress, not results.)
          Promise<Object> p = Promise.promise();
          vertx.setTimer(50, t -> p.complete("from the database"));
          return p.future();
        }, LoadOptions.ttl(Duration.ofMinutes(1)))));
      }
      for (Future<Object> f : concurrent) {
        assertThat(await(f)).isEqualTo("from the database");
      }
      long concurrentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.println("stalled: 100 getOrLoad in " + concurrentMs + " ms, " + loads.get() + " loader calls");
      assertThat(concurrentMs).isLessThan(2_500);
      assertThat(loads).hasValue(1);
      assertThat(ns.stats().misses()).as("misses of 100 callers Redis could not answer").isEqualTo(100);
      assertThat(ns.stats().redisFallbacks()).isEqualTo(1);
      SoftAssertions soft = new SoftAssertions();
      List<Outcome> outcomes = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        outcomes.addAll(everyCall(app, cache, ns));
      }
      for (Outcome o : outcomes) {
        // commandTimeoutMs 1000, "or within twice it while Redis keeps answering": a stall answers nothing.
        soft.assertThat(o.ms()).as("%s took (%s)", o.call(), o.failure()).isLessThan(2_500);
        if (o.call().equals("getOrLoad")) {
          soft.assertThat(o.value()).as("getOrLoad answered by the loader (%s)", o.failure()).isEqualTo("loaded");
        } else {
          soft.assertThat(o.failure()).as("%s", o.call()).isInstanceOfAny(RedisTimeoutException.class,
            RedisUnavailableException.class);
        }
      }
      soft.assertAll();
      System.out.println("stalled: " + outcomes.stream().map(o -> o.call() + " " + o.ms() + " ms "
        + (o.failure() == null ? "ok" : o.failure().getClass().getSimpleName())).toList());
      proxy.pass();
      Await.until(() -> {
        Promise<Object> p = Promise.promise();
        on(app, () -> ns.set("k", "back")).onComplete(ar -> p.complete(ar.succeeded()));
        return (Boolean) await(p.future());
      }, Duration.ofSeconds(20), "writes to succeed again after the stall");
      assertThat(await(on(app, () -> ns.get("k")))).isEqualTo("back");
      await(gateway.close());
    }
  }

  @Test
  void eachKindOfCallAsTheFirstInAStallCompletesWithinTheCommandTimeout(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      List<String> report = new ArrayList<>();
      SoftAssertions soft = new SoftAssertions();
      List<String> calls = List.of("get", "set", "delete", "getMany", "setMany", "flush", "bumpVersion", "invalidateTag",
        "getOrLoad", "warm", "lookupIdle");
      for (String call : calls) {
        proxy.pass();
        RedisGateway gateway = gateway(vertx, proxy.uri());
        RedisCache cache = RedisCache.create(vertx, gateway);
        Context app = appContext(vertx);
        CacheNamespace<Object> ns = cache.namespace("stall");
        await(on(app, () -> ns.set("k", "v")));
        await(on(app, () -> ns.version()));
        proxy.blackhole();
        Supplier<Future<?>> op = switch (call) {
          case "get" -> () -> ns.get("k");
          case "set" -> () -> ns.set("k", "v2");
          case "delete" -> () -> ns.delete("k");
          case "getMany" -> () -> ns.getMany(List.of("k", "j"));
          case "setMany" -> () -> ns.setMany(Map.of("k", 1, "j", 2), Duration.ofMinutes(1));
          case "flush" -> ns::flush;
          case "bumpVersion" -> ns::bumpVersion;
          case "invalidateTag" -> () -> cache.invalidateTag("t");
          case "getOrLoad" -> () -> ns.getOrLoad("g", () -> Future.succeededFuture("loaded"), null);
          case "warm" -> () -> ns.warm(List.of("a", "b"), b -> Future.succeededFuture(Map.of("a", 1, "b", 2)),
            Duration.ofMinutes(1), 10);
          case "lookupIdle" -> () -> ns.lookup("k", Duration.ofMinutes(1));
          default -> throw new IllegalArgumentException(call);
        };
        Outcome o = timed(call, () -> on(app, () -> op.get().map(v -> (Object) v)));
        report.add(call + " " + o.ms() + " ms " + (o.failure() == null ? "-> " + o.value()
          : o.failure().getClass().getSimpleName() + ": " + o.failure().getMessage()));
        soft.assertThat(o.ms()).as("%s took", call).isLessThan(2_500);
        switch (call) {
          case "getOrLoad" -> soft.assertThat(o.value()).as(call).isEqualTo("loaded");
          case "warm" -> soft.assertThat(o.value()).as(call).isEqualTo(new WarmResult(0, 2, 0));
          default -> {
            soft.assertThat(o.failure()).as(call).isInstanceOf(RedisTimeoutException.class);
            // Every timeout names the setting that bounds it.
            soft.assertThat(o.failure()).as(call).hasMessageEndingWith("within 1000 ms (commandTimeoutMs)");
            // A batch is named by its commands, so that a delete does not time out as "BATCH" alone.
            if (o.failure() != null && o.failure().getMessage().startsWith("BATCH")) {
              soft.assertThat(o.failure().getMessage()).as(call).matches("BATCH \\[[A-Z]+(, [A-Z]+)*\\] did not complete .*");
            }
          }
        }
        proxy.pass();
        await(gateway.close());
      }
      System.out.println("first call in a stall: " + String.join("\n  ", report));
      soft.assertAll();
    }
  }

  @Test
  void redisStallingWhileTheLoaderRunsStillAnswersWithTheLoadedValueWithinTheBound(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      RedisGateway gateway = gateway(vertx, proxy.uri());
      RedisCache cache = RedisCache.create(vertx, gateway);
      Context app = appContext(vertx);
      CacheNamespace<Object> ns = cache.namespace("midload");
      await(on(app, () -> ns.set("warm", "v")));
      long t0 = System.nanoTime();
      Object got = await(on(app, () -> ns.getOrLoad("k", () -> {
        // The lease is taken and the entry re-read; now Redis stops answering, before the write.
        proxy.blackhole();
        return vertx.timer(50).map(t -> "loaded");
      }, LoadOptions.ttl(Duration.ofMinutes(1)))));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.println("stall during the load: answered after " + ms + " ms");
      assertThat(got).isEqualTo("loaded");
      // "loadTimeoutMs + 4 x commandTimeoutMs" at most; the write's timeout is what this one waits.
      assertThat(ms).isLessThan(2_500);
      assertThat(ns.stats().errors()).isPositive();
      proxy.pass();
      await(gateway.close());
    }
  }

  @Test
  void batchesOfTwentyThousandKeysWork(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    RedisCache cache = RedisCache.create(vertx, gateway);
    Context app = appContext(vertx);
    CacheNamespace<Object> ns = cache.namespace("bulk");
    Map<String, Object> entries = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      entries.put("k" + i, i);
    }
    long t0 = System.nanoTime();
    await(on(app, () -> ns.setMany(entries, Duration.ofMinutes(5))));
    Map<String, Object> back = await(on(app, () -> ns.getMany(entries.keySet())));
    assertThat(back).hasSize(20_000).containsEntry("k19999", 19_999);
    assertThat(await(on(app, () -> ns.delete(entries.keySet())))).isEqualTo(20_000L);
    System.out.println("20,000 keys set, read and deleted in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    assertThat(DataKeys.of(server).stream().filter(k -> k.startsWith("rediskit:c:bulk:"))).isEmpty();
    await(gateway.close());
  }

  // ---------------------------------------------------------------------------------------------------------
  // bad input


  record Bad(String what, Supplier<Future<?>> call, Class<? extends Throwable> type, String field) {
  }

  @Test
  void badInputFailsNamingTheFieldAndNothingReachesRedis(Vertx vertx, RedisServer server) {
    RedisGateway gateway = gateway(vertx, server.uri());
    RedisCache cache = RedisCache.create(vertx, gateway);
    Context app = appContext(vertx);
    CacheNamespace<Object> ns = cache.namespace("users");
    String hugeKey = "k".repeat(1025);
    String hugeValue = "x".repeat(1024 * 1024);
    Supplier<Future<Object>> loader = () -> Future.succeededFuture("v");
    List<Bad> cases = List.of(
      new Bad("get(null)", () -> ns.get(null), InvalidRequestException.class, "key"),
      new Bad("get(\"\")", () -> ns.get(""), InvalidRequestException.class, "key"),
      new Bad("get(1025 chars)", () -> ns.get(hugeKey), InvalidRequestException.class, "key"),
      new Bad("get(control char)", () -> ns.get("a\nb"), InvalidRequestException.class, "key"),
      new Bad("set(null key)", () -> ns.set(null, "v"), InvalidRequestException.class, "key"),
      new Bad("set(null value)", () -> ns.set("k", null), InvalidRequestException.class, "value"),
      new Bad("set ttl 0", () -> ns.set("k", "v", Duration.ZERO), InvalidRequestException.class, "ttlMs"),
      new Bad("set ttl -1s", () -> ns.set("k", "v", Duration.ofSeconds(-1)), InvalidRequestException.class, "ttlMs"),
      new Bad("set ttl 1000 years", () -> ns.set("k", "v", Duration.ofDays(365_000)), InvalidRequestException.class, "ttlMs"),
      new Bad("set ttl Long.MAX seconds", () -> ns.set("k", "v", Duration.ofSeconds(Long.MAX_VALUE)),
        InvalidRequestException.class, "ttlMs"),
      new Bad("set ttl 1 ns", () -> ns.set("k", "v", Duration.ofNanos(1)), InvalidRequestException.class, "ttlMs"),
      new Bad("set idle TTL 1 ns", () -> ns.set("k", "v", new WriteOptions().setIdleTtl(Duration.ofNanos(1))),
        InvalidRequestException.class, "idleTtlMs"),
      new Bad("getOrLoad staleTtl 0.5 ms", () -> ns.getOrLoad("k", loader,
        new LoadOptions().setStaleTtl(Duration.ofNanos(500_000))),
        InvalidRequestException.class, "staleTtlMs"),
      new Bad("set 1 MiB value", () -> ns.set("k", hugeValue), ValueTooLargeException.class, "value"),
      new Bad("setMany with one huge", () -> ns.setMany(Map.of("a", "v", "b", hugeValue), Duration.ofMinutes(1)),
        ValueTooLargeException.class, "entries.b"),
      new Bad("setMany with an empty key", () -> ns.setMany(Map.of("a", "v", "", "v"), Duration.ofMinutes(1)),
        InvalidRequestException.class, "entries key"),
      new Bad("delete(null)", () -> ns.delete((String) null), InvalidRequestException.class, "keys[0]"),
      new Bad("getMany(null element)", () -> ns.getMany(java.util.Arrays.asList("a", null)),
        InvalidRequestException.class, "keys[1]"),
      new Bad("getOrLoad(empty key)", () -> ns.getOrLoad("", loader, null), InvalidRequestException.class, "key"),
      new Bad("getOrLoad ttl -1", () -> ns.getOrLoad("k", loader, LoadOptions.ttl(Duration.ofMillis(-1))),
        InvalidRequestException.class, "ttlMs"),
      new Bad("getOrLoad staleTtl 1000 years", () -> ns.getOrLoad("k", loader,
        new LoadOptions().setStaleTtl(Duration.ofDays(365_000))), InvalidRequestException.class, "staleTtlMs"),
      new Bad("getOrLoad refreshAheadFraction 2", () -> ns.getOrLoad("k", loader,
        new LoadOptions().setRefreshAheadFraction(2)), InvalidRequestException.class, "refreshAheadFraction"),
      new Bad("getOrLoad null loader", () -> ns.getOrLoad("k", null, null), InvalidRequestException.class, "loader"),
      new Bad("tags: empty tag", () -> ns.set("k", "v", new WriteOptions().setTags(List.of(""))),
        InvalidRequestException.class, "tags[0]"),
      new Bad("invalidateTag(\"\")", () -> cache.invalidateTag(""), InvalidRequestException.class, "tag"),
      new Bad("flush(a:b)", () -> cache.flush("a:b"), InvalidRequestException.class, "namespace"),
      new Bad("flush(\"\")", () -> cache.flush(""), InvalidRequestException.class, "namespace"),
      new Bad("flush(null)", () -> cache.flush(null), InvalidRequestException.class, "namespace"),
      new Bad("warm batch size 0", () -> ns.warm(List.of("a"), b -> Future.succeededFuture(Map.of()),
        Duration.ofMinutes(1), 0), InvalidRequestException.class, "batchSize"));

    try (Monitor monitor = new Monitor(server)) {
      monitor.drain(server);
      SoftAssertions soft = new SoftAssertions();
      for (Bad bad : cases) {
        Throwable t;
        try {
          t = failure(on(app, () -> bad.call().get().map(v -> (Object) v)));
        } catch (AssertionError e) {
          soft.fail(bad.what() + ": " + e.getMessage());
          continue;
        }
        soft.assertThat(t).as(bad.what()).isInstanceOf(bad.type());
        soft.assertThat(t.getMessage()).as(bad.what()).startsWith(bad.field() + ":");
        soft.assertThat(monitor.drain(server)).as(bad.what() + ": commands that reached Redis").isEmpty();
      }
      // Namespace names are checked where the namespace is made.
      for (String bad : List.of("a:b", "", "a b", "n".repeat(129), "a\u0000b")) {
        Throwable t = null;
        try {
          cache.namespace(bad);
        } catch (RuntimeException e) {
          t = e;
        }
        soft.assertThat(t).as("namespace(%s)", bad.length() > 20 ? bad.length() + " chars" : bad)
          .isInstanceOf(InvalidRequestException.class);
        if (t != null) {
          soft.assertThat(t.getMessage()).startsWith("namespace:");
        }
      }
      soft.assertThat(monitor.drain(server)).as("bad namespaces: commands that reached Redis").isEmpty();
      soft.assertThat(DataKeys.of(server)).as("nothing written").isEmpty();
      soft.assertAll();
    }
    await(gateway.close());
  }

  // ---------------------------------------------------------------------------------------------------------
  // the near cache

  @Test
  void aNearCacheCutOffFromRedisNeverServesACopyOlderThanTheBound(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      RedisGateway gatewayA = gateway(vertx, proxy.uri());
      RedisGateway gatewayB = gateway(vertx, server.uri());
      RedisCache a = RedisCache.create(vertx, gatewayA, new CacheOptions().putNamespace("hot", new NamespaceOptions()
        .setNearCache(new NearCacheOptions().setEnabled(true))));
      CacheNamespace<Object> hotA = a.namespace("hot");
      CacheNamespace<Object> hotB = RedisCache.create(vertx, gatewayB).namespace("hot");
      Context app = appContext(vertx);
      long bound = 1_000;
      await(hotB.set("k", "old", Duration.ofMinutes(5)));
      Await.until(() -> {
        CacheResult<Object> r = await(on(app, () -> hotA.lookup("k")));
        return r.source() == CacheResult.Source.NEAR && "old".equals(r.value());
      }, "a local hit of 'old'");
      // A's path to Redis goes silent (its tracking link too); B writes straight into Redis.
      proxy.blackhole();
      await(hotB.set("k", "new", Duration.ofMinutes(5)));
      long written = System.nanoTime();
      record Read(long startMs, Object value) {
      }
      List<Read> reads = new ArrayList<>();
      while (System.nanoTime() - written < TimeUnit.MILLISECONDS.toNanos(bound + 1_500)) {
        long start = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written);
        Promise<Object> p = Promise.promise();
        on(app, () -> hotA.get("k")).onComplete(ar -> p.complete(ar.succeeded() ? ar.result() : ar.cause()));
        reads.add(new Read(start, await(p.future())));
      }
      List<Read> late = reads.stream().filter(r -> r.startMs() > bound).toList();
      System.out.println("cut off: " + reads.size() + " reads; last 'old' at " + reads.stream()
        .filter(r -> "old".equals(r.value())).mapToLong(Read::startMs).max().orElse(-1) + " ms; after the bound: "
        + late.stream().map(r -> r.value() instanceof Throwable t ? t.getClass().getSimpleName() : String.valueOf(r.value()))
          .distinct().toList());
      assertThat(late).isNotEmpty();
      assertThat(late).allSatisfy(r -> assertThat(r.value()).as("a read %d ms after B's write", r.startMs())
        .isNotEqualTo("old"));
      proxy.pass();
      Await.value(() -> await(on(app, () -> hotA.get("k"))), "new"::equals, Duration.ofSeconds(20), "A to read 'new'");
      await(gatewayA.close());
      await(gatewayB.close());
    }
  }

  @Test
  void aNearCachedNamespaceSeesAnotherGatewaysWriteWithinTheStalenessBound(Vertx vertx, RedisServer server) {
    RedisGateway gatewayA = gateway(vertx, server.uri());
    RedisGateway gatewayB = gateway(vertx, server.uri());
    // As docs/CACHING.md "Near cache" shows it; maxStalenessMs left at its default, 1000.
    CacheOptions options = new CacheOptions().putNamespace("hot", new NamespaceOptions()
      .setNearCache(new NearCacheOptions().setEnabled(true)));
    RedisCache a = RedisCache.create(vertx, gatewayA, options);
    RedisCache b = RedisCache.create(vertx, gatewayB);
    Context app = appContext(vertx);
    CacheNamespace<Object> hotA = a.namespace("hot");
    CacheNamespace<Object> hotB = b.namespace("hot");
    long bound = 1_000;
    await(hotB.set("k", "v0", Duration.ofMinutes(5)));
    Await.until(() -> {
      CacheResult<Object> r = await(on(app, () -> hotA.lookup("k")));
      return r.source() == CacheResult.Source.NEAR && "v0".equals(r.value());
    }, "a local hit on A");
    for (int i = 1; i <= 3; i++) {
      String v = "v" + i;
      Await.until(() -> await(on(app, () -> hotA.lookup("k"))).source() == CacheResult.Source.NEAR, "held again");
      await(hotB.set("k", v, Duration.ofMinutes(5)));
      long acked = System.nanoTime();
      // Every read that starts more than the bound after the write was acknowledged shows it.
      Object seen = Await.value(() -> await(on(app, () -> hotA.get("k"))), v::equals, Duration.ofSeconds(10),
        "A to see " + v);
      long seenAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acked);
      System.out.println("near cache saw " + seen + " after " + seenAfterMs + " ms");
      assertThat(seenAfterMs).as("A saw B's write after").isLessThan(bound + 200);
    }
    // A delete by B, and a flush by B, are seen too.
    await(hotB.delete("k"));
    long deleted = System.nanoTime();
    Await.until(() -> await(on(app, () -> hotA.get("k"))) == null, Duration.ofSeconds(10), "A to see the delete");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deleted)).isLessThan(bound + 200);
    assertThat(a.nearCacheStats().get("hot").hits()).isPositive();
    // A flush by B, and a version bump by B (seen within cache.versionRefreshMs, 1 s by default).
    for (String change : List.of("flush", "bumpVersion")) {
      await(hotB.set("k", change, Duration.ofMinutes(5)));
      Await.until(() -> {
        CacheResult<Object> r = await(on(app, () -> hotA.lookup("k")));
        return r.source() == CacheResult.Source.NEAR && change.equals(r.value());
      }, "a local hit before the " + change);
      await(change.equals("flush") ? hotB.flush() : hotB.bumpVersion());
      long done = System.nanoTime();
      Await.until(() -> await(on(app, () -> hotA.get("k"))) == null, Duration.ofSeconds(10), "A to see B's " + change);
      System.out.println("near cache saw B's " + change + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - done)
        + " ms");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - done)).as("A saw B's %s after", change)
        .isLessThan(bound + 200);
    }

    // Redis killed: no local copy is served past the bound, reads fail typed; after the restart B's new
    // write is seen by A without restarting anything.
    await(hotB.set("k", "before", Duration.ofMinutes(5)));
    Await.until(() -> {
      CacheResult<Object> r = await(on(app, () -> hotA.lookup("k")));
      return r.source() == CacheResult.Source.NEAR && "before".equals(r.value());
    }, "a local hit of 'before'");
    server.kill();
    long killed = System.nanoTime();
    try {
      Throwable down = Await.value(() -> {
        Promise<Throwable> p = Promise.promise();
        on(app, () -> hotA.get("k")).onComplete(ar -> p.complete(ar.failed() ? ar.cause() : null));
        return await(p.future());
      }, t -> t != null, Duration.ofSeconds(10), "A's reads to fail once Redis is gone");
      assertThat(down).isInstanceOfAny(RedisUnavailableException.class, RedisTimeoutException.class);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed)).as("local copies served after the kill for")
        .isLessThan(bound + 500);
    } finally {
      server.restart();
    }
    Await.until(() -> {
      Promise<Boolean> p = Promise.promise();
      hotB.set("k", "after", Duration.ofMinutes(5)).onComplete(ar -> p.complete(ar.succeeded()));
      return await(p.future());
    }, Duration.ofSeconds(20), "B to write again");
    Await.value(() -> await(on(app, () -> hotA.get("k"))), "after"::equals, Duration.ofSeconds(20), "A to read 'after'");
    Await.until(() -> await(on(app, () -> hotA.lookup("k"))).source() == CacheResult.Source.NEAR, Duration.ofSeconds(20),
      "A's near cache to serve again after the restart");
    await(gatewayA.close());
    await(gatewayB.close());
  }
}
