package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.KeySlots;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.StalenessChecker;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The staleness checker of {@link NearCacheFaultIT} on the 3-master cluster: the tracking
 * connections of every master killed, and a slot moved to another master (a topology change).
 */
@IntegrationTest
class NearCacheClusterFaultIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.cluster();

  @RegisterExtension
  final StalenessCaches caches = new StalenessCaches();

  private RedisKitOptions options() {
    return new RedisKitOptions().setType(RedisClientType.CLUSTER).setEndpoints(redis.endpoints());
  }

  @Test
  void clientKillOnEveryMaster(Vertx vertx) throws Exception {
    StalenessChecker c = StalenessCaches.checker(caches.reader(vertx, options()), caches.writer(vertx, options()));
    c.run(() -> {
      for (RedisServer m : redis.redisCluster().currentMasters()) {
        StalenessChecker.killTrackingConnections(m);
      }
    });
    c.report("CLIENT KILL on every master (cluster)");
  }

  @Test
  void aSlotMovingToAnotherMasterFlushes(Vertx vertx) throws Exception {
    RedisCache reader = caches.reader(vertx, options());
    StalenessChecker c = StalenessCaches.checker(reader, caches.writer(vertx, options()));
    RedisCluster cluster = redis.redisCluster();
    // An empty slot, away from the checker's key: moving it needs no key migration.
    int used = KeySlots.slot(StalenessCaches.KEY);
    int slot = used == 100 ? 101 : 100;
    RedisServer from = cluster.masterForSlot(slot);
    RedisServer to = cluster.currentMasters().stream().filter(m -> m != from).findFirst().orElseThrow();
    c.run(() -> {
      assign(cluster, slot, to);
      Await.until(() -> reader.nearCacheStats().get(StalenessCaches.NS).flushes().get("topology_changed") >= 1,
        Duration.ofSeconds(30), "the slot move never flushed the near cache");
    });
    c.report("a slot moved to another master (cluster)");
    assign(cluster, slot, from);
    assertThat(reader.nearCacheStats().get(StalenessCaches.NS).flushes().get("topology_changed")).isPositive();
  }

  private static void assign(RedisCluster cluster, int slot, RedisServer owner) {
    String id = RedisCluster.nodeId(owner);
    for (RedisServer m : cluster.currentMasters()) {
      m.command("CLUSTER", "SETSLOT", String.valueOf(slot), "NODE", id);
    }
    Await.until(() -> cluster.masterForSlot(slot) == owner, "slot " + slot + " never moved");
  }
}
