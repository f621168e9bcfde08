package dev.rediskit.client;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisSentinel;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's basic contract on each of the four topologies, against real servers. */
@IntegrationTest
class RedisGatewayTopologyIT {

  @RegisterExtension
  static final RedisServers standalone = RedisServers.standalone();

  @RegisterExtension
  static final RedisServers cluster = RedisServers.cluster();

  @RegisterExtension
  static final RedisServers sentinel = RedisServers.sentinel();

  static final Script ECHO_KEY = Script.of("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])");

  @Test
  void standalone(Vertx vertx, RedisServer server) {
    exercise(vertx, new RedisKitOptions().setEndpoint(server.uri()), List.of(server));
  }

  @Test
  void cluster(Vertx vertx, RedisCluster redis) {
    RedisGateway gw = await(RedisGateway.create(vertx,
      new RedisKitOptions().setType(RedisClientType.CLUSTER).setEndpoints(redis.endpoints())).ready());
    try {
      exercise(gw, redis.masters());
      assertThat(await(gw.masters())).hasSize(3);
    } finally {
      await(gw.close());
    }
  }

  @Test
  void sentinel(Vertx vertx, RedisSentinel redis) {
    exercise(vertx, new RedisKitOptions().setType(RedisClientType.SENTINEL).setEndpoints(redis.sentinelEndpoints())
      .setMasterName(redis.masterName()), List.of(redis.currentMaster()));
  }

  @Test
  void replication(Vertx vertx, RedisSentinel redis) {
    RedisServer master = redis.currentMaster();
    exercise(vertx, new RedisKitOptions().setType(RedisClientType.REPLICATION).setEndpoint(master.uri()), List.of(master));
  }

  /** PING, SET/GET over keys spread across slots, a pipelined batch, a script and NOSCRIPT recovery. */
  private void exercise(Vertx vertx, RedisKitOptions options, List<RedisServer> masters) {
    RedisGateway gw = await(RedisGateway.create(vertx, options).ready());
    try {
      exercise(gw, masters);
    } finally {
      await(gw.close());
    }
  }

  private void exercise(RedisGateway gw, List<RedisServer> masters) {
    {
      assertThat(await(gw.send(Request.cmd(Command.PING))).toString()).isEqualTo("PONG");

      List<Future<Response>> sets = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        sets.add(gw.send(Request.cmd(Command.SET).arg("k" + i).arg("v" + i)));
      }
      await(Future.all(sets));
      List<Request> gets = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        gets.add(Request.cmd(Command.GET).arg("k" + i));
      }
      List<Response> values = await(gw.batch(gets));
      for (int i = 0; i < 100; i++) {
        assertThat(values.get(i).toString()).isEqualTo("v" + i);
      }

      assertThat(await(gw.eval(ECHO_KEY, List.of("s"), List.of("one"))).toString()).isEqualTo("one");
      for (RedisServer m : masters) {
        m.command("SCRIPT", "FLUSH");
      }
      // After SCRIPT FLUSH the digest is unknown: the gateway must send the source again, once.
      assertThat(await(gw.eval(ECHO_KEY, List.of("s"), List.of("two"))).toString()).isEqualTo("two");
      assertThat(await(gw.eval(ECHO_KEY, List.of("s"), List.of("three"))).toString()).isEqualTo("three");
      assertThat(gw.status().connectionState()).isEqualTo(GatewayStatus.ConnectionState.CONNECTED);
    }
  }
}
