package dev.rediskit.cache;

import dev.rediskit.test.RedisTarget;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.error.ValueTooLargeException;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.Await;
import dev.rediskit.test.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cache's behaviour on a real Redis; run once per topology by the subclasses. Short TTLs keep
 * the suite fast; every bound on time is generous (several times what a quiet machine needs),
 * because the build machine has two cores shared with other builds.
 */
abstract class AbstractRedisCacheTest {

  /** Far above any single step here on a quiet machine; a passing run never waits this long. */
  static final long AWAIT_SECONDS = 30;

  Vertx vertx;
  RedisGateway gateway;
  RedisCache cache;
  final List<Vertx> extraVertx = new ArrayList<>();

  /** @return connection settings for the topology under test */
  abstract RedisKitOptions baseOptions();

  /** @return a view of the servers */
  abstract RedisTarget redis();

  RedisKitOptions options() {
    return baseOptions().setKeyPrefix("t");
  }

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    this.gateway = await(RedisGateway.create(vertx, options()).ready());
    this.cache = RedisCache.create(vertx, gateway);
  }

  @AfterEach
  void stop() {
    for (Vertx v : extraVertx) {
      await(v.close());
    }
    await(gateway.close());
  }

  static <T> T await(Future<T> f) {
    return dev.rediskit.test.Futures.join(f, java.time.Duration.ofSeconds(AWAIT_SECONDS));
  }

  /**
   * @param cache a cache
   * @return the namespaces it flushes from now on, in order, as its invalidation listeners hear of them
   */
  static List<String> recordFlushes(RedisCache cache) {
    List<String> flushed = new CopyOnWriteArrayList<>();
    cache.addInvalidationListener(new InvalidationListener() {
      @Override
      public void onInvalidate(String namespace, List<String> keys) {
      }

      @Override
      public void onFlush(String namespace) {
        flushed.add(namespace);
      }
    });
    return flushed;
  }

  // ---------------------------------------------------------------- basics

  @Test
  void setGetDeleteWithTtlObservedByPttl() {
    CacheNamespace<Object> users = cache.namespace("users");
    JsonObject ada = new JsonObject().put("name", "Ada");
    await(users.set("42", ada, Duration.ofSeconds(5)));
    long pttl = redis().pttl("t:c:users:0:42");
    assertThat(pttl).isPositive().isLessThanOrEqualTo(5000);
    assertThat(await(users.get("42"))).isEqualTo(ada);
    CacheResult<Object> r = await(users.lookup("42"));
    assertThat(r.found()).isTrue();
    assertThat(r.stale()).isFalse();
    assertThat(r.ttlMs()).isPositive().isLessThanOrEqualTo(5000);

    await(cache.set("plain", "text"));
    assertThat(redis().pttl("t:c:default:0:plain")).isPositive().isLessThanOrEqualTo(CacheOptions.DEFAULT_TTL_MS);
    assertThat(await(cache.get("plain"))).isEqualTo("text");

    assertThat(await(users.delete("42", "missing"))).isEqualTo(1L);
    assertThat(await(users.get("42"))).isNull();
    assertThat(await(users.lookup("42")).found()).isFalse();
    CacheStats s = users.stats();
    assertThat(s.sets()).isEqualTo(1);
    assertThat(s.deletes()).isEqualTo(1);
    assertThat(s.hits()).isEqualTo(2);
    assertThat(s.misses()).isEqualTo(2);
    assertThat(s.hitRatio()).isEqualTo(0.5);
  }

  @Test
  void buffersAndPojosThroughTheirCodecs() {
    await(cache.set("bytes", Buffer.buffer(new byte[] {1, 2, 3}), Duration.ofSeconds(5)));
    assertThat(await(cache.get("bytes"))).isEqualTo(Buffer.buffer(new byte[] {1, 2, 3}));
    CacheNamespace<Buffer> raw = cache.namespace("raw", CacheCodec.buffer());
    await(raw.set("b", Buffer.buffer("xyz"), Duration.ofSeconds(5)));
    assertThat(await(raw.get("b"))).isEqualTo(Buffer.buffer("xyz"));
    CacheNamespace<CacheCodecTest.User> users = cache.namespace("pojo", CacheCodecTest.User.class);
    CacheCodecTest.User u = new CacheCodecTest.User();
    u.name = "Grace";
    u.age = 85;
    await(users.set("g", u, Duration.ofSeconds(5)));
    assertThat(await(users.get("g")).name).isEqualTo("Grace");
  }

  @Test
  void jitterOnlyShortensTheTtl() {
    RedisCache jittered = RedisCache.create(vertx, gateway, new CacheOptions().setTtlJitterPercent(50));
    for (int i = 0; i < 40; i++) {
      await(jittered.set("j" + i, i, Duration.ofSeconds(10)));
    }
    List<Long> pttls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pttls.add(redis().pttl("t:c:default:0:j" + i));
    }
    // Spread over [5 s, 10 s]; 40 draws all landing in one 500 ms band is vanishingly unlikely.
    assertThat(pttls).allSatisfy(p -> assertThat(p).isBetween(4_000L, 10_000L));
    assertThat(pttls.stream().mapToLong(Long::longValue).max().orElseThrow()
      - pttls.stream().mapToLong(Long::longValue).min().orElseThrow()).isGreaterThan(500);
  }

  @Test
  void manyKeysAcrossSlotsInOneCall() {
    Map<String, Object> entries = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      entries.put("k" + i, i);
    }
    CacheNamespace<Object> ns = cache.namespace("bulk");
    await(ns.setMany(entries, Duration.ofSeconds(5)));
    assertThat(redis().pttl("t:c:bulk:0:k7")).isPositive().isLessThanOrEqualTo(5000);
    List<String> keys = new ArrayList<>(entries.keySet());
    keys.add("absent");
    Map<String, Object> found = await(ns.getMany(keys));
    assertThat(found).hasSize(300).containsEntry("k0", 0).containsEntry("k299", 299).doesNotContainKey("absent");
    Map<String, CacheResult<Object>> results = await(ns.lookupMany(List.of("k1", "absent")));
    assertThat(results.get("k1").value()).isEqualTo(1);
    assertThat(results.get("absent").found()).isFalse();
    assertThat(await(ns.delete(keys))).isEqualTo(300L);
    assertThat(redis().dbsize()).isZero();
  }

  @Test
  void invalidInputWritesNothing() {
    RedisCache small = RedisCache.create(vertx, gateway, new CacheOptions().setMaxValueBytes(100).setTtlMs(10_000).setMaxTtlMs(60_000));
    assertThat(failure(small.set("big", "x".repeat(200), Duration.ofSeconds(1))))
      .isInstanceOf(ValueTooLargeException.class).hasMessageContaining("value: encoded value is 203 bytes");
    assertThat(failure(small.set("k", "v", Duration.ofMillis(-5))))
      .isInstanceOf(InvalidRequestException.class).hasMessage("ttlMs: must be > 0, was -5");
    assertThat(failure(small.set("k", "v", Duration.ofMinutes(2))))
      .isInstanceOf(InvalidRequestException.class).hasMessage("ttlMs: must be <= cache.maxTtlMs (60000), was 120000");
    // Past a long of milliseconds: a failed future naming the field, not an ArithmeticException thrown at the caller.
    assertThat(failure(small.set("k", "v", Duration.ofSeconds(Long.MAX_VALUE))))
      .isInstanceOf(InvalidRequestException.class).hasMessage("ttlMs: must be <= cache.maxTtlMs (60000), was 9223372036854775807");
    assertThat(failure(small.set("k", "v", Duration.ofSeconds(Long.MIN_VALUE))))
      .isInstanceOf(InvalidRequestException.class).hasMessage("ttlMs: must be > 0, was -9223372036854775808");
    assertThat(failure(small.set("", "v"))).isInstanceOf(InvalidRequestException.class).hasMessage("key: must not be empty");
    assertThat(failure(small.set("k", null))).isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("value: is required");
    assertThat(failure(small.set("k", new Object()))).isInstanceOf(InvalidRequestException.class)
      .hasMessageStartingWith("value: must be a JSON value");
    Map<String, Object> mixed = new LinkedHashMap<>();
    mixed.put("ok", "small");
    mixed.put("huge", "y".repeat(500));
    assertThat(failure(small.setMany(mixed, Duration.ofSeconds(1)))).isInstanceOf(ValueTooLargeException.class)
      .hasMessageStartingWith("entries.huge:");
    assertThatThrownBy(() -> small.namespace("a:b")).isInstanceOf(InvalidRequestException.class);
    assertThat(failure(small.getOrLoad("k", () -> Future.succeededFuture("v"), LoadOptions.ttl(Duration.ZERO))))
      .hasMessage("ttlMs: must be > 0, was 0");
    assertThat(failure(small.getOrLoad("k", () -> Future.succeededFuture("v"), new LoadOptions().setRefreshAheadFraction(1.5))))
      .hasMessage("refreshAheadFraction: must be >= 0 and < 1, was 1.5");
    assertThat(redis().dbsize()).isZero();
  }

  // ---------------------------------------------------------------- namespaces and flush

  @Test
  void namespacesWithGlobCharactersAreIsolated() {
    List<String> namespaces = List.of("user*", "user1", "users", "a[b", "ab", "a?c", "abc", "x\\y", "xy");
    for (String ns : namespaces) {
      Map<String, Object> entries = new HashMap<>();
      for (int i = 0; i < 20; i++) {
        entries.put("k" + i, ns);
      }
      await(cache.namespace(ns).setMany(entries, Duration.ofSeconds(30)));
    }
    assertThat(await(cache.flush("user*"))).isEqualTo(20L);
    assertThat(await(cache.flush("a[b"))).isEqualTo(20L);
    assertThat(await(cache.flush("a?c"))).isEqualTo(20L);
    assertThat(await(cache.flush("x\\y"))).isEqualTo(20L);
    assertThat(await(cache.flush("nothing"))).isZero();
    for (String ns : List.of("user1", "users", "ab", "abc", "xy")) {
      assertThat(await(cache.namespace(ns).getMany(List.of("k0", "k19")))).as(ns).hasSize(2);
    }
    assertThat(redis().dbsize()).isEqualTo(5 * 20);
    assertThat(cache.stats("user*").flushes()).isEqualTo(1);
  }

  @Test
  void flushRemovesTheNamespaceFromEveryMaster() {
    Map<String, Object> entries = new HashMap<>();
    Map<String, Object> others = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      entries.put("k" + i, i);
      others.put("k" + i, i);
    }
    await(cache.namespace("gone").setMany(entries, Duration.ofSeconds(60)));
    await(cache.namespace("kept").setMany(others, Duration.ofSeconds(60)));
    for (RedisServer m : redis().masters()) {
      assertThat((Long) m.command("DBSIZE")).as("keys on " + m).isGreaterThan(500);
    }
    List<String> flushed = recordFlushes(cache);
    assertThat(await(cache.flush("gone"))).isEqualTo(3000L);
    assertThat(redis().dbsize()).isEqualTo(3000L);
    for (RedisServer m : redis().masters()) {
      assertThat((List<?>) ((List<?>) m.command("SCAN", "0", "MATCH", "t:c:gone:0:*", "COUNT", "100000")).get(1)).isEmpty();
    }
    assertThat(flushed).containsExactly("gone");
  }

  // ---------------------------------------------------------------- loading

  @Test
  void thousandConcurrentMissesCallTheLoaderOnce() {
    AtomicInteger calls = new AtomicInteger();
    Supplier<Future<Object>> loader = () -> {
      calls.incrementAndGet();
      return vertx.timer(50).map(t -> "loaded");
    };
    CacheNamespace<Object> ns = cache.namespace("stampede");
    List<Future<Object>> all = new ArrayList<>();
    Promise<Void> issued = Promise.promise();
    vertx.runOnContext(v -> {
      for (int i = 0; i < 1000; i++) {
        all.add(ns.getOrLoad("hot", loader, LoadOptions.ttl(Duration.ofSeconds(30))));
      }
      issued.complete();
    });
    await(issued.future());
    await(Future.all(all));
    assertThat(calls).hasValue(1);
    assertThat(all).allSatisfy(f -> assertThat(f.result()).isEqualTo("loaded"));
    assertThat(ns.stats().loads()).isEqualTo(1);
    assertThat(ns.stats().singleFlightJoins()).isEqualTo(999);
    assertThat(ns.stats().misses()).as("every caller found nothing fresh").isEqualTo(1000);
    assertThat(redis().pttl("t:c:stampede:0:hot")).isPositive().isLessThanOrEqualTo(30_000);
  }

  @Test
  void twoInstancesShareOneLoad() {
    Vertx other = Vertx.vertx();
    extraVertx.add(other);
    RedisGateway otherGateway = await(RedisGateway.create(other, options()).ready());
    RedisCache otherCache = RedisCache.create(other, otherGateway);
    AtomicInteger calls = new AtomicInteger();
    List<Future<Object>> all = new ArrayList<>();
    for (RedisCache c : List.of(cache, otherCache)) {
      Vertx owner = c == cache ? vertx : other;
      Supplier<Future<Object>> loader = () -> {
        calls.incrementAndGet();
        return owner.timer(100).map(t -> "shared");
      };
      for (int i = 0; i < 100; i++) {
        all.add(c.namespace("shared").getOrLoad("key", loader, LoadOptions.ttl(Duration.ofSeconds(30))));
      }
    }
    await(Future.all(all));
    assertThat(calls).as("loader calls over both instances").hasValue(1);
    assertThat(all).allSatisfy(f -> assertThat(f.result()).isEqualTo("shared"));
    assertThat(cache.stats("shared").leaseWaits() + otherCache.stats("shared").leaseWaits()).isEqualTo(1);
    await(otherGateway.close());
  }

  @Test
  void refreshAheadKeepsAHotKeyWarm() {
    // TTL 1.2 s, refreshed in its last 30%: a read at least every 360 ms reloads it before it
    // expires. Reads come every 20 ms, so only an event-loop stall of a third of a second could
    // make one miss.
    long ttlMs = 1200;
    AtomicInteger calls = new AtomicInteger();
    LoadOptions opts = LoadOptions.ttl(Duration.ofMillis(ttlMs)).setRefreshAheadFraction(0.3);
    CacheNamespace<Object> ns = cache.namespace("hot");
    Supplier<Future<Object>> loader = () -> Future.succeededFuture(calls.incrementAndGet());
    assertThat(await(ns.getOrLoad("k", loader, opts))).isEqualTo(1);
    List<CacheResult<Object>> seen = new CopyOnWriteArrayList<>();
    Promise<Void> done = Promise.promise();
    long end = System.currentTimeMillis() + 3 * ttlMs;
    vertx.setPeriodic(20, id -> {
      if (System.currentTimeMillis() >= end) {
        vertx.cancelTimer(id);
        done.tryComplete();
        return;
      }
      ns.getOrLoadResult("k", loader, opts).onSuccess(seen::add).onFailure(done::tryFail);
    });
    await(done.future());
    assertThat(seen.size()).isGreaterThan(20);
    assertThat(seen).allSatisfy(r -> assertThat(r.isFreshHit()).isTrue());
    assertThat(ns.stats().misses()).as("only the first read missed").isEqualTo(1);
    // About once per (1 - 0.3) x TTL: 1 initial load + ~5 refreshes in 3 TTLs. The range allows
    // for reads delayed on a busy machine (fewer refreshes) without accepting a reload per read.
    assertThat(calls.get()).isBetween(3, 9);
    assertThat(ns.stats().refreshes()).isEqualTo(calls.get() - 1L);
  }

  @Test
  void probabilisticRefreshAlsoKeepsTheKeyWarm() {
    AtomicInteger calls = new AtomicInteger();
    LoadOptions opts = LoadOptions.ttl(Duration.ofMillis(600)).setRefreshAheadBeta(2.0);
    CacheNamespace<Object> ns = cache.namespace("xfetch");
    Supplier<Future<Object>> loader = () -> vertx.timer(30).map(t -> calls.incrementAndGet());
    await(ns.getOrLoad("k", loader, opts));
    // XFetch is random: with a 30 ms loader and beta 2 an early refresh is likely in the last
    // ~100 ms of each TTL, but not certain, so keep reading (an expired key is simply loaded
    // again) until one has happened, then until its loader has run.
    Await.until(() -> {
      await(ns.getOrLoad("k", loader, opts));
      return ns.stats().refreshes() >= 1;
    }, Duration.ofSeconds(AWAIT_SECONDS), "an early refresh");
    Await.until(() -> calls.get() >= 2, Duration.ofSeconds(AWAIT_SECONDS), "the refresh to load");
  }

  @Test
  void staleValueServedWhileTheLoaderFailsThenTheError() {
    CacheNamespace<Object> ns = cache.namespace("stale");
    LoadOptions opts = LoadOptions.ttl(Duration.ofMillis(300)).setStaleTtl(Duration.ofMillis(1500));
    assertThat(await(ns.getOrLoad("k", () -> Future.succeededFuture("v1"), opts))).isEqualTo("v1");
    long pttl = redis().pttl("t:c:stale:0:k");
    assertThat(pttl).as("kept for ttl + staleTtl").isGreaterThan(300).isLessThanOrEqualTo(1800);
    Await.until(() -> await(ns.lookup("k")).stale(), Duration.ofSeconds(AWAIT_SECONDS), "the entry to turn stale");

    Supplier<Future<Object>> failing = () -> Future.failedFuture(new IllegalStateException("database down"));
    CacheResult<Object> r = await(ns.getOrLoadResult("k", failing, opts));
    assertThat(r.value()).isEqualTo("v1");
    assertThat(r.stale()).isTrue();
    assertThat(ns.stats().loadFailures()).isEqualTo(1);
    long staleHits = ns.stats().staleHits();
    assertThat(await(ns.getOrLoad("k", failing, opts))).isEqualTo("v1");
    assertThat(ns.stats().staleHits()).isEqualTo(staleHits + 1);

    Await.until(() -> redis().pttl("t:c:stale:0:k") == -2, Duration.ofSeconds(AWAIT_SECONDS), "the stale window to end");
    assertThat(failure(ns.getOrLoad("k", failing, opts))).isInstanceOf(IllegalStateException.class).hasMessage("database down");
  }

  @Test
  void absenceIsCachedOnRequest() {
    CacheNamespace<Object> ns = cache.namespace("neg");
    AtomicInteger calls = new AtomicInteger();
    Supplier<Future<Object>> nothing = () -> {
      calls.incrementAndGet();
      return Future.succeededFuture(null);
    };
    LoadOptions negative = LoadOptions.ttl(Duration.ofSeconds(30)).setCacheNulls(true).setNullTtl(Duration.ofSeconds(2));
    assertThat(await(ns.getOrLoad("missing", nothing, negative))).isNull();
    assertThat(await(ns.getOrLoad("missing", nothing, negative))).isNull();
    assertThat(calls).hasValue(1);
    assertThat(redis().pttl("t:c:neg:0:missing")).isPositive().isLessThanOrEqualTo(2000);
    CacheResult<Object> r = await(ns.lookup("missing"));
    assertThat(r.found()).isTrue();
    assertThat(r.value()).isNull();

    LoadOptions plain = LoadOptions.ttl(Duration.ofSeconds(30));
    await(ns.getOrLoad("other", nothing, plain));
    await(ns.getOrLoad("other", nothing, plain));
    assertThat(calls).hasValue(3);
    assertThat(redis().pttl("t:c:neg:0:other")).isEqualTo(-2L);
  }

  @Test
  void blockingLoadersRunOffTheEventLoopAndMemoizeCaches() {
    CacheNamespace<Object> ns = cache.namespace("memo");
    AtomicInteger calls = new AtomicInteger();
    Object v = await(ns.getOrLoadBlocking("b", () -> {
      assertThat(Thread.currentThread().getName()).contains("worker");
      calls.incrementAndGet();
      return "blocking";
    }, LoadOptions.ttl(Duration.ofSeconds(5))));
    assertThat(v).isEqualTo("blocking");

    java.util.function.Function<Integer, Future<Object>> square = ns.memoize(
      n -> Future.succeededFuture(calls.incrementAndGet() > 0 ? n * n : 0), n -> "sq:" + n, LoadOptions.ttl(Duration.ofSeconds(5)));
    assertThat(await(square.apply(7))).isEqualTo(49);
    assertThat(await(square.apply(7))).isEqualTo(49);
    assertThat(await(square.apply(8))).isEqualTo(64);
    assertThat(calls).hasValue(3);
    assertThat(redis().pttl("t:c:memo:0:sq:7")).isPositive();
  }

  @Test
  void loaderTimeoutFailsTheLoad() {
    RedisCache quick = RedisCache.create(vertx, gateway, new CacheOptions().setLoadTimeoutMs(200));
    Supplier<Future<Object>> never = () -> Promise.<Object>promise().future();
    Throwable t = failure(quick.namespace("slow").getOrLoad("k", never, LoadOptions.ttl(Duration.ofSeconds(5))));
    assertThat(t).isInstanceOf(LoadTimeoutException.class).hasMessageContaining("did not complete within 200 ms");
    assertThat(quick.stats("slow").loadFailures()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- warm-up and invalidation

  @Test
  void warmUpInBatches() {
    CacheNamespace<Object> ns = cache.namespace("warm");
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      keys.add("k" + i);
    }
    keys.add("k0");
    AtomicInteger batches = new AtomicInteger();
    WarmResult r = await(ns.warm(keys, batch -> {
      batches.incrementAndGet();
      Map<String, Object> out = new HashMap<>();
      for (String k : batch) {
        if (!k.endsWith("7")) {
          out.put(k, k.toUpperCase());
        }
      }
      return Future.succeededFuture(out);
    }, Duration.ofSeconds(30), 100));
    assertThat(batches).hasValue(3);
    assertThat(r).isEqualTo(new WarmResult(225, 0, 26));
    assertThat(await(ns.get("k1"))).isEqualTo("K1");
    assertThat(redis().pttl("t:c:warm:0:k1")).isPositive().isLessThanOrEqualTo(30_000);

    WarmResult each = await(ns.warmEach(List.of("a", "b", "c", "d"), k -> switch (k) {
      case "a" -> Future.succeededFuture("A");
      case "b" -> Future.failedFuture(new IllegalStateException("no b"));
      case "c" -> Future.succeededFuture(null);
      default -> {
        throw new IllegalArgumentException("thrown");
      }
    }, Duration.ofSeconds(30), 2));
    assertThat(each).isEqualTo(new WarmResult(1, 2, 1));

    assertThat(failure(ns.warm(List.of("x")))).isInstanceOf(LoaderUnavailableException.class)
      .hasMessageContaining("no loader registered for namespace");
    ns.loader(k -> Future.succeededFuture("re-" + k));
    assertThat(await(ns.warm(List.of("x", "y")))).isEqualTo(new WarmResult(2, 0, 0));
    assertThat(await(ns.get("y"))).isEqualTo("re-y");
    assertThat(failure(ns.warm(List.of("x"), b -> Future.succeededFuture(Map.of()), Duration.ofSeconds(1), 0)))
      .hasMessage("batchSize: must be between 1 and 10000, was 0");
  }

  @Test
  void invalidationTellsTheListeners() {
    List<String> events = new CopyOnWriteArrayList<>();
    cache.addInvalidationListener((namespace, keys) -> events.add(namespace + "=" + keys));
    CacheNamespace<Object> ns = cache.namespace("inv");
    await(ns.set("a", 1, Duration.ofSeconds(5)));
    await(ns.set("b", 2, Duration.ofSeconds(5)));
    assertThat(await(ns.invalidate("a", "b", "c"))).isEqualTo(2L);
    assertThat(events).containsExactly("inv=[a]", "inv=[b]", "inv=[a, b, c]");
    assertThat(redis().dbsize()).isZero();
    assertThat(ns.stats().deletes()).isEqualTo(2);
  }

  @Test
  void statsAreKeptPerNamespace() {
    await(cache.namespace("s1").set("k", 1, Duration.ofSeconds(5)));
    await(cache.namespace("s1").get("k"));
    await(cache.namespace("s2").get("k"));
    JsonObject s1 = cache.stats("s1").toJson();
    assertThat(s1.getLong("hits")).isEqualTo(1);
    assertThat(s1.getLong("sets")).isEqualTo(1);
    assertThat(s1.getDouble("hitRatio")).isEqualTo(1.0);
    assertThat(cache.stats("s2").misses()).isEqualTo(1);
    assertThat(cache.allStats()).containsKeys("s1", "s2", RedisCache.DEFAULT_NAMESPACE);
    assertThat(s1.fieldNames()).contains("staleHits", "loads", "loadFailures", "loadTimeMs", "errors", "deletes",
      "singleFlightJoins", "leaseWaits", "refreshes", "redisFallbacks", "flushes");
  }
}
