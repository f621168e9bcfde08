package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.StalenessChecker;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

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

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @RegisterExtension
  final StalenessCaches caches = new StalenessCaches();

  private StalenessChecker checker(Vertx vertx, String readerEndpoint) {
    return StalenessCaches.checker(caches.reader(vertx, new RedisKitOptions().setEndpoint(readerEndpoint)),
      caches.writer(vertx, new RedisKitOptions().setEndpoint(redis.uri())));
  }

  @Test
  void clientKillOfTheTrackingConnection(Vertx vertx) throws Exception {
    StalenessChecker c = checker(vertx, redis.uri());
    c.run(() -> {
      for (int i = 0; i < 3; i++) {
        StalenessChecker.killTrackingConnections(redis.server());
        c.runFor(Duration.ofMillis(700));
      }
    });
    c.report("CLIENT KILL (3 times)");
  }

  @Test
  void blackholeOfTheReadersConnections(Vertx vertx) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(vertx, redis.server())) {
      StalenessChecker c = checker(vertx, proxy.uri());
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
    StalenessChecker c = checker(vertx, redis.uri());
    c.run(() -> redis.server().restart());
    c.report("Redis restart");
  }
}
