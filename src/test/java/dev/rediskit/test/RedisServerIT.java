package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks the single-process fixture: start, auth, kill and restart on the same port. */
@IntegrationTest
class RedisServerIT {

  @Test
  void startsAndAnswersPing() {
    try (RedisServer redis = RedisServer.start()) {
      assertThat(redis.command("PING")).isEqualTo("PONG");
      assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
      assertThat(redis.command("CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
      assertThat(redis.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "no"));
      redis.command("SET", "k", "v", "PX", "60000");
      assertThat((Long) redis.command("PTTL", "k")).isBetween(1L, 60_000L);
      assertThat(redis.command("DBSIZE")).isEqualTo(1L);
      redis.flushAll();
      assertThat(redis.command("DBSIZE")).isEqualTo(0L);
      assertThat(redis.command("GET", "missing")).isNull();
      assertThatThrownBy(() -> redis.command("NOSUCHCOMMAND"))
          .isInstanceOf(RespError.class)
          .satisfies(e -> assertThat(((RespError) e).code()).isEqualTo("ERR"));
      assertThat(redis.info("server")).containsEntry("tcp_port", String.valueOf(redis.port()));
    }
  }

  @Test
  void debugSleepIsAllowed() {
    try (RedisServer redis = RedisServer.start()) {
      assertThat(redis.command("DEBUG", "SLEEP", "0")).isEqualTo("OK");
    }
  }

  @Test
  void killRefusesConnectionsAndRestartAnswersOnTheSamePort() {
    try (RedisServer redis = RedisServer.start()) {
      int port = redis.port();
      redis.command("SET", "k", "v");
      redis.kill();
      assertThat(redis.isRunning()).isFalse();
      assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);

      redis.restart();
      assertThat(redis.isRunning()).isTrue();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(redis.command("PING")).isEqualTo("PONG");
      assertThat(redis.command("GET", "k")).as("no persistence, so data is gone").isNull();

      redis.stop();
      assertThat(redis.isRunning()).isFalse();
      redis.restart();
      assertThat(redis.command("PING")).isEqualTo("PONG");
    }
  }

  @Test
  void closeStopsTheProcessAndDeletesItsDirectory() {
    RedisServer redis = RedisServer.start();
    long pid = redis.pid();
    redis.close();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    assertThat(redis.dir()).doesNotExist();
    redis.close();
  }

  @Test
  void passwordIsEnforced() {
    try (RedisServer redis = RedisServer.builder().password("p@ss word").start()) {
      assertThat(redis.command("PING")).isEqualTo("PONG");
      try (RespConnection anonymous = redis.openConnection()) {
        assertThatThrownBy(() -> anonymous.call("GET", "k"))
            .isInstanceOf(RespError.class)
            .satisfies(e -> assertThat(((RespError) e).code()).isEqualTo("NOAUTH"));
      }
      assertThatThrownBy(() -> redis.connect(null, "wrong")).isInstanceOf(RespError.class);
      assertThat(redis.uri(null, "p@ss word")).isEqualTo("redis://:p%40ss%20word@127.0.0.1:" + redis.port());
    }
  }

  @Test
  void aclUsersAreEnforced() {
    try (RedisServer redis = RedisServer.builder()
        .password("admin")
        .aclUser("alice", "wonderland")
        .aclUser("reader", "r", "~* +get +ping")
        .start()) {
      try (RespConnection alice = redis.connect("alice", "wonderland")) {
        assertThat(alice.call("SET", "k", "v")).isEqualTo("OK");
        assertThat(alice.call("ACL", "WHOAMI")).isEqualTo("alice");
      }
      try (RespConnection reader = redis.connect("reader", "r")) {
        assertThat(reader.call("GET", "k")).isEqualTo("v");
        assertThatThrownBy(() -> reader.call("SET", "k", "w"))
            .isInstanceOf(RespError.class)
            .satisfies(e -> assertThat(((RespError) e).code()).isEqualTo("NOPERM"));
      }
      assertThatThrownBy(() -> redis.connect("alice", "wrong"))
          .isInstanceOf(RespError.class)
          .satisfies(e -> assertThat(((RespError) e).code()).isEqualTo("WRONGPASS"));
      assertThat(redis.uri("alice", "wonderland")).isEqualTo("redis://alice:wonderland@127.0.0.1:" + redis.port());
    }
  }

  @Test
  void startupFailureReportsTheLogTail() {
    assertThatThrownBy(() -> RedisServer.builder().config("no-such-directive yes").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no-such-directive");
  }

  @Test
  void replicaFollowsItsMaster() {
    try (RedisServer master = RedisServer.builder().name("master").password("pw").start();
        RedisServer replica = RedisServer.builder().name("replica").password("pw").replicaOf(master).start()) {
      master.command("SET", "k", "v");
      Await.until(() -> "v".equals(replica.command("GET", "k")), "the replica to receive the write");
      assertThat(replica.info("replication")).containsEntry("role", "slave")
          .containsEntry("master_link_status", "up");
    }
  }
}
