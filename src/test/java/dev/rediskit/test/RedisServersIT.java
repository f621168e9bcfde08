package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checks the extension with setups shared by the class: injection, and that the next test finds stopped processes
 * restarted and data flushed. The order matters: the first test leaves a mess for the second to find cleaned up.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisServersIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone().withPassword("pw").withAclUser("alice", "a");

  @RegisterExtension
  static final RedisServers cluster = RedisServers.cluster();

  @RegisterExtension
  static final RedisServers sentinel = RedisServers.sentinel();

  private static int port;

  @Test
  @Order(1)
  void injectsTheSharedSetups(RedisServer server, RedisCluster redisCluster, RedisSentinel redisSentinel) {
    assertThat(server).isSameAs(redis.server());
    assertThat(redisCluster).isSameAs(cluster.redisCluster());
    assertThat(redisSentinel).isSameAs(sentinel.redisSentinel());
    assertThat(redis.uri()).isEqualTo(server.uri());
    assertThat(cluster.endpoints()).hasSize(3);
    assertThat(sentinel.uri()).isEqualTo(redisSentinel.sentinelEndpoints().get(0));
    try (RespConnection alice = server.connect("alice", "a")) {
      assertThat(alice.call("PING")).isEqualTo("PONG");
    }

    port = server.port();
    server.command("SET", "k", "v");
    redisCluster.masterForSlot(12182).command("SET", "foo", "bar");
    redisSentinel.currentMaster().command("SET", "k", "v");
    server.kill();
  }

  @Test
  @Order(2)
  void restartsStoppedServersAndFlushesBetweenTests(RedisServer server, RedisCluster redisCluster,
      RedisSentinel redisSentinel) {
    assertThat(server.isRunning()).isTrue();
    assertThat(server.port()).isEqualTo(port);
    assertThat(server.command("DBSIZE")).isEqualTo(0L);
    assertThat(redisCluster.masterForSlot(12182).command("DBSIZE")).isEqualTo(0L);
    assertThat(redisSentinel.currentMaster().command("DBSIZE")).isEqualTo(0L);
  }
}
