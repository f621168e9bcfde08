package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.error.InvalidRequestException;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.test.Await;
import dev.rediskit.test.Futures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sliding expiry on a real Redis: a read that reaches Redis moves the entry's expiry to its idle
 * TTL from now, never past its maximum age (its TTL), in the same round trip; an entry nobody reads
 * is gone after its idle TTL. Run once per topology by the subclasses.
 */
abstract class AbstractSlidingExpiryTest {

  /** The idle TTL of the sliding namespace: long enough that a read on a stalled machine still finds the entry. */
  static final long IDLE_MS = 4_000;

  Vertx vertx;
  RedisGateway gateway;
  RedisCache cache;

  /** @return connection settings for the topology under test */
  abstract RedisKitOptions baseOptions();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    RedisKitOptions o = baseOptions().setKeyPrefix("sl")
      // Generous: the build machine has two cores shared with other builds.
      .setConnectTimeoutMs(15_000).setCommandTimeoutMs(10_000);
    // No jitter: the bounds below compare PTTL with the TTL the test asked for.
    o.getCache().setTtlJitterPercent(0)
      .putNamespace("idle", new NamespaceOptions().setLoadOptions(new LoadOptions().setIdleTtl(Duration.ofMillis(IDLE_MS))));
    gateway = await(RedisGateway.create(vertx, o).ready());
    cache = RedisCache.create(vertx, gateway, o.getCache());
  }

  @AfterEach
  void stop() {
    await(gateway.close());
  }

  static <T> T await(Future<T> f) {
    return Futures.join(f);
  }

  private long pttl(String ns, String key) {
    Response r = await(gateway.send(Request.cmd(Command.PTTL).arg("sl:c:" + ns + ":0:" + key)));
    return r.toLong();
  }

  @Test
  void aHitExtendsTheIdleDeadline() {
    CacheNamespace<Object> ns = cache.namespace("idle");
    await(ns.set("k", "v", Duration.ofMinutes(5)));
    long first = pttl("idle", "k");
    assertThat(first).as("a sliding entry is written with its idle TTL, not its TTL").isBetween(1L, IDLE_MS);
    // Let the idle deadline come closer, then read: it moves back to about IDLE_MS.
    Await.until(() -> pttl("idle", "k") < IDLE_MS - 1_000, "the idle deadline approaches");
    assertThat(await(ns.get("k"))).isEqualTo("v");
    long after = pttl("idle", "k");
    assertThat(after).as("PTTL after a hit").isGreaterThan(IDLE_MS - 1_000).isLessThanOrEqualTo(IDLE_MS);

    // The other reads extend too: lookup, lookupMany, getOrLoad's hit.
    Await.until(() -> pttl("idle", "k") < IDLE_MS - 1_000, "the idle deadline approaches");
    assertThat(await(ns.lookupMany(List.of("k", "absent"))).get("k").value()).isEqualTo("v");
    assertThat(pttl("idle", "k")).as("PTTL after lookupMany").isGreaterThan(IDLE_MS - 1_000);
    Await.until(() -> pttl("idle", "k") < IDLE_MS - 1_000, "the idle deadline approaches");
    assertThat(await(ns.getOrLoad("k", () -> Future.succeededFuture("loaded"), new LoadOptions()))).isEqualTo("v");
    assertThat(pttl("idle", "k")).as("PTTL after getOrLoad's hit").isGreaterThan(IDLE_MS - 1_000);
  }

  @Test
  void aHitNeverExtendsPastTheMaximumAge() {
    CacheNamespace<Object> ns = cache.namespace("idle");
    long maxAgeMs = 6_000;
    long before = System.currentTimeMillis();
    await(ns.set("k", "v", Duration.ofMillis(maxAgeMs)));
    long end = System.currentTimeMillis() + maxAgeMs;
    assertThat(end - maxAgeMs - before).as("the write took less than the idle TTL (else the test proves nothing)").isLessThan(IDLE_MS);
    int reads = 0;
    long lastPttl = 0;
    // Read every 200 ms until the entry is gone: each PTTL stays under what is left of the maximum age.
    while (true) {
      long readStart = System.currentTimeMillis();
      Object v = await(ns.get("k"));
      if (v == null) {
        break;
      }
      reads++;
      lastPttl = pttl("idle", "k");
      assertThat(lastPttl).as("PTTL after read %d", reads).isLessThanOrEqualTo(Math.max(1, end - readStart));
      await(vertx.timer(200));
      assertThat(System.currentTimeMillis()).as("still found long past the maximum age").isLessThan(end + 10_000);
    }
    long gone = System.currentTimeMillis();
    assertThat(reads).as("reads that found it").isGreaterThan(3);
    // Read every 200 ms with an idle TTL of 4 s, it only ended by its maximum age.
    assertThat(gone).as("gone after its maximum age").isGreaterThanOrEqualTo(before + maxAgeMs);
    assertThat(await(gateway.send(Request.cmd(Command.EXISTS).arg("sl:c:idle:0:k"))).toLong()).isZero();
  }

  @Test
  void anEntryNobodyReadsExpiresAfterItsIdleTime() {
    CacheNamespace<Object> ns = cache.namespace("plain");
    long idle = 500;
    long written = System.currentTimeMillis();
    await(ns.set("k", "v", new WriteOptions().setTtl(Duration.ofMinutes(5)).setIdleTtl(Duration.ofMillis(idle))));
    assertThat(pttl("plain", "k")).isBetween(1L, idle);
    // Bounded poll, not a sleep; well under the 5-minute TTL, so only the idle TTL can end it.
    Await.until(() -> pttl("plain", "k") == -2, Duration.ofSeconds(30), "the idle entry expires");
    assertThat(System.currentTimeMillis() - written).isGreaterThanOrEqualTo(idle - 5);
    assertThat(await(ns.get("k"))).isNull();
  }

  @Test
  void perCallReadsSlideInANamespaceWithoutSliding() {
    CacheNamespace<Object> ns = cache.namespace("plain");
    await(ns.set("k", "v", new WriteOptions().setTtl(Duration.ofMinutes(5)).setIdleTtl(Duration.ofMillis(IDLE_MS))));
    Await.until(() -> pttl("plain", "k") < IDLE_MS - 1_000, "the idle deadline approaches");
    long beforePlain = pttl("plain", "k");
    assertThat(await(ns.get("k"))).isEqualTo("v");
    assertThat(pttl("plain", "k")).as("a plain read of a namespace without sliding extends nothing").isLessThanOrEqualTo(beforePlain);
    assertThat(await(ns.lookup("k", Duration.ofMillis(IDLE_MS))).value()).isEqualTo("v");
    assertThat(pttl("plain", "k")).as("a lookup with an idle TTL extends").isGreaterThan(IDLE_MS - 1_000);

    // An entry written without sliding is never shortened by a sliding read.
    await(ns.set("long", "v", Duration.ofMinutes(5)));
    assertThat(await(ns.lookup("long", Duration.ofMillis(1_000))).value()).isEqualTo("v");
    assertThat(pttl("plain", "long")).isGreaterThan(60_000);

    // Per call, getOrLoad: the write slides and so does the hit.
    LoadOptions slide = new LoadOptions().setTtl(Duration.ofMinutes(5)).setIdleTtl(Duration.ofMillis(IDLE_MS));
    assertThat(await(ns.getOrLoad("loaded", () -> Future.succeededFuture("x"), slide))).isEqualTo("x");
    assertThat(pttl("plain", "loaded")).isBetween(1L, IDLE_MS);
    // Duration.ZERO turns it off for a call, even in a sliding namespace.
    await(cache.namespace("idle").set("off", "v", new WriteOptions().setTtl(Duration.ofMinutes(5)).setIdleTtl(Duration.ZERO)));
    assertThat(pttl("idle", "off")).isGreaterThan(60_000);
  }

  @Test
  void invalidIdleTtlsNameTheFieldAndWriteNothing() {
    CacheNamespace<Object> ns = cache.namespace("plain");
    assertThat(Futures.failure(ns.lookup("k", Duration.ofMillis(-1))))
      .isInstanceOf(InvalidRequestException.class).hasMessageContaining("idleTtlMs").hasMessageContaining("must be >= 0");
    assertThat(Futures.failure(ns.set("bad", "v", new WriteOptions().setIdleTtl(Duration.ofDays(365)))))
      .isInstanceOf(InvalidRequestException.class).hasMessageContaining("idleTtlMs").hasMessageContaining("cache.maxTtlMs");
    assertThat(Futures.failure(ns.getOrLoad("bad", () -> Future.succeededFuture("x"), new LoadOptions().setIdleTtl(Duration.ofMillis(-5)))))
      .isInstanceOf(InvalidRequestException.class).hasMessageContaining("idleTtlMs");
    assertThat(Futures.failure(ns.set("bad", "v", (WriteOptions) null))).hasMessageContaining("options");
    assertThat(pttl("plain", "bad")).as("nothing written").isEqualTo(-2);
    List<String> problems = new NamespaceOptions(new JsonObject().put("idleTtlMs", -1)).problems(CacheOptions.DEFAULT_MAX_TTL_MS);
    assertThat(problems).singleElement().asString().startsWith("idleTtlMs:");
  }

  @Test
  void theEventBusAndTheTypedClientSlide() {
    CacheConsumers consumers = await(CacheConsumers.register(vertx.eventBus(), "sl.", cache));
    try {
      CacheClient client = CacheClient.create(vertx, "sl.");
      await(client.setWith("plain", "k", "v", new WriteOptions().setTtl(Duration.ofMinutes(5)).setIdleTtl(Duration.ofMillis(IDLE_MS))));
      assertThat(pttl("plain", "k")).isBetween(1L, IDLE_MS);
      Await.until(() -> pttl("plain", "k") < IDLE_MS - 1_000, "the idle deadline approaches");
      assertThat(await(client.lookup("plain", "k", Duration.ofMillis(IDLE_MS))).value()).isEqualTo("v");
      assertThat(pttl("plain", "k")).as("cache.get with idleTtlMs extends").isGreaterThan(IDLE_MS - 1_000);
      JsonObject reply = await(vertx.eventBus().<JsonObject>request("sl.cache.get",
        new JsonObject().put("namespace", "plain").put("key", "k").put("idleTtlMs", IDLE_MS))).body();
      assertThat(reply.getBoolean("found")).isTrue();
      assertThat(Futures.failure(client.lookup("plain", "k", Duration.ofMillis(-3))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("idleTtlMs");
      assertThat(Futures.failure(vertx.eventBus().request("sl.cache.set",
        new JsonObject().put("namespace", "plain").put("key", "bad").put("value", 1).put("idleTtlMs", -1))))
        .hasMessageContaining("idleTtlMs");
      assertThat(pttl("plain", "bad")).isEqualTo(-2);
    } finally {
      await(consumers.unregister());
    }
  }
}
