package dev.rediskit.eventbus;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.RedisKitVerticle;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.NearCacheOptions;
import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.Await;
import dev.rediskit.test.ClusteredVertx;
import dev.rediskit.test.Futures;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.StalenessChecker;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near cache of {@link CacheClient} over a real clustered event bus (Hazelcast on loopback) and
 * a real Redis: node A runs the cache service ({@link RedisKitVerticle}, namespace {@code hot}
 * tracked), node B a client with a near cache. Writes through A's service and by another gateway
 * straight into Redis invalidate B's copies; the staleness checker counts B's local reads staler
 * than the bound, with and without faults of the service's tracking link. Time bounds are generous
 * (two cores shared with other builds, and Hazelcast spreads registrations in its own time); none
 * is asserted on speed.
 */
@IntegrationTest
class CacheClientNearCacheClusterIT {

  static final long BOUND_MS = 500;
  static final String NS = "hot";
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @RegisterExtension
  static final ClusteredVertx.TwoNodes nodes = new ClusteredVertx.TwoNodes();

  private String prefix;
  private String service;
  private CacheClient near;
  private CacheClient plain;
  private RedisGateway directGateway;
  private CacheNamespace<Object> direct;

  private JsonObject config() {
    return new JsonObject().put("endpoints", redis.uri()).put("addressPrefix", prefix).put("keyPrefix", "nc")
      .put("commandTimeoutMs", 1_000).put("connectTimeoutMs", 10_000)
      .put("cache", new JsonObject().put("namespaces", new JsonObject().put(NS, new JsonObject()
        .put("nearCache", new JsonObject().put("enabled", true).put("maxStalenessMs", BOUND_MS)))));
  }

  @BeforeEach
  void start() {
    prefix = "n" + PREFIXES.incrementAndGet() + ".";
    service = deployService();
    near = CacheClient.create(nodes.b(), prefix, CacheOptions.DEFAULT_LOADER_PREFIX, new DeliveryOptions().setSendTimeout(5_000),
      new NearCacheOptions().setEnabled(true).setMaxStalenessMs(BOUND_MS));
    plain = CacheClient.create(nodes.a(), prefix, CacheOptions.DEFAULT_LOADER_PREFIX, new DeliveryOptions().setSendTimeout(5_000), null);
    directGateway = await(RedisGateway.create(nodes.a(), new RedisKitOptions().setEndpoint(redis.uri()).setKeyPrefix("nc")
      .setConnectTimeoutMs(10_000).setCommandTimeoutMs(1_000), "direct").ready());
    direct = RedisCache.create(nodes.a(), directGateway).namespace(NS);
    awaitNearServing("warm-up");
  }

  @AfterEach
  void stop() {
    await(near.close());
    await(directGateway.close());
    if (service != null) {
      await(nodes.a().undeploy(service));
    }
  }

  private String deployService() {
    return await(nodes.a().deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config())));
  }

  /**
   * Reads through B's client and tells whether the client itself answered. The source alone cannot
   * say: a reply the service served from its own near cache is {@code NEAR} too. Only one thread reads
   * through {@link #near} at a time, so a hit counted during the read is this read's.
   */
  private CacheResult<Object> readLocal(String key) {
    long hits = near.nearCacheStats().hits();
    CacheResult<Object> r = await(near.lookup(NS, key));
    return near.nearCacheStats().hits() > hits ? r : null;
  }

  /** Until B's client serves {@code key} locally (the service reachable from B, its stream confirmed, the copy stored). */
  private void awaitNearServing(String key) {
    Await.until(() -> {
      try {
        await(plain.set(NS, key, "x", Duration.ofMinutes(5)));
        await(near.lookup(NS, key));
        return readLocal(key) != null;
      } catch (RuntimeException e) {
        return false; // registrations still spreading through Hazelcast
      }
    }, Duration.ofSeconds(60), () -> "B's near cache never served " + key + ": " + near.nearCacheStats().toJson());
  }

  /**
   * Until B's client serves {@code key} locally as {@code expected}. The service announces a write
   * through it at once and Redis a moment later; landing on a read in flight, either keeps that
   * read's reply out of the client's copies, so the first read after a write may not be stored.
   */
  private void awaitLocal(String key, Object expected) {
    Await.until(() -> {
      CacheResult<Object> r = readLocal(key);
      return r != null && expected.equals(r.value());
    }, WAIT, () -> key + " never served locally as " + expected + ": " + near.nearCacheStats().toJson());
  }

  @Test
  void writesThroughTheServiceAndStraightIntoRedisInvalidateBsCopy() {
    await(plain.set(NS, "k", "v1", Duration.ofMinutes(5)));
    awaitLocal("k", "v1");

    // Through A's service, from node A.
    await(plain.set(NS, "k", "v2", Duration.ofMinutes(5)));
    Await.until(() -> "v2".equals(await(near.get(NS, "k"))), WAIT, "B never read v2 after a write through the service");
    awaitLocal("k", "v2");

    // Another gateway, straight into Redis: only Redis's tracking tells the service.
    await(direct.set("k", "v3", Duration.ofMinutes(5)));
    Await.until(() -> "v3".equals(await(near.get(NS, "k"))), WAIT, "B never read v3 after a direct write");
    awaitLocal("k", "v3");

    // A client outside the module entirely.
    redis.server().command("DEL", "nc:c:" + NS + ":0:k");
    Await.until(() -> !await(near.lookup(NS, "k")).found(), WAIT, "B never saw the DEL");

    // B's own write: its next read never sees its old copy.
    await(plain.set(NS, "own", 1, Duration.ofMinutes(5)));
    awaitLocal("own", 1);
    await(near.set(NS, "own", 2, Duration.ofMinutes(5)));
    assertThat(await(near.get(NS, "own"))).isEqualTo(2);
    // The same for each way to write: with write options, and many at once.
    awaitLocal("own", 2);
    await(near.setWith(NS, "own", 3, new dev.rediskit.cache.WriteOptions().setTtl(Duration.ofMinutes(5))));
    assertThat(await(near.get(NS, "own"))).isEqualTo(3);
    awaitLocal("own", 3);
    await(near.setMany(NS, java.util.Map.of("own", 4), Duration.ofMinutes(5)));
    assertThat(await(near.get(NS, "own"))).isEqualTo(4);
    awaitLocal("own", 4);
    await(near.setManyWith(NS, java.util.Map.of("own", 2), new dev.rediskit.cache.WriteOptions().setTtl(Duration.ofMinutes(5))));
    assertThat(await(near.get(NS, "own"))).isEqualTo(2);

    // A version bump through the service drops the namespace.
    awaitLocal("own", 2);
    await(plain.bumpVersion(NS));
    Await.until(() -> !await(near.lookup(NS, "own")).found(), WAIT, "B still served after the version bump");

    NearCacheStats s = near.nearCacheStats();
    System.out.println("client near cache after the invalidation test: " + s.toJson());
    assertThat(s.invalidations()).isPositive();
  }

  /**
   * A tag's invalidation changes no entry key: neither Redis's tracking nor the service's stream
   * would drop a copy of a tagged entry, so the client keeps none and reads it from the service,
   * which checks the tags on every read.
   */
  @Test
  void aTaggedEntryIsReadFromTheServiceSoItsTagsInvalidationIsSeenAtOnce() {
    await(plain.setWith(NS, "tagged", "v1", new dev.rediskit.cache.WriteOptions().setTtl(Duration.ofMinutes(5))
      .setTags(List.of("t1", "t2"))));
    await(plain.set(NS, "untagged", "w1", Duration.ofMinutes(5)));
    awaitLocal("untagged", "w1");
    for (int i = 0; i < 5; i++) {
      CacheResult<Object> r = await(near.lookup(NS, "tagged"));
      assertThat(r.value()).isEqualTo("v1");
      assertThat(r.tags()).containsExactlyInAnyOrder("t1", "t2");
    }
    long hits = near.nearCacheStats().hits();
    assertThat(readLocal("tagged")).as("no local copy of a tagged entry").isNull();
    assertThat(near.nearCacheStats().hits()).isEqualTo(hits);

    // Through the same service: it uses the tag's new version at once.
    await(plain.invalidateTag("t2"));
    CacheResult<Object> after = await(near.lookup(NS, "tagged"));
    assertThat(after.stale()).as("stale once its tag moved on: " + after).isTrue();
    assertThat(await(near.get(NS, "tagged"))).isNull();
    assertThat(readLocal("untagged")).as("the untagged entry still served locally").isNotNull();
  }

  /**
   * Invalidation delay across the nodes: a write through A's service, then B's client reads until
   * its local copy is gone. Reported, not asserted (timing on a shared machine).
   */
  @Test
  void invalidationDelayAcrossTheNodes() {
    int writes = 300;
    long[] delays = new long[writes];
    for (int i = 0; i < writes; i++) {
      String k = "d" + (i % 16);
      await(plain.set(NS, k, i, Duration.ofMinutes(5)));
      awaitLocal(k, i);
      long sent = System.nanoTime();
      await(plain.set(NS, k, -i - 1, Duration.ofMinutes(5)));
      while (readLocal(k) != null) {
        if (System.nanoTime() - sent > WAIT.toNanos()) {
          throw new AssertionError("invalidation never arrived for write " + i);
        }
      }
      delays[i] = System.nanoTime() - sent;
    }
    java.util.Arrays.sort(delays);
    System.out.printf("client near cache invalidation delay (write through node A's service, read on node B, %d writes, "
        + "from the write's acknowledgement): p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", writes, delays[writes / 2] / 1e6,
      delays[writes * 99 / 100] / 1e6, delays[writes - 1] / 1e6);
    assertThat(delays[0]).isPositive();
  }

  @Test
  void undeployingTheServiceFlushesTheClientWhichBypassesUntilAServiceIsBack() {
    await(plain.set(NS, "u", "v", Duration.ofMinutes(5)));
    awaitLocal("u", "v");
    await(nodes.a().undeploy(service));
    service = null;
    Await.until(() -> near.nearCacheStats().entries() == 0, WAIT, "the client never flushed");
    // Nothing local any more: the read goes to the event bus, where nobody answers now.
    Future<CacheResult<Object>> read = near.lookup(NS, "u");
    Throwable failure = Futures.failure(read);
    assertThat(failure).as("no local answer without the service").isNotNull();
    long bypasses = near.nearCacheStats().bypasses();
    assertThat(bypasses).isPositive();
    System.out.println("client near cache after undeploy: " + near.nearCacheStats().toJson());

    service = deployService();
    awaitNearServing("u2");
  }

  @Test
  void noStaleReadsWhileWritingBothWays() throws Exception {
    StalenessChecker c = checker();
    c.run(() -> c.runFor(Duration.ofSeconds(3)));
    c.report("no fault");
  }

  @Test
  void noStaleReadsWhenTheServicesTrackingConnectionIsKilled() throws Exception {
    StalenessChecker c = checker();
    c.run(() -> {
      for (int i = 0; i < 3; i++) {
        StalenessChecker.killTrackingConnections(redis.server());
        c.runFor(Duration.ofMillis(700));
      }
    });
    c.report("CLIENT KILL of the service's tracking connection (3 times)");
  }

  @Test
  void noStaleReadsWhenRedisRestarts() throws Exception {
    StalenessChecker c = checker();
    c.run(() -> redis.server().restart());
    c.report("Redis restart");
  }

  /**
   * A writer writes increasing versions of one key, alternately through A's service and through
   * another gateway straight into Redis; a reader on B reads it continuously through the client
   * (only that thread reads through it, so a hit counted meanwhile is its read's).
   */
  private StalenessChecker checker() {
    return new StalenessChecker(BOUND_MS,
      v -> await(v % 2 == 0 ? plain.set(NS, "c", v, Duration.ofMinutes(5)) : direct.set("c", v, Duration.ofMinutes(5))),
      () -> {
        CacheResult<Object> r = readLocal("c");
        return r == null ? null : ((Number) r.value()).intValue();
      },
      () -> near.nearCacheStats().hits(), () -> near.nearCacheStats().toJson().encode());
  }

  static <T> T await(Future<T> f) {
    return Futures.join(f, WAIT);
  }
}
