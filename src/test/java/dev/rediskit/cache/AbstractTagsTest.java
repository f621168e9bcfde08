package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.test.Await;
import dev.rediskit.test.Futures;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tags on a real Redis, with two instances (two gateways, two caches): invalidating a tag on A
 * makes exactly its entries misses, at once on A and, for every read that starts more than
 * {@code cache.versionRefreshMs} later, on B. Run once per topology by the subclasses.
 */
abstract class AbstractTagsTest extends AbstractTwoInstancesTest {

  /** The bound under test: an instance uses a tag version it fetched for at most this long. */
  static final long REFRESH_MS = 500;
  static final int ENTRIES = 100_000;
  static final int TAGS = 1_000;
  /** The default tags of namespace {@code tenant7}. */
  static final List<String> TENANT_TAGS = List.of("tenant:7", "region:eu");
  /** The configured TTL of namespace {@code configured}, well under the cache's ({@link CacheOptions#DEFAULT_TTL_MS}). */
  static final long CONFIGURED_TTL_MS = 120_000;
  /** The configured tags of namespace {@code configured}. */
  static final List<String> CONFIGURED_TAGS = List.of("conf:a", "conf:b");

  /** @return connection settings for the topology under test */
  abstract RedisKitOptions baseOptions();

  @Override
  RedisKitOptions options() {
    RedisKitOptions o = baseOptions().setKeyPrefix("tg")
      // Generous: the build machine has two cores shared with other builds, and a cold JVM connects slowly.
      .setConnectTimeoutMs(15_000).setCommandTimeoutMs(10_000);
    o.getCache().setVersionRefreshMs(REFRESH_MS)
      .putNamespace("near", new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true)))
      .putNamespace("busload", new NamespaceOptions().setLoader("tg.loader.orders"))
      .putNamespace("tenant7", new NamespaceOptions().setBatchLoader("tg.loader.tenant7")
        .setLoadOptions(new LoadOptions().setTags(TENANT_TAGS)))
      .putNamespace("configured", new NamespaceOptions()
        .setLoadOptions(new LoadOptions().setTtl(Duration.ofMillis(CONFIGURED_TTL_MS)).setTags(CONFIGURED_TAGS)));
    return o;
  }

  static <T> T await(Future<T> f) {
    return Futures.join(f, Duration.ofSeconds(60));
  }

  static String key(int i) {
    return "e" + i;
  }

  /** Entry i carries tag {@code t<i % 1000>} and group tag {@code g<i % 10>}. */
  static List<String> tagsOf(int t) {
    return List.of("t" + t, "g" + (t % 10));
  }

  /**
   * Reads every entry through getMany, 1,000 keys a call, 3 calls at a time (on a cluster a call is
   * up to one MGET per slot: this stays under the gateway's 4,096 pending commands); returns the
   * keys found.
   */
  static Set<String> found(CacheNamespace<Object> ns) {
    Set<String> found = Collections.synchronizedSet(new HashSet<>());
    for (int wave = 0; wave < ENTRIES; wave += 3_000) {
      List<Future<?>> calls = new ArrayList<>();
      for (int from = wave; from < Math.min(ENTRIES, wave + 3_000); from += 1_000) {
        List<String> keys = IntStream.range(from, from + 1_000).mapToObj(AbstractTagsTest::key).toList();
        calls.add(ns.getMany(keys).onSuccess(m -> found.addAll(m.keySet())));
      }
      await(Future.all(calls));
    }
    return found;
  }

  static Set<String> keysOf(java.util.function.IntPredicate withTag) {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < ENTRIES; i++) {
      if (withTag.test(i % TAGS)) {
        keys.add(key(i));
      }
    }
    return keys;
  }

  @Test
  void invalidatingATagMakesExactlyItsEntriesMissOnEveryInstance() {
    CacheNamespace<Object> onA = a.namespace("tagged");
    CacheNamespace<Object> onB = b.namespace("tagged");
    long writeStart = System.nanoTime();
    // One setMany per tag (its 100 entries, pipelined), 20 tags at a time (under 4,096 pending commands).
    for (int wave = 0; wave < TAGS; wave += 20) {
      List<Future<?>> writes = new ArrayList<>();
      for (int t = wave; t < wave + 20; t++) {
        Map<String, Object> entries = new LinkedHashMap<>();
        for (int i = t; i < ENTRIES; i += TAGS) {
          entries.put(key(i), i);
        }
        writes.add(onA.setMany(entries, new WriteOptions().setTtl(Duration.ofMinutes(10)).setTags(tagsOf(t))));
      }
      await(Future.all(writes));
    }
    long written = System.nanoTime();
    assertThat(found(onA)).as("every entry hits on A before any invalidation").hasSize(ENTRIES);
    assertThat(found(onB)).as("and on B, which now holds every tag's version").hasSize(ENTRIES);
    long read = System.nanoTime();

    assertThat(await(a.invalidateTag("t7"))).as("a version from the invalidator's clock").isGreaterThan(1_000_000_000_000L);
    long invalidated = System.nanoTime();
    Set<String> t7 = keysOf(t -> t == 7);
    assertThat(t7).hasSize(ENTRIES / TAGS);
    Set<String> onAAfter = found(onA);
    assertThat(onAAfter).as("A, at once: the others hit").hasSize(ENTRIES - t7.size());
    assertThat(onAAfter).as("A, at once: exactly t7's entries miss").doesNotContainAnyElementsOf(t7);
    assertThat(await(onA.lookup(key(7))).stale()).as("an invalidated entry is stale, like an expired one").isTrue();
    assertThat(await(onA.lookup(key(7))).tags()).as("a lookup names the entry's tags").containsExactlyInAnyOrderElementsOf(tagsOf(7));

    // B held t7's version from its reads: any read of B that starts past the bound sees the invalidation.
    long bound = invalidated + TimeUnit.MILLISECONDS.toNanos(REFRESH_MS);
    Await.until(() -> System.nanoTime() > bound, "the bound passes");
    Set<String> onBAfter = found(onB);
    assertThat(onBAfter).as("B, after %d ms: the others hit", REFRESH_MS).hasSize(ENTRIES - t7.size());
    assertThat(onBAfter).doesNotContainAnyElementsOf(t7);

    // A group tag covers 10,000 entries: one command.
    await(b.invalidateTag("g3"));
    Set<String> g3 = keysOf(t -> t % 10 == 3);
    Set<String> expected = new HashSet<>();
    IntStream.range(0, ENTRIES).mapToObj(AbstractTagsTest::key).filter(k -> !t7.contains(k) && !g3.contains(k)).forEach(expected::add);
    assertThat(found(onB)).as("B, which invalidated g3, at once").isEqualTo(expected);
    // A rewrite stamps the current versions: the entry hits again.
    await(onA.set(key(7), "again", new WriteOptions().setTags(tagsOf(7))));
    assertThat(await(onA.get(key(7)))).isEqualTo("again");
    System.out.printf("tags: %d entries over %d tags written in %d ms, read twice in %d ms; B saw t7's invalidation"
        + " on its first read past the %d ms bound%n", ENTRIES, TAGS, (written - writeStart) / 1_000_000,
      (read - written) / 1_000_000, REFRESH_MS);
  }

  @Test
  void aStaleByTagEntryIsServedWhenTheLoaderFails() {
    CacheNamespace<Object> ns = a.namespace("loaded");
    LoadOptions o = new LoadOptions().setTtl(Duration.ofMinutes(5)).setStaleTtl(Duration.ofMinutes(5)).setTags(List.of("user:42"));
    assertThat(await(ns.getOrLoad("k", () -> Future.succeededFuture("v1"), o))).isEqualTo("v1");
    assertThat(await(ns.getOrLoadResult("k", () -> Future.succeededFuture("unused"), o)).source()).isEqualTo(CacheResult.Source.CACHE);
    await(a.invalidateTag("user:42"));
    assertThat(await(ns.get("k"))).isNull();
    CacheResult<Object> stale = await(ns.getOrLoadResult("k", () -> Future.failedFuture(new RuntimeException("db down")), o));
    assertThat(stale.stale()).isTrue();
    assertThat(stale.value()).isEqualTo("v1");
    assertThat(stale.source()).isEqualTo(CacheResult.Source.STALE);
    CacheResult<Object> reloaded = await(ns.getOrLoadResult("k", () -> Future.succeededFuture("v2"), o));
    assertThat(reloaded.source()).isEqualTo(CacheResult.Source.LOADER);
    assertThat(await(ns.get("k"))).as("the reload carries the new version").isEqualTo("v2");
    // Untagged entries and other tags are untouched; tags span namespaces.
    await(a.namespace("other").set("k", "x", new WriteOptions().setTags(List.of("user:42", "tenant:7"))));
    await(a.namespace("other").set("plain", "y"));
    await(a.invalidateTag("tenant:7"));
    assertThat(await(a.namespace("other").get("k"))).isNull();
    assertThat(await(a.namespace("other").get("plain"))).isEqualTo("y");
    assertThat(await(ns.get("k"))).isEqualTo("v2");
  }

  @Test
  void aNearCacheCopyOfAnInvalidatedEntryIsNotServed() {
    AbstractNearCacheTest.awaitConfirmed(gatewayA);
    CacheNamespace<Object> ns = a.namespace("near");
    await(ns.set("k", "v", new WriteOptions().setTags(List.of("hot"))));
    // The first reads after a write may not stick (the write's own invalidation lands on them).
    Await.until(() -> {
      await(ns.get("k"));
      return await(ns.lookup("k")).source() == CacheResult.Source.NEAR;
    }, Duration.ofSeconds(30), "k never cached locally");
    assertThat(await(ns.lookup("k")).tags()).as("a near-cache hit names the entry's tags").containsExactly("hot");
    await(a.invalidateTag("hot"));
    CacheResult<Object> after = await(ns.lookup("k"));
    assertThat(after.source()).as("the local copy is not served once its tag moved on").isNotEqualTo(CacheResult.Source.NEAR);
    assertThat(after.stale()).isTrue();
    assertThat(await(ns.get("k"))).isNull();
  }

  @Test
  void anotherInstancesNearCacheStopsServingAnInvalidatedEntryWithinTheBound() {
    AbstractNearCacheTest.awaitConfirmed(gatewayB);
    CacheNamespace<Object> onB = b.namespace("near");
    await(a.namespace("near").set("k", "v", new WriteOptions().setTags(List.of("shared"))));
    Await.until(() -> {
      await(onB.get("k"));
      return await(onB.lookup("k")).source() == CacheResult.Source.NEAR;
    }, Duration.ofSeconds(30), "k never cached locally on B");
    await(a.invalidateTag("shared"));
    long bound = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REFRESH_MS);
    // Redis did not change the entry, so no tracking message drops B's copy: only the tag check can.
    Await.until(() -> System.nanoTime() > bound, "the bound passes");
    CacheResult<Object> after = await(onB.lookup("k"));
    assertThat(after.source()).as("B's local copy, past the bound").isNotEqualTo(CacheResult.Source.NEAR);
    assertThat(after.stale()).isTrue();
    assertThat(await(onB.get("k"))).isNull();
  }

  @Test
  void theEventBusAndTheTypedClientTagAndInvalidate() {
    CacheConsumers consumers = await(CacheConsumers.register(vertx.eventBus(), "tg.", a));
    try {
      CacheClient client = CacheClient.create(vertx, "tg.");
      await(client.setWith("bus", "k", "v", new WriteOptions().setTags(List.of("order:1"))));
      await(vertx.eventBus().request("tg.cache.mset", new JsonObject().put("namespace", "bus")
        .put("entries", new JsonObject().put("m1", 1)).put("tags", new JsonArray().add("order:1"))));
      assertThat(await(client.setManyWith("bus", Map.of("m2", 2), new WriteOptions().setTags(List.of("order:1"))))).isEqualTo(1);
      await(client.set("bus", "untagged", "u", Duration.ofMinutes(1)));
      assertThat(await(client.get("bus", "k"))).isEqualTo("v");
      assertThat(await(client.lookup("bus", "k")).tags()).as("the reply names the entry's tags").containsExactly("order:1");
      assertThat(await(client.lookup("bus", "untagged")).tags()).isEmpty();
      long version = await(client.invalidateTag("order:1"));
      assertThat(version).isPositive();
      assertThat(await(client.getMany("bus", List.of("k", "m1", "m2", "untagged")))).containsOnlyKeys("untagged");
      JsonObject reply = await(vertx.eventBus().<JsonObject>request("tg.cache.invalidateTag", new JsonObject().put("tag", "order:1"))).body();
      assertThat(reply.getLong("version")).isGreaterThan(version);

      // cache.getOrLoad with tags: the loaded entry carries them.
      io.vertx.core.eventbus.MessageConsumer<Object> loader = await(dev.rediskit.eventbus.CacheLoaders.register(vertx,
        "tg.loader.orders", id -> Future.succeededFuture("order " + id)));
      try {
        LoadOptions tagged = new LoadOptions().setTags(List.of("order:2"));
        assertThat(await(client.getOrLoad("busload", "o2", tagged))).isEqualTo("order o2");
        assertThat(await(client.get("busload", "o2"))).isEqualTo("order o2");
        await(client.invalidateTag("order:2"));
        assertThat(await(client.get("busload", "o2"))).as("the loaded entry carried the tag").isNull();
        assertThat(await(client.getOrLoadResult("busload", "o2", tagged)).source()).isEqualTo(CacheResult.Source.LOADER);
      } finally {
        await(loader.unregister());
      }

      assertThat(Futures.failure(client.invalidateTag(""))).isInstanceOf(InvalidRequestException.class).hasMessageContaining("tag");
      assertThat(Futures.failure(vertx.eventBus().request("tg.cache.invalidateTag", new JsonObject())))
        .isInstanceOf(ReplyException.class).hasMessageContaining("tag: is required");
      assertThat(Futures.failure(client.setWith("bus", "bad", "v", new WriteOptions().setTags(List.of("ok", "a\u0001b")))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tags[1]");
      List<String> many = IntStream.range(0, CacheNames.MAX_TAGS + 1).mapToObj(i -> "t" + i).toList();
      assertThat(Futures.failure(client.setWith("bus", "bad", "v", new WriteOptions().setTags(many))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tags: must hold at most 32");
      assertThat(Futures.failure(vertx.eventBus().request("tg.cache.set", new JsonObject().put("namespace", "bus")
        .put("key", "bad").put("value", 1).put("tags", "not-an-array")))).hasMessageContaining("tags: must be an array");
      assertThat(await(client.lookup("bus", "bad")).found()).as("nothing written").isFalse();
    } finally {
      await(consumers.unregister());
    }
  }

  static List<String> keys(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
  }

  /** A batch loader with a value for every key, counting its calls. */
  static BatchLoader<Object> everyKey(java.util.concurrent.atomic.AtomicInteger calls) {
    return batch -> {
      calls.incrementAndGet();
      Map<String, Object> values = new LinkedHashMap<>();
      batch.forEach(k -> values.put(k, "v-" + k));
      return Future.succeededFuture(values);
    };
  }

  /** The format version byte of an entry as stored (1: plain, 2: compressed, 3: tagged), read on {@code gateway}. */
  static int storedFormat(RedisGateway gateway, CacheNamespace<?> ns, String key) {
    long version = await(ns.version());
    io.vertx.redis.client.Response r = await(gateway.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.GET)
      .arg("tg:c:" + ns.name() + ":" + version + ":" + key)));
    assertThat(r).as("%s:%s is stored", ns.name(), key).isNotNull();
    return r.toBuffer().getByte(0);
  }

  /** The PTTL of an entry as stored, read on {@code gateway}. */
  static long storedPttl(RedisGateway gateway, CacheNamespace<?> ns, String key) {
    long version = await(ns.version());
    return await(gateway.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.PTTL)
      .arg("tg:c:" + ns.name() + ":" + version + ":" + key))).toLong();
  }

  @Test
  void theJavaGetOrLoadFamilyTakesTheNamespacesConfiguredTtlAndTags() {
    assertThat(CONFIGURED_TTL_MS).as("the test tells the two TTLs apart").isLessThan(a.options().getTtlMs());
    CacheNamespace<Object> ns = a.namespace("configured");
    assertThat(await(ns.getOrLoad("none", () -> Future.succeededFuture("v-none"), null))).isEqualTo("v-none");
    assertThat(storedPttl(gatewayA, ns, "none")).as("PTTL: the namespace's ttlMs, not cache.ttlMs")
      .isPositive().isLessThanOrEqualTo(CONFIGURED_TTL_MS);
    CacheResult<Object> r = await(ns.lookup("none"));
    assertThat(r.tags()).as("the namespace's tags").containsExactlyElementsOf(CONFIGURED_TAGS);
    assertThat(r.ttlMs()).isLessThanOrEqualTo(CONFIGURED_TTL_MS);

    // A caller's TTL replaces the namespace's; the namespace's tags still apply.
    assertThat(await(ns.getOrLoad("ttl", () -> Future.succeededFuture("v-ttl"), LoadOptions.ttl(Duration.ofSeconds(60)))))
      .isEqualTo("v-ttl");
    assertThat(storedPttl(gatewayA, ns, "ttl")).isPositive().isLessThanOrEqualTo(60_000);
    assertThat(await(ns.lookup("ttl")).tags()).containsExactlyElementsOf(CONFIGURED_TAGS);

    // The rest of the family: the blocking loader, memoize and warm(keys) with the registered loader.
    assertThat(await(ns.getOrLoadBlocking("blocking", () -> "v-blocking", null))).isEqualTo("v-blocking");
    java.util.function.Function<String, Future<Object>> memo = ns.memoize(arg -> Future.succeededFuture("v-" + arg), arg -> arg, null);
    assertThat(await(memo.apply("memo"))).isEqualTo("v-memo");
    ns.loader(k -> Future.succeededFuture("warm-" + k));
    assertThat(await(ns.warm(List.of("warmed"))).loaded()).isEqualTo(1);
    for (String k : List.of("blocking", "memo", "warmed")) {
      assertThat(storedPttl(gatewayA, ns, k)).as("PTTL of %s", k).isPositive().isLessThanOrEqualTo(CONFIGURED_TTL_MS);
      assertThat(await(ns.lookup(k)).tags()).as("tags of %s", k).containsExactlyElementsOf(CONFIGURED_TAGS);
    }
    // Tags given replace the namespace's: an empty list writes an untagged entry.
    assertThat(await(ns.getOrLoad("untagged", () -> Future.succeededFuture("v-untagged"), new LoadOptions().setTags(List.of()))))
      .isEqualTo("v-untagged");
    assertThat(await(ns.lookup("untagged")).tags()).isEmpty();
    assertThat(storedPttl(gatewayA, ns, "untagged")).as("still the namespace's ttlMs").isLessThanOrEqualTo(CONFIGURED_TTL_MS);

    List<String> tagged = List.of("none", "ttl", "blocking", "memo", "warmed");
    assertThat(await(ns.getMany(tagged))).hasSize(tagged.size());
    await(a.invalidateTag("conf:b"));
    assertThat(await(ns.getMany(tagged))).as("the namespace's tag reaches every entry the Java API loaded").isEmpty();
    assertThat(await(ns.get("untagged"))).isEqualTo("v-untagged");
    java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
    assertThat(await(ns.getOrLoadResult("none", () -> {
      loads.incrementAndGet();
      return Future.succeededFuture("v-none-2");
    }, null)).source()).as("a miss: loaded again").isEqualTo(CacheResult.Source.LOADER);
    assertThat(loads).hasValue(1);
    assertThat(await(ns.get("none"))).isEqualTo("v-none-2");
  }

  @Test
  void warmUpWritesTheNamespacesTags() {
    CacheNamespace<Object> ns = a.namespace("tenant7");
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    List<String> batched = keys("b", 50);
    List<String> each = keys("e", 30);
    List<String> registered = keys("r", 5);
    assertThat(await(ns.warm(batched, everyKey(calls), Duration.ofMinutes(10), 10)).loaded()).isEqualTo(50);
    assertThat(calls).hasValue(5);
    assertThat(await(ns.warmEach(each, k -> Future.succeededFuture("one-" + k), Duration.ofMinutes(10), 7)).loaded()).isEqualTo(30);
    ns.loader(k -> Future.succeededFuture("reg-" + k));
    assertThat(await(ns.warm(registered)).loaded()).isEqualTo(5);
    List<String> all = new ArrayList<>(batched);
    all.addAll(each);
    all.addAll(registered);
    assertThat(await(ns.getMany(all))).as("every warmed entry hits before the invalidation").hasSize(all.size());
    assertThat(await(ns.lookup("b3")).tags()).as("a warmed entry carries the namespace's tags").containsExactlyElementsOf(TENANT_TAGS);
    assertThat(await(ns.lookup("e3")).tags()).containsExactlyElementsOf(TENANT_TAGS);
    assertThat(await(ns.lookup("r3")).tags()).containsExactlyElementsOf(TENANT_TAGS);
    assertThat(storedFormat(gatewayA, ns, "b3")).as("stored as a tagged entry").isEqualTo(3);

    await(a.invalidateTag("tenant:7"));
    assertThat(await(ns.getMany(all))).as("every warmed entry misses once one of its tags moved on").isEmpty();
    for (String k : List.of("b0", "b49", "e0", "e29", "r0", "r4")) {
      CacheResult<Object> r = await(ns.lookup(k));
      assertThat(r.found()).as(k).isTrue();
      assertThat(r.stale()).as("%s is stale by its tag", k).isTrue();
    }
    // B reads the same entries past the bound: stale there too.
    long bound = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REFRESH_MS);
    Await.until(() -> System.nanoTime() > bound, "the bound passes");
    assertThat(await(b.namespace("tenant7").getMany(all))).as("on B too").isEmpty();

    // A warm-up after the invalidation stamps the current versions: its entries hit again.
    assertThat(await(ns.warm(batched, everyKey(calls), Duration.ofMinutes(10), 10)).loaded()).isEqualTo(50);
    assertThat(await(ns.getMany(batched))).hasSize(50);
    await(a.invalidateTag("region:eu"));
    assertThat(await(ns.getMany(batched))).as("either of the namespace's tags reaches them").isEmpty();
  }

  @Test
  void warmUpWithItsOwnTagsReplacesTheNamespaces() {
    CacheNamespace<Object> ns = a.namespace("tenant7");
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    assertThat(await(ns.warm(keys("own", 20), everyKey(calls), Duration.ofMinutes(10), 10, List.of("import:1"))).loaded())
      .isEqualTo(20);
    assertThat(await(ns.warmEach(keys("none", 20), k -> Future.succeededFuture(k), Duration.ofMinutes(10), 10, List.of())).loaded())
      .isEqualTo(20);
    assertThat(await(ns.lookup("own1")).tags()).containsExactly("import:1");
    assertThat(await(ns.lookup("none1")).tags()).as("empty: no tags at all").isEmpty();
    assertThat(storedFormat(gatewayA, ns, "none1")).isEqualTo(1);
    await(a.invalidateTag("tenant:7"));
    assertThat(await(ns.getMany(keys("own", 20)))).as("the namespace's tags were replaced").hasSize(20);
    assertThat(await(ns.getMany(keys("none", 20)))).hasSize(20);
    await(a.invalidateTag("import:1"));
    assertThat(await(ns.getMany(keys("own", 20)))).isEmpty();
    assertThat(await(ns.getMany(keys("none", 20)))).hasSize(20);

    // Bad tags: refused before any loader call, nothing written.
    int before = calls.get();
    assertThat(Futures.failure(ns.warm(List.of("bad"), everyKey(calls), Duration.ofMinutes(1), 10, List.of("ok", "a\u0001b"))))
      .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tags[1]");
    List<String> many = IntStream.range(0, CacheNames.MAX_TAGS + 1).mapToObj(i -> "t" + i).toList();
    assertThat(Futures.failure(ns.warmEach(List.of("bad"), k -> Future.succeededFuture(k), Duration.ofMinutes(1), 10, many)))
      .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tags: must hold at most 32");
    assertThat(calls).hasValue(before);
    assertThat(await(ns.lookup("bad")).found()).as("nothing written").isFalse();
  }

  @Test
  void anUntaggedNamespacesWarmUpIsUnchanged() {
    CacheNamespace<Object> ns = a.namespace("plainwarm");
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    assertThat(await(ns.warm(keys("p", 20), everyKey(calls), Duration.ofMinutes(10), 10)).loaded()).isEqualTo(20);
    assertThat(await(ns.warmEach(keys("q", 20), k -> Future.succeededFuture(k), Duration.ofMinutes(10), 10)).loaded()).isEqualTo(20);
    assertThat(await(ns.lookup("p1")).tags()).isEmpty();
    assertThat(storedFormat(gatewayA, ns, "p1")).as("the untagged format, as before").isEqualTo(1);
    assertThat(storedFormat(gatewayA, ns, "q1")).isEqualTo(1);
    await(a.invalidateTag("tenant:7"));
    assertThat(await(ns.getMany(keys("p", 20)))).hasSize(20);
    assertThat(await(ns.getMany(keys("q", 20)))).hasSize(20);
  }

  @Test
  void aWarmUpWhoseLoaderOverlapsAnInvalidationWritesStaleEntries() {
    CacheNamespace<Object> ns = a.namespace("tenant7");
    // Held at once by the invalidating instance: the warm-up's stamps below come from what A holds,
    // so nothing but the order of the steps decides which version they carry.
    await(a.invalidateTag("tenant:7"));
    await(a.invalidateTag("region:eu"));
    List<String> batched = keys("ov", 30);
    io.vertx.core.Promise<Void> batchStarted = io.vertx.core.Promise.promise();
    io.vertx.core.Promise<Void> release = io.vertx.core.Promise.promise();
    Future<WarmResult> warming = ns.warm(batched, batch -> {
      batchStarted.tryComplete();
      return release.future().map(v -> {
        Map<String, Object> values = new LinkedHashMap<>();
        batch.forEach(k -> values.put(k, "read-before-" + k));
        return values;
      });
    }, Duration.ofMinutes(10), 100);
    List<String> each = keys("ovp", 10);
    io.vertx.core.Promise<Void> keyStarted = io.vertx.core.Promise.promise();
    Future<WarmResult> warmingEach = ns.warmEach(each, k -> {
      keyStarted.tryComplete();
      return release.future().map(v -> "read-before-" + k);
    }, Duration.ofMinutes(10), 100);
    await(batchStarted.future());
    await(keyStarted.future());
    // The loaders have read their source (they are waiting to answer): now the tag moves on.
    await(a.invalidateTag("tenant:7"));
    release.complete();
    assertThat(await(warming).loaded()).isEqualTo(30);
    assertThat(await(warmingEach).loaded()).isEqualTo(10);
    List<String> all = new ArrayList<>(batched);
    all.addAll(each);
    assertThat(await(ns.getMany(all))).as("written with the versions from before the invalidation: stale at once").isEmpty();
    CacheResult<Object> r = await(ns.lookup("ov0"));
    assertThat(r.found()).isTrue();
    assertThat(r.stale()).isTrue();
    assertThat(await(ns.lookup("ovp0")).stale()).isTrue();
  }

  @Test
  void cacheWarmWritesTheNamespacesTagsOrTheRequests() {
    CacheConsumers consumers = await(CacheConsumers.register(vertx.eventBus(), "tg.", a));
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    io.vertx.core.eventbus.MessageConsumer<Object> loader = await(dev.rediskit.eventbus.CacheLoaders.registerBatch(vertx,
      "tg.loader.tenant7", ids -> {
        calls.incrementAndGet();
        Map<String, Object> values = new LinkedHashMap<>();
        ids.forEach(id -> values.put(id, "bus-" + id));
        return Future.succeededFuture(values);
      }));
    try {
      CacheClient client = CacheClient.create(vertx, "tg.");
      assertThat(await(client.warm("tenant7", keys("w", 40), 10, null)).written()).isEqualTo(40);
      assertThat(await(client.lookup("tenant7", "w1")).tags()).containsExactlyElementsOf(TENANT_TAGS);
      assertThat(await(client.warm("tenant7", keys("x", 10), 10, null, List.of("bus:own"))).written()).isEqualTo(10);
      assertThat(await(client.lookup("tenant7", "x1")).tags()).containsExactly("bus:own");
      JsonObject untagged = await(vertx.eventBus().<JsonObject>request("tg.cache.warm", new JsonObject().put("namespace", "tenant7")
        .put("keys", new JsonArray(keys("y", 10))).put("tags", new JsonArray()))).body();
      assertThat(untagged.getLong("written")).isEqualTo(10);
      assertThat(await(client.lookup("tenant7", "y1")).tags()).isEmpty();

      await(client.invalidateTag("tenant:7"));
      assertThat(await(client.getMany("tenant7", keys("w", 40)))).as("cache.warm's entries carried the namespace's tags").isEmpty();
      assertThat(await(client.getMany("tenant7", keys("x", 10)))).hasSize(10);
      assertThat(await(client.getMany("tenant7", keys("y", 10)))).hasSize(10);
      await(client.invalidateTag("bus:own"));
      assertThat(await(client.getMany("tenant7", keys("x", 10)))).isEmpty();

      int before = calls.get();
      assertThat(Futures.failure(client.warm("tenant7", List.of("bad"), 10, null, List.of("ok", "a\u0001b"))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tags[1]");
      assertThat(Futures.failure(vertx.eventBus().request("tg.cache.warm", new JsonObject().put("namespace", "tenant7")
        .put("keys", new JsonArray().add("bad")).put("tags", "not-an-array"))))
        .isInstanceOf(ReplyException.class).hasMessageContaining("tags: must be an array");
      assertThat(Futures.failure(vertx.eventBus().request("tg.cache.warm", new JsonObject().put("namespace", "tenant7")
        .put("keys", new JsonArray().add("bad")).put("tags", new JsonArray().add(1)))))
        .isInstanceOf(ReplyException.class).hasMessageContaining("tags[0]");
      List<String> many = IntStream.range(0, CacheNames.MAX_TAGS + 1).mapToObj(i -> "t" + i).toList();
      ReplyException tooMany = (ReplyException) Futures.failure(vertx.eventBus().request("tg.cache.warm",
        new JsonObject().put("namespace", "tenant7").put("keys", new JsonArray().add("bad")).put("tags", new JsonArray(many))));
      assertThat(tooMany.failureCode()).isEqualTo(400);
      assertThat(tooMany).hasMessageContaining("tags: must hold at most 32");
      assertThat(calls).as("no batch loader call for a refused request").hasValue(before);
      assertThat(await(client.lookup("tenant7", "bad")).found()).as("nothing written").isFalse();
    } finally {
      await(loader.unregister());
      await(consumers.unregister());
    }
  }
}
