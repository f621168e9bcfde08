package dev.rediskit.health.impl;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.GatewayStatus;
import dev.rediskit.client.GatewayStatus.ConnectionState;
import dev.rediskit.health.HealthOptions.Detail;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules that turn replies into UP, DOWN or degraded, and the data shown; no Redis needed. */
class HealthReportTest {

  static final String INFO = String.join("\r\n",
    "# Server", "redis_version:7.0.15", "redis_mode:standalone", "uptime_in_seconds:42", "executable:/usr/bin/redis-server",
    "", "# Clients", "connected_clients:3",
    "", "# Memory", "used_memory:1048576", "maxmemory:4194304",
    "", "# Replication", "role:master", "connected_slaves:1", "");

  static final String REPLICA_INFO = "# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nmaster_link_status:up\r\n";

  static final String CLUSTER_INFO_OK = String.join("\r\n", "cluster_state:ok", "cluster_slots_assigned:16384",
    "cluster_slots_ok:16384", "cluster_slots_pfail:0", "cluster_slots_fail:0", "cluster_known_nodes:3", "cluster_size:3", "");

  static final String CLUSTER_NODES = String.join("\n",
    "a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460",
    "b2 127.0.0.1:7001@17001,host-b master - 0 0 2 connected 5461-10922",
    "c3 127.0.0.1:7002@17002 master - 0 0 3 connected 10923-16383",
    "d4 127.0.0.1:7003@17003 slave a1 0 0 1 connected", "");

  static GatewayStatus status(CircuitBreakerState breaker) {
    return new GatewayStatus(ConnectionState.CONNECTED, breaker, 0, 2, null, 1);
  }

  static HealthReport report(RedisKitOptions options) {
    HealthReport r = new HealthReport(options, 100);
    r.gateway(status(CircuitBreakerState.CLOSED));
    return r;
  }

  @Test
  void aStandingPermissionRefusalDegradesWithTheComponentsReason() {
    HealthReport r = report(new RedisKitOptions());
    r.ping(0.5);
    r.refusals(java.util.Map.of("rate limiter default", "rate limiter default: Redis refuses the command EVALSHA (...)"));
    Status s = r.toStatus(Detail.FULL);
    assertThat(s.isOk()).as("Redis itself is up").isTrue();
    assertThat(s.getData().getBoolean("degraded")).isTrue();
    assertThat(s.getData().getJsonArray("reasons").getList())
      .containsExactly("permission refused: rate limiter default: Redis refuses the command EVALSHA (...)");
    r.refusals(java.util.Map.of());
    assertThat(r.verdict().degraded()).as("cleared").isFalse();
  }

  @Test
  void aClusterMastersOpenBreakerDegradesAndEachMastersBreakerIsShown() {
    HealthReport r = new HealthReport(new RedisKitOptions().setType(RedisClientType.CLUSTER), 100);
    r.gateway(new GatewayStatus(ConnectionState.CONNECTED, CircuitBreakerState.CLOSED, 0, 0, null, 1, List.of(
      new GatewayStatus.NodeStatus("127.0.0.1:7000", CircuitBreakerState.OPEN, 5),
      new GatewayStatus.NodeStatus("127.0.0.1:7001", CircuitBreakerState.CLOSED, 0))));
    r.ping(0.5);
    r.clusterInfo(CLUSTER_INFO_OK);
    Status s = r.toStatus(Detail.FULL);
    // The other masters serve: UP, degraded, not DOWN.
    assertThat(s.isOk()).isTrue();
    assertThat(s.getData().getBoolean("degraded")).isTrue();
    assertThat(s.getData().getJsonArray("reasons").getList())
      .containsExactly("circuit breaker of cluster node 127.0.0.1:7000 is open (calls for its slots fail fast)");
    assertThat(s.getData().getJsonObject("gateway").getJsonArray("nodes").encode()).isEqualTo(
      "[{\"node\":\"127.0.0.1:7000\",\"breaker\":\"OPEN\",\"breakerFailures\":5},"
        + "{\"node\":\"127.0.0.1:7001\",\"breaker\":\"CLOSED\",\"breakerFailures\":0}]");

    HealthReport standalone = report(new RedisKitOptions());
    standalone.ping(0.5);
    assertThat(standalone.toStatus(Detail.FULL).getData().getJsonObject("gateway").containsKey("nodes")).isFalse();
  }

  @Test
  void healthyStandaloneIsUpWithTheExpectedData() {
    HealthReport r = report(new RedisKitOptions());
    r.ping(0.4);
    r.info(INFO);
    r.elapsed(3);
    Status s = r.toStatus(Detail.FULL);
    assertThat(s.isOk()).isTrue();
    JsonObject d = s.getData();
    assertThat(d.getBoolean("degraded")).isFalse();
    assertThat(d.getJsonArray("reasons")).isEmpty();
    assertThat(d.getDouble("pingMs")).isEqualTo(0.4);
    assertThat(d.getString("type")).isEqualTo("STANDALONE");
    assertThat(d.getJsonObject("server").getMap()).containsEntry("version", "7.0.15").containsEntry("mode", "standalone")
      .containsEntry("role", "master").containsEntry("uptimeSeconds", 42L);
    assertThat(d.getJsonObject("memory").getMap()).containsEntry("usedBytes", 1_048_576L).containsEntry("maxBytes", 4_194_304L)
      .containsEntry("usedPercent", 25.0);
    assertThat(d.getJsonObject("clients").getLong("connected")).isEqualTo(3);
    assertThat(d.getJsonObject("replication").getLong("connectedReplicas")).isEqualTo(1);
    assertThat(d.getJsonObject("gateway").getMap()).containsEntry("connection", "CONNECTED").containsEntry("breaker", "CLOSED")
      .containsEntry("pending", 2).containsEntry("maxPending", RedisKitOptions.DEFAULT_MAX_PENDING_COMMANDS)
      .containsEntry("poolSize", RedisKitOptions.DEFAULT_POOL_SIZE).containsEntry("reconnects", 1L);
    assertThat(d.getLong("elapsedMs")).isEqualTo(3);
    assertThat(d.containsKey("cluster")).isFalse();
    // Only the fields the health data means to show: nothing like the executable's path leaks through.
    assertThat(d.encode()).doesNotContain("/usr/bin");
  }

  @Test
  void minimalDetailShowsOnlyTheStatus() {
    HealthReport r = report(new RedisKitOptions());
    r.ping(0.4);
    r.info(INFO);
    Status s = r.toStatus(Detail.MINIMAL);
    assertThat(s.isOk()).isTrue();
    assertThat(s.getData()).isEmpty();
    HealthReport down = report(new RedisKitOptions());
    down.pingFailed("connection refused");
    assertThat(down.toStatus(Detail.MINIMAL).isOk()).isFalse();
    assertThat(down.toStatus(Detail.MINIMAL).getData()).isEmpty();
  }

  @Test
  void failedOrMissingPingIsDown() {
    HealthReport failed = report(new RedisKitOptions());
    failed.pingFailed("PING: no reply within 500 ms (health.timeoutMs)");
    assertThat(failed.verdict()).isEqualTo(new HealthReport.Verdict(false, false, List.of("PING: no reply within 500 ms (health.timeoutMs)")));
    HealthReport silent = report(new RedisKitOptions());
    silent.info(INFO);
    assertThat(silent.verdict().up()).isFalse();
    assertThat(silent.verdict().reasons()).containsExactly("PING did not answer");
    Status s = failed.toStatus(Detail.FULL);
    assertThat(s.isOk()).isFalse();
    assertThat(s.getData().containsKey("pingMs")).isFalse();
    assertThat(failed.snapshot(1).pingMs()).isNaN();
  }

  @Test
  void slowPingIsDegradedButUp() {
    HealthReport r = report(new RedisKitOptions());
    r.ping(150.25);
    HealthReport.Verdict v = r.verdict();
    assertThat(v.up()).isTrue();
    assertThat(v.degraded()).isTrue();
    assertThat(v.reasons()).containsExactly("PING took 150.3 ms (health.slowPingMs is 100)");
    HealthReport atThreshold = report(new RedisKitOptions());
    atThreshold.ping(100);
    assertThat(atThreshold.verdict().degraded()).isFalse();
  }

  @Test
  void halfOpenBreakerIsDegraded() {
    HealthReport r = report(new RedisKitOptions());
    r.ping(1);
    r.gateway(status(CircuitBreakerState.HALF_OPEN));
    assertThat(r.verdict().degraded()).isTrue();
    assertThat(r.verdict().reasons()).containsExactly("circuit breaker is half-open (recovering from failures)");
    assertThat(r.toStatus(Detail.FULL).getData().getJsonObject("gateway").getString("breaker")).isEqualTo("HALF_OPEN");
  }

  @Test
  void healthyClusterShowsTopology() {
    HealthReport r = report(new RedisKitOptions().setType(RedisClientType.CLUSTER));
    r.ping(1);
    r.info(INFO.replace("redis_mode:standalone", "redis_mode:cluster"));
    r.clusterInfo(CLUSTER_INFO_OK);
    r.clusterNodes(CLUSTER_NODES);
    Status s = r.toStatus(Detail.FULL);
    assertThat(s.isOk()).isTrue();
    assertThat(s.getData().getBoolean("degraded")).isFalse();
    assertThat(s.getData().getJsonObject("cluster").getMap()).containsEntry("state", "ok").containsEntry("slotsAssigned", 16384L)
      .containsEntry("slotsOk", 16384L).containsEntry("masters", 3).containsEntry("mastersReachable", 3)
      .containsEntry("knownNodes", 3L).containsEntry("size", 3L);
    assertThat(s.getData().getJsonObject("cluster").getJsonArray("failedMasters")).isEmpty();
  }

  @Test
  void clusterWithAFailedMasterIsDegraded() {
    HealthReport r = report(new RedisKitOptions().setType(RedisClientType.CLUSTER));
    r.ping(1);
    r.clusterInfo(CLUSTER_INFO_OK);
    r.clusterNodes(CLUSTER_NODES.replace("b2 127.0.0.1:7001@17001,host-b master", "b2 127.0.0.1:7001@17001,host-b master,fail")
      .replace("c3 127.0.0.1:7002@17002 master", "c3 127.0.0.1:7002@17002 master,fail?"));
    HealthReport.Verdict v = r.verdict();
    assertThat(v.up()).isTrue();
    assertThat(v.degraded()).isTrue();
    assertThat(v.reasons()).containsExactly("cluster masters failed or suspected: 127.0.0.1:7001, 127.0.0.1:7002");
    JsonObject cluster = r.toStatus(Detail.FULL).getData().getJsonObject("cluster");
    assertThat(cluster.getInteger("mastersReachable")).isEqualTo(1);
    assertThat(cluster.getJsonArray("failedMasters").getList()).containsExactly("127.0.0.1:7001", "127.0.0.1:7002");
  }

  @Test
  void clusterStateNotOkIsDownAndUncoveredSlotsAreDegraded() {
    HealthReport failing = report(new RedisKitOptions().setType(RedisClientType.CLUSTER));
    failing.ping(1);
    failing.clusterInfo(CLUSTER_INFO_OK.replace("cluster_state:ok", "cluster_state:fail")
      .replace("cluster_slots_ok:16384", "cluster_slots_ok:10923").replace("cluster_slots_fail:0", "cluster_slots_fail:5461"));
    assertThat(failing.verdict().up()).isFalse();
    assertThat(failing.verdict().reasons()).containsExactly("cluster_state is fail (the cluster refuses commands)");

    HealthReport partial = report(new RedisKitOptions().setType(RedisClientType.CLUSTER));
    partial.ping(1);
    partial.clusterInfo(CLUSTER_INFO_OK.replace("cluster_slots_assigned:16384", "cluster_slots_assigned:10000")
      .replace("cluster_slots_ok:16384", "cluster_slots_ok:9000"));
    assertThat(partial.verdict().up()).isTrue();
    assertThat(partial.verdict().reasons()).containsExactly("only 10000 of 16384 slots are assigned",
      "1000 assigned slots are not ok (their master is failing)");
  }

  @Test
  void sentinelShowsTheNodeReachedAndIsDownOnAReplica() {
    RedisKitOptions sentinel = new RedisKitOptions().setType(RedisClientType.SENTINEL).setMasterName("mymaster");
    HealthReport r = report(sentinel);
    r.ping(1);
    r.info(INFO);
    r.clientInfo("id=7 addr=127.0.0.1:50000 laddr=127.0.0.1:6390 fd=9 name= user=default cmd=client|info\n");
    Status s = r.toStatus(Detail.FULL);
    assertThat(s.isOk()).isTrue();
    assertThat(s.getData().getJsonObject("sentinel").getMap()).containsEntry("masterName", "mymaster")
      .containsEntry("role", "MASTER").containsEntry("connectedTo", "127.0.0.1:6390");

    HealthReport onReplica = report(sentinel);
    onReplica.ping(1);
    onReplica.info(REPLICA_INFO);
    assertThat(onReplica.verdict().up()).isFalse();
    assertThat(onReplica.verdict().reasons()).containsExactly("connected to a replica, not the master (failover under way?)");
    assertThat(onReplica.toStatus(Detail.FULL).getData().getJsonObject("server").getString("role")).isEqualTo("replica");
    assertThat(onReplica.toStatus(Detail.FULL).getData().getJsonObject("replication").getString("masterLinkStatus")).isEqualTo("up");
  }

  @Test
  void missingSupplementaryRepliesAreWarningsNotDown() {
    HealthReport r = report(new RedisKitOptions());
    r.ping(1);
    r.missing("INFO", "NOPERM this user has no permissions to run the 'info' command");
    Status s = r.toStatus(Detail.FULL);
    assertThat(s.isOk()).isTrue();
    assertThat(s.getData().getJsonArray("warnings").getList())
      .containsExactly("INFO unavailable: NOPERM this user has no permissions to run the 'info' command");
  }

  @Test
  void endpointsAreRedactedAndThePasswordIsScrubbedEverywhere() {
    String secret = "pw-SECRET-MARKER-123";
    RedisKitOptions options = new RedisKitOptions().setEndpoint("redis://user:" + secret + "@127.0.0.1:6379").setPassword(secret);
    HealthReport r = new HealthReport(options, 100);
    r.pingFailed("cannot connect with " + secret);
    r.missing("INFO", "echo " + secret);
    r.gateway(new GatewayStatus(ConnectionState.DISCONNECTED, CircuitBreakerState.OPEN, 5, 0, "error " + secret, 0));
    String json = r.toStatus(Detail.FULL).toJson().encode();
    assertThat(json).doesNotContain(secret).contains("redis://user:***@127.0.0.1:6379").contains("cannot connect with ***");
  }

  @Test
  void parsesInfoFieldsAndSkipsHeaders() {
    assertThat(HealthReport.parseFields("# Server\r\nredis_version:7.2.4\r\n\r\nrdb_last_bgsave_status:ok\r\nweird\r\n"))
      .containsExactly(java.util.Map.entry("redis_version", "7.2.4"), java.util.Map.entry("rdb_last_bgsave_status", "ok"));
  }

  @Test
  void clusterNodesCountsMastersOnlyAndAnAddresslessOneAsFailed() {
    HealthReport.ClusterNodes nodes = HealthReport.ClusterNodes.parse(CLUSTER_NODES + "e5 :0@0 master,noaddr - 0 0 0 disconnected\n");
    assertThat(nodes.masters()).isEqualTo(4);
    assertThat(nodes.mastersReachable()).isEqualTo(3);
    assertThat(nodes.failedMasters()).containsExactly(":0");
  }
}
