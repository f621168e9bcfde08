package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.test.Await;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Namespace versions on a real Redis, with two instances (two gateways, two caches): a bump on A
 * makes every entry unreachable on A at once and on B within {@code cache.versionRefreshMs}, while B
 * reads continuously. Run once per topology by the subclasses.
 */
abstract class AbstractNamespaceVersionsTest extends AbstractTwoInstancesTest {

  /** The bound under test: B uses a version it fetched for at most this long. */
  static final long REFRESH_MS = 500;

  /** @return connection settings for the topology under test */
  abstract RedisKitOptions baseOptions();

  @Override
  RedisKitOptions options() {
    RedisKitOptions o = baseOptions().setKeyPrefix("v")
      // Generous: the build machine has two cores shared with other builds, and a cold JVM connects slowly.
      .setConnectTimeoutMs(15_000).setCommandTimeoutMs(10_000);
    o.getCache().setVersionRefreshMs(REFRESH_MS);
    return o;
  }

  static <T> T await(Future<T> f) {
    return dev.rediskit.test.Futures.join(f);
  }

  /** One read of B: when it started, and what it returned. */
  record Read(long startNanos, Object value) {
  }

  @Test
  void afterTheBoundTheOtherInstanceNeverReturnsAnEntryOfTheOldVersion() throws Exception {
    CacheNamespace<Object> onA = a.namespace("profiles");
    CacheNamespace<Object> onB = b.namespace("profiles");
    await(onA.set("k", "old", Duration.ofMinutes(5)));
    Await.until(() -> "old".equals(await(onB.get("k"))), "B sees the entry");

    ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    boolean[] stop = {false};
    // Four closed loops of reads on B, continuously, until told to stop.
    for (int i = 0; i < 4; i++) {
      vertx.runOnContext(v -> readLoop(onB, reads, failures, stop));
    }
    Await.until(() -> reads.size() > 100, "B reads");
    long version = await(onA.bumpVersion());
    long bumped = System.nanoTime();
    assertThat(version).isEqualTo(1L);
    assertThat(await(onA.get("k"))).as("A uses the new version at once").isNull();
    await(onA.set("k", "new", Duration.ofMinutes(5)));
    // Keep B reading until well past the bound: enough reads started after it to show the rule.
    long afterBound = bumped + TimeUnit.MILLISECONDS.toNanos(REFRESH_MS);
    Await.until(() -> reads.stream().filter(r -> r.startNanos > afterBound + TimeUnit.MILLISECONDS.toNanos(500)).count() > 200,
      "B reads past the bound");
    stop[0] = true;
    assertThat(failures).isEmpty();

    List<Read> all = new ArrayList<>(reads);
    List<Read> late = all.stream().filter(r -> r.startNanos > afterBound).toList();
    assertThat(late).as("reads started after the bound").hasSizeGreaterThan(200);
    assertThat(late).as("reads of B started more than %d ms after the bump", REFRESH_MS)
      .noneMatch(r -> "old".equals(r.value));
    assertThat(late.get(late.size() - 1).value).as("B reads A's write at the new version").isEqualTo("new");
    long lastOld = all.stream().filter(r -> "old".equals(r.value)).mapToLong(Read::startNanos).max().orElseThrow();
    System.out.printf("namespace version: B's last read of the old version started %.1f ms after the bump completed (bound %d ms); %d reads%n",
      (lastOld - bumped) / 1e6, REFRESH_MS, all.size());
  }

  private void readLoop(CacheNamespace<Object> ns, ConcurrentLinkedQueue<Read> reads, List<Throwable> failures, boolean[] stop) {
    if (stop[0]) {
      return;
    }
    long start = System.nanoTime();
    ns.get("k").onComplete(ar -> {
      if (ar.failed()) {
        failures.add(ar.cause());
      } else {
        reads.add(new Read(start, ar.result()));
      }
      readLoop(ns, reads, failures, stop);
    });
  }

  @Test
  void aBumpHidesEveryEntryAndAFlushStillReclaimsEveryVersion() {
    CacheNamespace<Object> ns = a.namespace("all");
    CacheNamespace<Object> other = a.namespace("other");
    assertThat(await(ns.version())).isZero();
    for (int i = 0; i < 50; i++) {
      await(ns.set("k" + i, i));
    }
    await(ns.set("1:a", "at version 0, a key that looks like a version"));
    await(other.set("k0", "untouched"));
    List<String> flushed = AbstractRedisCacheTest.recordFlushes(a);
    assertThat(await(a.bumpVersion("all"))).isEqualTo(1L);
    assertThat(flushed).containsExactly("all");
    assertThat(await(ns.version())).isEqualTo(1L);
    assertThat(await(ns.getMany(List.of("k0", "k1", "k49", "1:a")))).isEmpty();
    assertThat(await(ns.get("a"))).as("version 1, key a, is not key 1:a of version 0").isNull();
    assertThat(await(other.get("k0"))).isEqualTo("untouched");
    await(ns.setMany(Map.of("k0", "fresh"), Duration.ofMinutes(1)));
    assertThat(await(ns.lookup("k0")).value()).isEqualTo("fresh");
    assertThat(await(ns.getOrLoad("k1", () -> Future.succeededFuture("loaded"), LoadOptions.ttl(Duration.ofMinutes(1)))))
      .isEqualTo("loaded");
    assertThat(await(ns.delete("k0", "k1"))).isEqualTo(2L);
    // The flush walks every version: the 51 old entries and the new one.
    await(ns.set("k2", "v1 entry"));
    assertThat(await(a.flush("all"))).isEqualTo(52L);
    assertThat(await(other.get("k0"))).isEqualTo("untouched");
    assertThat(await(b.namespace("all").version())).as("B reads the version from Redis").isEqualTo(1L);
  }

  @Test
  void theEventBusBumps() {
    CacheConsumers consumers = await(CacheConsumers.register(vertx.eventBus(), "vb.", a));
    try {
      CacheClient client = CacheClient.create(vertx, "vb.");
      await(client.set("bus", "k", "v", Duration.ofMinutes(1)));
      assertThat(await(client.bumpVersion("bus"))).isEqualTo(1L);
      assertThat(await(client.bumpVersion("bus"))).isEqualTo(2L);
      assertThat(await(client.lookup("bus", "k")).found()).isFalse();
      assertThat(dev.rediskit.test.Futures.failure(client.bumpVersion("a:b")))
        .isInstanceOf(dev.rediskit.error.InvalidRequestException.class).hasMessageContaining("namespace");
    } finally {
      await(consumers.unregister());
    }
  }
}
