package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.StalenessLog;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Never silently stale, under faults of the tracking link: a writer (instance B) writes increasing
 * versions of one key; a reader (instance A, near cache on) reads it continuously. A read served
 * locally at time {@code t} that returns version {@code v} is stale by {@code t - ack(v + 1)} when
 * version {@code v + 1} had already been acknowledged to the writer before {@code t}. No local read
 * may be staler than the namespace's {@code maxStalenessMs}; the worst seen is printed. Time bounds
 * are generous: the build machine has two cores shared with other builds.
 */
@IntegrationTest
class NearCacheFaultIT {

  static final long BOUND_MS = 500;
  static final String NS = "hot";

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private final List<RedisGateway> gateways = new ArrayList<>();

  @AfterEach
  void stop() {
    for (RedisGateway g : gateways) {
      await(g.close());
    }
  }

  private RedisCache cache(Vertx vertx, String endpoint, String name, boolean near) {
    return cache(vertx, new RedisKitOptions().setEndpoint(endpoint), name, near, gateways);
  }

  static RedisCache cache(Vertx vertx, RedisKitOptions base, String name, boolean near, List<RedisGateway> gateways) {
    RedisGateway g = await(RedisGateway.create(vertx, base.setKeyPrefix("f")
      .setConnectTimeoutMs(10_000).setCommandTimeoutMs(1000), name).ready());
    gateways.add(g);
    CacheOptions o = new CacheOptions();
    if (near) {
      o.putNamespace(NS, new NamespaceOptions().setNearCache(new NearCacheOptions().setEnabled(true).setMaxStalenessMs(BOUND_MS)));
    }
    RedisCache c = RedisCache.create(vertx, g, o);
    if (near) {
      AbstractNearCacheTest.awaitConfirmed(g);
    }
    return c;
  }

  @Test
  void clientKillOfTheTrackingConnection(Vertx vertx) throws Exception {
    Checker c = new Checker(cache(vertx, redis.uri(), "A", true), cache(vertx, redis.uri(), "B", false));
    c.run(() -> {
      for (int i = 0; i < 3; i++) {
        killTrackingConnections();
        c.runFor(Duration.ofMillis(700));
      }
    });
    c.report("CLIENT KILL (3 times)");
  }

  @Test
  void blackholeOfTheReadersConnections(Vertx vertx) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(vertx, redis.server())) {
      Checker c = new Checker(cache(vertx, proxy.uri(), "A", true), cache(vertx, redis.uri(), "B", false));
      c.run(() -> {
        proxy.blackhole();
        c.runFor(Duration.ofSeconds(3));
        proxy.pass();
      });
      c.report("blackhole 3 s");
    }
  }

  @Test
  void redisRestart(Vertx vertx) throws Exception {
    Checker c = new Checker(cache(vertx, redis.uri(), "A", true), cache(vertx, redis.uri(), "B", false));
    c.run(() -> redis.server().restart());
    c.report("Redis restart");
  }

  private static void killTrackingConnections() {
    killTrackingConnections(redis.server());
  }

  static void killTrackingConnections(dev.rediskit.test.RedisServer server) {
    String list = (String) server.command("CLIENT", "LIST");
    for (String line : list.split("\n")) {
      if (line.contains(" sub=1 ")) {
        server.command("CLIENT", "KILL", "ID", line.substring(3, line.indexOf(' ')));
      }
    }
  }

  /** The writer, the reader and the verdict. */
  static final class Checker {
    private final CacheNamespace<Object> reader;
    private final CacheNamespace<Object> writer;
    private final RedisCache readerCache;
    private final StalenessLog log = new StalenessLog();
    private volatile boolean running = true;
    private volatile long faultOverAt;
    private long directReads;
    private long failedReads;

    Checker(RedisCache reader, RedisCache writer) {
      this.readerCache = reader;
      this.reader = reader.namespace(NS);
      this.writer = writer.namespace(NS);
    }

    void runFor(Duration d) {
      long end = System.nanoTime() + d.toNanos();
      while (System.nanoTime() < end) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    }

    void run(Runnable fault) throws Exception {
      Thread w = new Thread(this::write, "staleness-writer");
      Thread r = new Thread(this::read, "staleness-reader");
      w.start();
      r.start();
      Await.until(() -> readerCache.nearCacheStats().get(NS).hits() > 100, Duration.ofSeconds(30),
        "the near cache never served before the fault");
      runFor(Duration.ofSeconds(1));
      fault.run();
      faultOverAt = System.nanoTime();
      long hitsAtHeal = readerCache.nearCacheStats().get(NS).hits();
      // Recovery: local hits again after the fault (the link confirmed again).
      Await.until(() -> readerCache.nearCacheStats().get(NS).hits() > hitsAtHeal + 100, Duration.ofSeconds(60),
        "the near cache never served again after the fault");
      runFor(Duration.ofSeconds(2));
      running = false;
      w.join(30_000);
      r.join(30_000);
    }

    private void write() {
      int v = 1;
      while (running) {
        try {
          await(writer.set("c", v, Duration.ofMinutes(5)));
          log.acked(v);
          v++;
        } catch (RuntimeException e) {
          // Redis down: the same version again (it may have been applied; ack(v) is only ever later).
        }
        // Paced, so that reads in between can be served locally: a load generator's rate, not a wait.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
    }

    private void read() {
      while (running) {
        long t0 = System.nanoTime();
        try {
          CacheResult<Object> r = await(reader.lookup("c"));
          if (r.source() == CacheResult.Source.NEAR) {
            log.nearRead(t0, ((Number) r.value()).intValue());
          } else {
            directReads++;
          }
        } catch (RuntimeException e) {
          failedReads++;
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
      }
    }

    void report(String fault) {
      StalenessLog.Judgement j = log.judge(BOUND_MS);
      NearCacheStats s = readerCache.nearCacheStats().get(NS);
      System.out.printf("near cache staleness under %s: %d local reads, %d from Redis, %d failed, %d writes; "
          + "staler than %d ms: %d; worst staleness %.3f ms; flushes %s%n", fault, log.nearReads(), directReads,
        failedReads, log.writes(), BOUND_MS, j.stale(), j.worstMs(), s.flushes());
      assertThat(j.stale()).as("local reads staler than the bound").isZero();
      assertThat(log.nearReads()).isPositive();
    }
  }

  static <T> T await(Future<T> f) {
    return AbstractNearCacheTest.await(f);
  }
}
