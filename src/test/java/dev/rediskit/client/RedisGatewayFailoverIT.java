package dev.rediskit.client;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.Await;
import dev.rediskit.test.FailoverTraffic;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisSentinel;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A master dies while traffic runs: after Sentinel or the cluster promotes a replica, calls succeed
 * again without restarting anything. The unavailability gap is measured and printed (it is
 * reported in docs/BENCHMARKS.md), and only bounded loosely here: it depends on the servers'
 * failure-detection settings, not on the gateway alone.
 */
@IntegrationTest
class RedisGatewayFailoverIT {

  @RegisterExtension
  final RedisServers sentinel = RedisServers.sentinel();

  @RegisterExtension
  final RedisServers cluster = RedisServers.cluster().withReplicas();

  private static RedisKitOptions tolerant(RedisKitOptions o) {
    return o.setCommandTimeoutMs(1_000).setBreakerResetTimeoutMs(500).setReconnectMaxDelayMs(250);
  }

  @Test
  void sentinelFailover(Vertx vertx) {
    RedisSentinel redis = sentinel.redisSentinel();
    RedisGateway gw = await(RedisGateway.create(vertx, tolerant(new RedisKitOptions().setType(RedisClientType.SENTINEL)
      .setEndpoints(redis.sentinelEndpoints()).setMasterName(redis.masterName()))).ready());
    FailoverTraffic traffic = FailoverTraffic.start(vertx, i -> gw.send(Request.cmd(Command.SET).arg("t" + i).arg("v")));
    Await.until(() -> traffic.lastSuccess.get() != 0, Duration.ofSeconds(10), "traffic to flow");

    RedisServer old = redis.killMaster();
    RedisServer promoted = redis.awaitNewMaster(old);
    // Sentinel's own detection (down-after 2 s) plus promotion dominate; 60 s is far above what a busy box needs.
    Await.until(() -> traffic.successesAfterFailure.get() > 20, Duration.ofSeconds(60), "calls to succeed after failover");
    traffic.stop();
    System.out.printf("sentinel failover: calls failed for %d ms (killed master %s, promoted %s)%n",
      traffic.gapMs(), old.port(), promoted.port());
    assertThat(await(gw.send(Request.cmd(Command.ROLE))).get(0).toString()).isEqualTo("master");
    await(gw.send(Request.cmd(Command.SET).arg("after-failover").arg("yes")));
    assertThat(promoted.command("GET", "after-failover")).isEqualTo("yes");
    await(gw.close());
  }

  @Test
  void clusterMasterDies(Vertx vertx) {
    RedisCluster redis = cluster.redisCluster();
    RedisGateway gw = await(RedisGateway.create(vertx, tolerant(new RedisKitOptions().setType(RedisClientType.CLUSTER)
      .setEndpoints(redis.endpoints()))).ready());
    FailoverTraffic traffic = FailoverTraffic.start(vertx, i -> gw.send(Request.cmd(Command.SET).arg("t" + i).arg("v")));
    Await.until(() -> traffic.lastSuccess.get() != 0, Duration.ofSeconds(10), "traffic to flow");

    RedisServer victim = redis.masterForSlot(0);
    victim.kill();
    // Cluster failure detection (node timeout) plus the replica's election; 60 s is generous on a busy box.
    Await.until(() -> {
      long before = traffic.successesAfterFailure.get();
      return before > 50 && System.nanoTime() - traffic.lastFailure.get() > 2_000_000_000L;
    }, Duration.ofSeconds(60), "calls on every slot to succeed again after the replica takes over");
    traffic.stop();
    System.out.printf("cluster master death: calls failed for %d ms (killed %s)%n", traffic.gapMs(), victim.port());
    for (int i = 0; i < 50; i++) {
      assertThat(await(gw.send(Request.cmd(Command.GET).arg("t" + i))).toString()).isEqualTo("v");
    }
    await(gw.close());
  }
}
