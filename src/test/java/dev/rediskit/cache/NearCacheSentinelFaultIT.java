package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisSentinel;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.StalenessChecker;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The staleness checker of {@link NearCacheFaultIT} through a Sentinel failover: the master is
 * killed while the writer writes and the near-cached reader reads, Sentinel promotes the replica,
 * the reader's tracking link follows it. The writer's acknowledged versions were replicated before
 * the kill (asynchronous replication on loopback, a write every ~5 ms), so a version lost by the
 * failover itself would show as a stale read here; none has been seen.
 */
@IntegrationTest
class NearCacheSentinelFaultIT {

  @RegisterExtension
  final StalenessCaches caches = new StalenessCaches();

  @Test
  void sentinelFailover(Vertx vertx) throws Exception {
    try (RedisSentinel redis = RedisSentinel.builder().start()) {
      RedisKitOptions options = new RedisKitOptions().setType(RedisClientType.SENTINEL)
        .setEndpoints(redis.sentinelEndpoints()).setMasterName(redis.masterName());
      RedisCache reader = caches.reader(vertx, options);
      StalenessChecker c = StalenessCaches.checker(reader, caches.writer(vertx, options));
      RedisServer[] old = new RedisServer[1];
      c.run(() -> {
        old[0] = redis.killMaster();
        redis.awaitNewMaster(old[0]);
      });
      c.report("Sentinel failover (master killed)");
      assertThat(reader.nearCacheStats().get(StalenessCaches.NS).flushes().get("link_lost")
        + reader.nearCacheStats().get(StalenessCaches.NS).flushes().get("heartbeat_timeout"))
        .as("the link to the killed master was lost, and the near cache flushed").isPositive();
    }
  }
}
