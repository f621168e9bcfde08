package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks that the cluster fixture forms a healthy cluster and survives losing a node. */
@IntegrationTest
class RedisClusterIT {

  @Test
  void threeMastersCoverAllSlots() {
    try (RedisCluster cluster = RedisCluster.start()) {
      assertThat(cluster.endpoints()).hasSize(3).allMatch(uri -> uri.startsWith("redis://127.0.0.1:"));
      for (RedisServer node : cluster.nodes()) {
        Map<String, String> info = RedisServer.parseInfo((String) node.command("CLUSTER", "INFO"));
        assertThat(info).containsEntry("cluster_state", "ok")
            .containsEntry("cluster_slots_assigned", "16384")
            .containsEntry("cluster_known_nodes", "3")
            .containsEntry("cluster_size", "3");
      }
      long covered = ((List<?>) cluster.node(0).command("CLUSTER", "SLOTS")).stream()
          .map(r -> (List<?>) r)
          .mapToLong(r -> (Long) r.get(1) - (Long) r.get(0) + 1)
          .sum();
      assertThat(covered).isEqualTo(RedisCluster.SLOTS);

      // "foo" hashes to slot 12182: the fixture must know which master serves it.
      RedisServer owner = cluster.masterForSlot(12182);
      assertThat(owner.command("SET", "foo", "bar")).isEqualTo("OK");
      cluster.flushAll();
      assertThat(owner.command("DBSIZE")).isEqualTo(0L);
    }
  }

  @Test
  void killedMasterIsReplacedByItsReplicaAndRejoins() {
    try (RedisCluster cluster = RedisCluster.builder()
        .replicasPerMaster(1)
        .password("pw")
        .nodeTimeout(java.time.Duration.ofSeconds(2)) // failover starts after this, so shorter keeps the test fast
        .start()) {
      assertThat(cluster.nodes()).hasSize(6);
      RedisServer replica = cluster.replicas().get(0);
      assertThat(replica.info("replication")).containsEntry("role", "slave");

      cluster.killNode(0);
      Await.until(() -> "master".equals(replica.info("replication").get("role")),
          "the replica of the killed master to be promoted");

      cluster.restartNode(0);
      assertThat(cluster.node(0).info("replication")).containsEntry("role", "slave");
      assertThat(cluster.currentMasters()).hasSize(3).contains(replica);
    }
  }
}
