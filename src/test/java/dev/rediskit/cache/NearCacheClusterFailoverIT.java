package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.KeySlots;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.StalenessChecker;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The staleness checker of {@link NearCacheFaultIT} through the death of a cluster master: a
 * cluster of its own (3 masters, a replica each), the master of the checker's key killed, its
 * replica promoted by the cluster. The writer's acknowledged versions were replicated before the
 * kill (asynchronous replication on loopback, a write every ~5 ms), so a version lost by the
 * failover itself would show as a stale read here; none has been seen. Time bounds are generous:
 * the promotion alone takes the cluster's node timeout (3 s) and more on a loaded machine.
 */
@IntegrationTest
class NearCacheClusterFailoverIT {

  @RegisterExtension
  final StalenessCaches caches = new StalenessCaches();

  @Test
  void theMasterOfTheKeyDiesAndItsReplicaTakesOver(Vertx vertx) throws Exception {
    try (RedisCluster cluster = RedisCluster.builder().replicasPerMaster(1)
      .eachNode(n -> n.config("cluster-require-full-coverage no")).start()) {
      RedisKitOptions options = new RedisKitOptions().setType(RedisClientType.CLUSTER).setEndpoints(cluster.endpoints());
      RedisCache reader = caches.reader(vertx, options);
      StalenessChecker c = StalenessCaches.checker(reader, caches.writer(vertx, options));
      RedisServer victim = cluster.masterForSlot(KeySlots.slot(StalenessCaches.KEY));
      c.run(() -> {
        victim.kill();
        Await.until(() -> {
          try {
            return cluster.masterForSlot(KeySlots.slot(StalenessCaches.KEY)) != victim;
          } catch (RuntimeException e) {
            return false; // no running node knows an owner yet
          }
        }, Duration.ofSeconds(60), "the replica to take over the key's slot");
      });
      c.report("cluster master death (its replica promoted)");
      NearCacheStats s = reader.nearCacheStats().get(StalenessCaches.NS);
      assertThat(s.flushes().get("link_lost") + s.flushes().get("heartbeat_timeout") + s.flushes().get("topology_changed"))
        .as("the near cache flushed for the dead master").isPositive();
    }
  }
}
