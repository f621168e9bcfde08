package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.KeySlots;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The staleness checker of {@link NearCacheFaultIT} on the 3-master cluster: the tracking
 * connections of every master killed, and a slot moved to another master (a topology change).
 */
@IntegrationTest
class NearCacheClusterFaultIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.cluster();

  private final List<RedisGateway> gateways = new ArrayList<>();

  @AfterEach
  void stop() {
    for (RedisGateway g : gateways) {
      NearCacheFaultIT.await(g.close());
    }
  }

  private RedisKitOptions options() {
    return new RedisKitOptions().setType(RedisClientType.CLUSTER).setEndpoints(redis.endpoints());
  }

  @Test
  void clientKillOnEveryMaster(Vertx vertx) throws Exception {
    NearCacheFaultIT.Checker c = new NearCacheFaultIT.Checker(NearCacheFaultIT.cache(vertx, options(), "A", true, gateways),
      NearCacheFaultIT.cache(vertx, options(), "B", false, gateways));
    c.run(() -> {
      for (RedisServer m : redis.redisCluster().currentMasters()) {
        NearCacheFaultIT.killTrackingConnections(m);
      }
    });
    c.report("CLIENT KILL on every master (cluster)");
  }

  @Test
  void aSlotMovingToAnotherMasterFlushes(Vertx vertx) throws Exception {
    RedisCache reader = NearCacheFaultIT.cache(vertx, options(), "A", true, gateways);
    NearCacheFaultIT.Checker c = new NearCacheFaultIT.Checker(reader, NearCacheFaultIT.cache(vertx, options(), "B", false, gateways));
    RedisCluster cluster = redis.redisCluster();
    // An empty slot, away from the checker's key: moving it needs no key migration.
    int used = KeySlots.slot("f:c:" + NearCacheFaultIT.NS + ":0:c");
    int slot = used == 100 ? 101 : 100;
    RedisServer from = cluster.masterForSlot(slot);
    RedisServer to = cluster.currentMasters().stream().filter(m -> m != from).findFirst().orElseThrow();
    c.run(() -> {
      assign(cluster, slot, to);
      Await.until(() -> reader.nearCacheStats().get(NearCacheFaultIT.NS).flushes().get("topology_changed") >= 1,
        Duration.ofSeconds(30), "the slot move never flushed the near cache");
    });
    c.report("a slot moved to another master (cluster)");
    assign(cluster, slot, from);
    assertThat(reader.nearCacheStats().get(NearCacheFaultIT.NS).flushes().get("topology_changed")).isPositive();
  }

  private static void assign(RedisCluster cluster, int slot, RedisServer owner) {
    String id = RedisCluster.nodeId(owner);
    for (RedisServer m : cluster.currentMasters()) {
      m.command("CLUSTER", "SETSLOT", String.valueOf(slot), "NODE", id);
    }
    Await.until(() -> cluster.masterForSlot(slot) == owner, "slot " + slot + " never moved");
  }
}
