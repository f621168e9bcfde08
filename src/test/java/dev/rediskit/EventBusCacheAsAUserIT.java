package dev.rediskit;

import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.CacheLoaders;
import dev.rediskit.test.Await;
import dev.rediskit.test.DataKeys;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.Monitor;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rediskit.test.AppContexts.appContext;
import static dev.rediskit.test.AppContexts.on;
import static dev.rediskit.test.AppContexts.onAll;
import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache as a user of the event bus meets it: {@link RedisKitVerticle} deployed with an empty config, the
 * Redis named only by the system property {@code rediskit.endpoints}, and an application verticle of its own
 * that reaches the cache through {@link CacheClient} and raw {@code cache.*} requests only.
 */
@IntegrationTest
class EventBusCacheAsAUserIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @AfterEach
  void clearProperty() {
    System.clearProperty("rediskit.endpoints");
  }

  /** Deploys the module as a user would: the Redis from the documented system property, the rest from {@code config}. */
  static String deployModule(Vertx vertx, RedisServer server, JsonObject config) {
    System.setProperty("rediskit.endpoints", server.uri());
    try {
      return await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config)));
    } finally {
      System.clearProperty("rediskit.endpoints");
    }
  }

  static ReplyException replyFailure(Vertx vertx, String address, Object body) {
    Throwable t = failure(vertx.eventBus().request(address, body));
    assertThat(t).as("%s %s", address, body).isInstanceOf(ReplyException.class);
    return (ReplyException) t;
  }

  // ---------------------------------------------------------------------------------------------------------
  // 1 + 2: the defaults, and the typed client from another verticle

  @Test
  void anEmptyConfigAndTheSystemPropertyServeTheTypedClientWithTheDocumentedDefaults(Vertx vertx, RedisServer server) {
    deployModule(vertx, server, new JsonObject());
    Context app = appContext(vertx);
    CacheClient cache = CacheClient.create(vertx, "");

    await(on(app, () -> cache.set("users", "42", new JsonObject().put("name", "Ada"), null)));
    // Default keyPrefix "rediskit", layout <keyPrefix>:c:<namespace>:<version>:<key>, default cache.ttlMs 300000.
    assertThat((Long) server.command("PTTL", "rediskit:c:users:0:42")).isPositive().isLessThanOrEqualTo(300_000);
    assertThat(await(on(app, () -> cache.get("users", "42")))).isEqualTo(new JsonObject().put("name", "Ada"));
    assertThat(await(on(app, () -> cache.setMany("users", Map.of("a", 1, "b", "two"), Duration.ofSeconds(30))))).isEqualTo(2);
    Map<String, Object> many = await(on(app, () -> cache.getMany("users", List.of("a", "b", "missing"))));
    assertThat(many).containsEntry("a", 1).containsEntry("b", "two").doesNotContainKey("missing");
    assertThat(await(on(app, () -> cache.delete("users", List.of("a", "missing"))))).isEqualTo(1L);
    assertThat(await(on(app, () -> cache.get("users", "a")))).isNull();

    // Step 4: the reply fields of the reference table, as a raw caller sees them.
    JsonObject get = await(vertx.eventBus().<JsonObject>request("cache.get", new JsonObject().put("namespace", "users")
      .put("key", "42"))).body();
    assertThat(get.fieldNames()).containsExactlyInAnyOrder("found", "value", "stale", "ttlMs", "source");
    JsonObject miss = await(vertx.eventBus().<JsonObject>request("cache.get", new JsonObject().put("key", "nope"))).body();
    assertThat(miss.fieldNames()).containsExactlyInAnyOrder("found", "source");
    JsonObject mset = await(vertx.eventBus().<JsonObject>request("cache.mset", new JsonObject()
      .put("entries", new JsonObject().put("x", 1)))).body();
    assertThat(mset).isEqualTo(new JsonObject().put("ok", true).put("written", 1));
    JsonObject set = await(vertx.eventBus().<JsonObject>request("cache.set", new JsonObject().put("key", "y").put("value", 1))).body();
    assertThat(set).isEqualTo(new JsonObject().put("ok", true));
    JsonObject mget = await(vertx.eventBus().<JsonObject>request("cache.mget", new JsonObject()
      .put("keys", new JsonArray().add("x").add("z")))).body();
    assertThat(mget.getJsonObject("results").fieldNames()).containsExactlyInAnyOrder("x", "z");
    assertThat(mget.getJsonObject("results").getJsonObject("x").fieldNames()).contains("found", "value", "source");
    JsonObject stats = await(vertx.eventBus().<JsonObject>request("cache.stats", new JsonObject().put("namespace", "users"))).body();
    assertThat(stats.fieldNames()).contains("namespace", "hits", "misses", "staleHits", "loads", "loadFailures", "loadTimeMs",
      "errors", "sets", "deletes", "hitRatio", "singleFlightJoins", "leaseWaits", "refreshes", "redisFallbacks", "flushes");
    assertThat(await(vertx.eventBus().<JsonObject>request("cache.flush", new JsonObject().put("namespace", "users"))).body()
      .fieldNames()).containsExactly("deleted");
    assertThat(await(vertx.eventBus().<JsonObject>request("cache.bumpVersion", new JsonObject().put("namespace", "users"))).body())
      .isEqualTo(new JsonObject().put("version", 1L));
    assertThat(await(vertx.eventBus().<JsonObject>request("cache.invalidateTag", new JsonObject().put("tag", "t"))).body()
      .fieldNames()).containsExactly("version");
  }

  @Test
  void aTimedOutLoadWritesNothingAndFreesItsLeaseAndABlockingLoaderLeavesTheEventLoopFree(Vertx vertx, RedisServer server) {
    deployModule(vertx, server, new JsonObject());
    Context app = appContext(vertx);
    AtomicInteger slowCalls = new AtomicInteger();
    List<Promise<Object>> slowReplies = new ArrayList<>();
    CountDownLatch unblock = new CountDownLatch(1);
    AtomicReference<String> blockingThread = new AtomicReference<>();
    await(on(app, () -> CacheLoaders.register(vertx, "cache.loader.slow", id -> {
      slowCalls.incrementAndGet();
      Promise<Object> p = Promise.promise();
      synchronized (slowReplies) {
        slowReplies.add(p);
      }
      return p.future();
    })));
    await(on(app, () -> CacheLoaders.registerBlocking(vertx, "cache.loader.blocking", id -> {
      blockingThread.set(Thread.currentThread().getName());
      if (!unblock.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never unblocked");
      }
      return "blocked " + id;
    })));

    // A slow loader: 524 after cache.loadTimeoutMs (5000 by default); its late value is not written.
    ReplyException slow = replyFailure(vertx, "cache.getOrLoad", new JsonObject().put("key", "s").put("loader", "cache.loader.slow"));
    assertThat(slow.failureCode()).isEqualTo(524);
    assertThat(slow.getMessage()).contains("5000 ms").contains("cache.loadTimeoutMs");
    synchronized (slowReplies) {
      slowReplies.forEach(p -> p.tryComplete("late"));
    }
    Await.until(() -> DataKeys.of(server).isEmpty(), "no entry and no lease after the timed-out load");
    // The lease was released: the next call loads again at once rather than waiting out cache.leaseTtlMs.
    Future<Object> again = vertx.eventBus().request("cache.getOrLoad", new JsonObject().put("key", "s")
      .put("loader", "cache.loader.slow")).map(m -> m.body());
    Await.until(() -> slowCalls.get() == 2, "the second slow load to start");
    synchronized (slowReplies) {
      slowReplies.forEach(p -> p.tryComplete("in time"));
    }
    assertThat(((JsonObject) await(again)).getString("value")).isEqualTo("in time");

    // A blocking loader registered with registerBlocking runs on a worker: the application's event loop
    // stays free while it blocks.
    Future<Object> blocked = vertx.eventBus().request("cache.getOrLoad", new JsonObject().put("key", "b")
      .put("loader", "cache.loader.blocking")).map(m -> m.body());
    Await.until(() -> blockingThread.get() != null, "the blocking loader to start");
    assertThat(await(on(app, () -> Future.succeededFuture("event loop free")))).isEqualTo("event loop free");
    assertThat(blockingThread.get()).contains("worker");
    unblock.countDown();
    assertThat(((JsonObject) await(blocked)).getString("value")).isEqualTo("blocked b");
  }

  @Test
  void fiftyConcurrentMemoizedCallsOfOneMissingKeyCauseOneCallOfTheFunction(Vertx vertx, RedisServer server) {
    deployModule(vertx, server, new JsonObject());
    Context app = appContext(vertx);
    CacheClient cache = CacheClient.create(vertx, "");
    AtomicInteger memoCalls = new AtomicInteger();
    Promise<Object> memoHeld = Promise.promise();
    CacheClient.Memoized<Long> price = await(on(app, () -> {
      CacheClient.Memoized<Long> m = cache.memoize("prices", (Long id) -> {
        memoCalls.incrementAndGet();
        return memoHeld.future();
      }, id -> "p:" + id, LoadOptions.ttl(Duration.ofMinutes(1)));
      return m.ready().map(v -> m);
    }));
    List<Future<Object>> memo = onAll(app, 50, () -> price.apply(7L));
    Await.until(() -> await(cache.stats("prices")).singleFlightJoins() == 49, "49 memoized calls to join the one load");
    app.runOnContext(v -> memoHeld.complete(70));
    for (Future<Object> f : memo) {
      assertThat(await(f)).isEqualTo(70);
    }
    assertThat(memoCalls).hasValue(1);
    assertThat((Long) server.command("PTTL", "rediskit:c:prices:0:p:7")).isPositive().isLessThanOrEqualTo(60_000);
  }

  @Test
  void aStatsQueryOfANamespaceNobodyUsedDoesNotMakeItUsed(Vertx vertx, RedisServer server) {
    RedisGateway gateway = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())).ready());
    RedisCache cache = RedisCache.create(vertx, gateway);
    CacheConsumers consumers = await(CacheConsumers.register(vertx.eventBus(), "st.", cache));
    try {
      CacheClient client = CacheClient.create(vertx, "st.");
      // A dashboard asking for a mistyped namespace: all zeros, and the namespace stays out of allStats()
      // ("every namespace used on this instance"), which bindCache turns into meter series.
      CacheStats typo = await(client.stats("usres"));
      assertThat(typo.namespace()).isEqualTo("usres");
      assertThat(typo.toJson().copy().put("namespace", "users")).isEqualTo(CacheStats.fromJson(new JsonObject()
        .put("namespace", "users")).toJson());
      assertThat(cache.allStats()).doesNotContainKey("usres");
      await(client.set("users", "1", "a", null));
      assertThat(await(client.stats("users")).sets()).isEqualTo(1);
      assertThat(cache.allStats()).containsKey("users").doesNotContainKey("usres");
      assertThat(failure(client.stats("a:b"))).isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("namespace:");
    } finally {
      await(consumers.unregister());
      await(gateway.close());
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // 2: the client's near cache

  @Test
  void theClientsNearCacheSeesWritesOfOtherClientsAndOfRedisWithinTheStalenessBound(Vertx vertx, RedisServer server) {
    long bound = 500;
    deployModule(vertx, server, new JsonObject().put("cache", new JsonObject().put("namespaces", new JsonObject()
      .put("users", new JsonObject().put("nearCache", new JsonObject().put("enabled", true).put("maxStalenessMs", bound))))));
    Context app = appContext(vertx);
    CacheClient near = await(on(app, () -> Future.succeededFuture(CacheClient.create(vertx, "",
      new NearCacheOptions().setEnabled(true).setMaxStalenessMs(bound)))));
    CacheClient other = CacheClient.create(vertx, "");

    await(other.set("users", "42", "v1", Duration.ofMinutes(5)));
    // The first read goes over the bus (once the stream is confirmed it is kept), later ones are local.
    // (source NEAR alone does not tell: the service's own near cache answers with it too.)
    heldLocally(app, near, "v1");

    // A write through another client of the service.
    checkBound(vertx, app, near, "v2", () -> await(other.set("users", "42", "v2", Duration.ofMinutes(5))), bound);
    // A write that does not go through the service at all: another gateway straight into Redis.
    RedisGateway direct = await(RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(server.uri())).ready());
    try {
      RedisCache cache = RedisCache.create(vertx, direct);
      heldLocally(app, near, "v2");
      checkBound(vertx, app, near, "v3", () -> await(cache.namespace("users").set("42", "v3", Duration.ofMinutes(5))), bound);
      // A delete through the other gateway is seen too.
      heldLocally(app, near, "v3");
      checkBound(vertx, app, near, null, () -> await(cache.namespace("users").delete("42")), bound);
    } finally {
      await(direct.close());
      await(on(app, near::close));
    }
  }

  /** Reads until a read is served by the client's own near cache (its hit counter moves). */
  private static void heldLocally(Context app, CacheClient near, Object value) {
    Await.until(() -> {
      long hits = near.nearCacheStats().hits();
      Object got = await(on(app, () -> near.get("users", "42")));
      return near.nearCacheStats().hits() > hits && value.equals(got);
    }, "a local hit of " + value + " on the client's near cache");
  }

  /**
   * Reads without pause on the application's context while {@code write} runs on this thread; then every read
   * that started more than {@code bound} ms after the write was acknowledged must show {@code expected}.
   */
  private static void checkBound(Vertx vertx, Context app, CacheClient near, Object expected, Runnable write, long bound) {
    record Read(long startNanos, long endNanos, Object value) {
    }
    ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
    AtomicLong stopAfter = new AtomicLong(Long.MAX_VALUE);
    Promise<Void> done = Promise.promise();
    Runnable[] loop = new Runnable[1];
    loop[0] = () -> {
      long start = System.nanoTime();
      near.get("users", "42").onComplete(ar -> {
        reads.add(new Read(start, System.nanoTime(), ar.succeeded() ? ar.result() : ar.cause()));
        // By the read's start, not its end: one slow read on a busy machine must not end the run before
        // any read has started past the bound.
        if (start > stopAfter.get()) {
          done.tryComplete();
        } else {
          app.runOnContext(v -> loop[0].run());
        }
      });
    };
    app.runOnContext(v -> loop[0].run());
    Await.until(() -> reads.size() > 10, "reads to run before the write");
    write.run();
    long acked = System.nanoTime();
    stopAfter.set(acked + TimeUnit.MILLISECONDS.toNanos(bound * 2));
    await(done.future());
    long boundNanos = TimeUnit.MILLISECONDS.toNanos(bound);
    List<Read> late = reads.stream().filter(r -> r.startNanos() > acked + boundNanos).toList();
    long longestMs = TimeUnit.NANOSECONDS.toMillis(reads.stream().mapToLong(r -> r.endNanos() - r.startNanos()).max().orElse(0));
    assertThat(late).as("reads started past the bound (of %d reads, the longest took %d ms)", reads.size(), longestMs)
      .isNotEmpty();
    assertThat(late).allSatisfy(r -> assertThat(r.value()).as("a read %d ms after the write",
      TimeUnit.NANOSECONDS.toMillis(r.startNanos() - acked)).isEqualTo(expected));
  }

  // ---------------------------------------------------------------------------------------------------------
  // 3: bad input over the raw event bus; nothing may reach Redis

  record Bad(String address, Object body, int code, String messagePart) {
  }

  @Test
  void badRequestsAreCodedNameTheFieldAndNothingReachesRedis(Vertx vertx, RedisServer server) {
    deployModule(vertx, server, new JsonObject());
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i <= 10_000; i++) {
      tooMany.add("k" + i);
    }
    String overDefaultMax = "x".repeat(1024 * 1024);
    List<Bad> cases = List.of(
      new Bad("cache.get", null, 400, "body"),
      new Bad("cache.get", new JsonArray().add("k"), 400, "body"),
      new Bad("cache.get", new JsonObject().putNull("key"), 400, "key"),
      new Bad("cache.get", new JsonObject().put("key", "k").put("idleTtlMs", "soon"), 400, "idleTtlMs"),
      new Bad("cache.get", new JsonObject().put("key", "k").put("ttl", 5), 400, "ttl: unknown field"),
      new Bad("cache.get", new JsonObject().put("key", "k").put("namespace", "n".repeat(129)), 400, "namespace"),
      new Bad("cache.set", new JsonObject().put("key", "k").putNull("value"), 400, "value"),
      new Bad("cache.set", new JsonObject().put("key", "k").put("value", "v").put("ttlMs", Long.MAX_VALUE), 400, "ttlMs"),
      new Bad("cache.set", new JsonObject().put("key", "k").put("value", "v").put("ttlMs", "1000"), 400, "ttlMs"),
      new Bad("cache.set", new JsonObject().put("key", "k").put("value", overDefaultMax), 413, "value"),
      new Bad("cache.set", new JsonObject().put("key", "k").put("value", "v").put("tags", "a"), 400, "tags"),
      new Bad("cache.set", new JsonObject().put("key", "k").put("value", "v").put("tags", new JsonArray().add(1)), 400, "tags[0]"),
      new Bad("cache.set", new JsonObject().put("key", "k").put("value", "v").put("idleTtlMs", -1), 400, "idleTtlMs"),
      new Bad("cache.mset", new JsonObject().put("entries", new JsonObject().put("", "v")), 400, "entries"),
      new Bad("cache.mset", new JsonObject().put("entries", new JsonObject().put("a", "v").put("b\r", "v")), 400, "entries"),
      new Bad("cache.mset", new JsonObject().put("entries", new JsonObject().put("a", "v").put("b", overDefaultMax)), 413, "entries.b"),
      new Bad("cache.mget", new JsonObject().put("keys", new JsonArray().addNull()), 400, "keys[0]"),
      new Bad("cache.mget", new JsonObject().put("keys", tooMany), 400, "keys"),
      new Bad("cache.delete", new JsonObject().put("keys", new JsonArray().add("a")).put("namespace", true), 400, "namespace"),
      new Bad("cache.flush", new JsonObject().put("namespace", ""), 400, "namespace"),
      new Bad("cache.bumpVersion", new JsonObject(), 400, "namespace"),
      new Bad("cache.invalidateTag", new JsonObject().put("tag", ""), 400, "tag"),
      new Bad("cache.invalidateTag", new JsonObject().put("tag", "a").put("namespace", "x"), 400, "namespace: unknown field"),
      new Bad("cache.stats", new JsonObject().put("namespace", 5), 400, "namespace"),
      new Bad("cache.getOrLoad", new JsonObject().put("key", "k").put("loader", "ratelimit.check"), 400, "loader"),
      new Bad("cache.getOrLoad", new JsonObject().put("key", "k").put("nullTtlMs", -1), 400, "nullTtlMs"),
      new Bad("cache.getOrLoad", new JsonObject().put("key", "k").put("idleTtlMs", -1), 400, "idleTtlMs"),
      new Bad("cache.getOrLoad", new JsonObject().put("key", "k").put("tags", new JsonArray().add("")), 400, "tags[0]"),
      new Bad("cache.warm", new JsonObject().put("keys", new JsonArray().add("a")).put("batchSize", "10"), 400, "batchSize"),
      new Bad("cache.warm", new JsonObject().put("keys", tooMany), 400, "keys"),
      new Bad("cache.get.batch", new JsonObject().put("calls", "x"), 400, "calls"));

    Object victim;
    try (Monitor monitor = new Monitor(server)) {
      monitor.drain(server);
      SoftAssertions soft = new SoftAssertions();
      for (Bad bad : cases) {
        String what = bad.address() + " " + (bad.body() == null ? "null" : String.valueOf(bad.body()).substring(0,
          Math.min(120, String.valueOf(bad.body()).length())));
        Throwable t = failure(vertx.eventBus().request(bad.address(), bad.body()));
        if (!(t instanceof ReplyException re)) {
          soft.fail(what + ": not a ReplyException but " + t);
          continue;
        }
        soft.assertThat(re.failureCode()).as(what + " code (message: " + re.getMessage() + ")").isEqualTo(bad.code());
        soft.assertThat(re.getMessage()).as(what + " message").contains(bad.messagePart());
        soft.assertThat(monitor.drain(server)).as(what + ": commands that reached Redis").isEmpty();
      }
      // A batch call with a field its address does not read fails that call alone, named, and sends nothing.
      JsonObject batch = await(vertx.eventBus().<JsonObject>request("cache.get.batch", new JsonObject().put("calls",
        new JsonArray().add(new JsonObject().put("key", "k").put("bogus", 1))))).body();
      JsonObject result = batch.getJsonArray("results").getJsonObject(0);
      soft.assertThat(result.getInteger("failureCode")).as("cache.get.batch call: %s", result).isEqualTo(400);
      soft.assertThat(result.getString("message")).as("cache.get.batch call").contains("bogus");
      soft.assertThat(monitor.drain(server)).as("cache.get.batch bad call: commands that reached Redis").isEmpty();
      // The start-up permission probes' keys (docs/KEYS.md) live a second at most: not the requests' writes.
      soft.assertThat(DataKeys.of(server)).as("nothing written").isEmpty();

      // Inputs that look like another family's keys are valid cache names: they stay in the cache's families.
      await(vertx.eventBus().request("ratelimit.check", new JsonObject().put("key", "victim").put("limit", 5)
        .put("windowMs", 3_600_000)));
      victim = server.command("DUMP", "rediskit:rl:g:k:victim");
      monitor.drain(server);
      assertThat(victim).as("the limiter's key").isNotNull();
      await(vertx.eventBus().request("cache.set", new JsonObject().put("namespace", "rl").put("key", "g:k:victim").put("value", 0)));
      await(vertx.eventBus().request("cache.set", new JsonObject().put("key", "rl:g:k:victim").put("value", 0)));
      await(vertx.eventBus().request("cache.delete", new JsonObject().put("namespace", "rl")
        .put("keys", new JsonArray().add("g:k:victim").add("*"))));
      await(vertx.eventBus().request("cache.flush", new JsonObject().put("namespace", "rl")));
      await(vertx.eventBus().request("cache.flush", new JsonObject().put("namespace", "*")));
      await(vertx.eventBus().request("cache.invalidateTag", new JsonObject().put("tag", "rl:g:k:victim")));
      List<String> touched = monitor.drain(server);
      soft.assertThat(touched).as("commands of the cache requests").isNotEmpty();
      for (String line : touched) {
        Matcher keys = Pattern.compile("\"(rediskit:[^\"]*)\"").matcher(line);
        while (keys.find()) {
          String key = keys.group(1).replace("\\\\", "\\");
          soft.assertThat(key).as("a key the cache touched: %s", line).matches("rediskit:(c|cl|cv|ct):.*");
        }
      }
      soft.assertAll();
    }
    assertThat(server.command("DUMP", "rediskit:rl:g:k:victim")).as("the limiter's key, unchanged").isEqualTo(victim);
  }
}
