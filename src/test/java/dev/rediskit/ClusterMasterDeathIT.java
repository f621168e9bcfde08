package dev.rediskit;

import dev.rediskit.eventbus.CacheClient;
import dev.rediskit.test.Await;
import dev.rediskit.test.FailoverTraffic;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis Cluster master dies while traffic runs through {@link RedisKitVerticle} over the event
 * bus: its replica takes over and calls recover without restarting anything. The gap is printed
 * (and reported in docs/DEPLOYING.md); it is bounded only loosely because the cluster's own failure
 * detection (node timeout) and election dominate it.
 */
@IntegrationTest
class ClusterMasterDeathIT {

  /** An instance field: the test changes the topology, so the cluster is started for it alone. */
  @RegisterExtension
  final RedisServers cluster = RedisServers.cluster().withReplicas();

  @Test
  void callsRecoverAfterAMasterDies(Vertx vertx) {
    RedisCluster redis = cluster.redisCluster();
    JsonObject config = new JsonObject().put("type", "CLUSTER").put("endpoints", new JsonArray(redis.endpoints()))
      .put("commandTimeoutMs", 1_000).put("breakerResetTimeoutMs", 500).put("reconnectMaxDelayMs", 250);
    String id = await(vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions().setConfig(config)));
    CacheClient client = CacheClient.create(vertx, "", new DeliveryOptions().setSendTimeout(5_000));
    FailoverTraffic traffic = FailoverTraffic.start(vertx, i -> client.set("cm", "t" + i, "v", Duration.ofMinutes(5)));
    Await.until(() -> traffic.lastSuccess.get() != 0, Duration.ofSeconds(10), "traffic to flow");

    RedisServer victim = redis.masterForSlot(0);
    long killedAt = System.nanoTime();
    victim.kill();
    // Failure detection (node timeout) plus the replica's election; 60 s only guards against a hang on a busy box.
    Await.until(() -> traffic.successesAfterFailure.get() > 50
        && System.nanoTime() - traffic.lastFailure.get() > 2_000_000_000L, Duration.ofSeconds(60),
      "calls on every slot to succeed again after the replica takes over");
    traffic.stop();
    // Which calls failed: those on the dead master's slots only, or (breaker open) every call.
    long failedCalls = traffic.failures.values().stream().mapToLong(Number::longValue).sum();
    System.out.printf("redis cluster master death via event bus: gap %d ms (first to last failed call; kill to "
        + "stable recovery %d ms incl. 2 s without failures; %d calls failed %s, %d succeeded within the gap; killed %d)%n",
      traffic.gapMs(), (System.nanoTime() - killedAt) / 1_000_000, failedCalls, traffic.failures,
      traffic.successesWithinGap.get(), victim.port());

    // Every key, whichever master holds its slot now, is writable and readable again.
    for (int i = 0; i < 50; i++) {
      await(client.set("cm", "after" + i, "v" + i, Duration.ofMinutes(5)));
    }
    for (int i = 0; i < 50; i++) {
      assertThat(await(client.lookup("cm", "after" + i)).value()).isEqualTo("v" + i);
    }
    await(vertx.undeploy(id));
  }
}
