package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Checks each proxy mode with a plain RESP connection through the proxy. */
@IntegrationTest
class FaultProxyIT {

  /** Long enough to tell "no answer" from "slow answer" on a loaded machine, short enough to keep the test fast. */
  private static final Duration SILENCE = Duration.ofMillis(500);

  private static RedisServer redis;
  private FaultProxy proxy;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void startProxy(Vertx vertx) {
    proxy = FaultProxy.start(vertx, redis);
  }

  @AfterEach
  void closeProxy() {
    proxy.close();
  }

  @Test
  void passForwardsAndReleasesUpstreamConnections() {
    assertThat(proxy.uri()).isEqualTo("redis://127.0.0.1:" + proxy.port());
    assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.PASS);
    try (RespConnection connection = open()) {
      assertThat(connection.call("PING")).isEqualTo("PONG");
      assertThat(connection.call("SET", "k", "v")).isEqualTo("OK");
      assertThat(connection.call("GET", "k")).isEqualTo("v");
      assertThat(proxy.connectionCount()).isEqualTo(1);
      assertThat(clientsOnServer()).isEqualTo(2);
    }
    Await.until(() -> proxy.connectionCount() == 0, "the proxy to drop the closed connection");
    Await.until(() -> clientsOnServer() == 1, "the proxy to close its upstream connection");
  }

  @Test
  void delayAddsLatencyAndKeepsOrder() {
    try (RespConnection connection = open()) {
      connection.call("DEL", "counter");
      proxy.delay(Duration.ofMillis(200));
      long start = System.nanoTime();
      assertThat(connection.call("PING")).isEqualTo("PONG");
      long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertThat(elapsedMillis).as("200 ms each way").isGreaterThanOrEqualTo(390);

      for (int i = 0; i < 50; i++) {
        connection.send("INCR", "counter");
      }
      for (long i = 1; i <= 50; i++) {
        assertThat(connection.read()).isEqualTo(i);
      }
      proxy.pass();
      start = System.nanoTime();
      connection.call("PING");
      assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isLessThan(5_000);
    }
  }

  @Test
  void blackholeNeverAnswersAndPassDeliversWhatWasHeld() {
    try (RespConnection existing = open()) {
      existing.call("PING");
      proxy.blackhole();
      existing.setReadTimeout(SILENCE);
      assertThatThrownBy(() -> existing.call("SET", "held", "1"))
          .isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(SocketTimeoutException.class);

      // New connections are accepted but get no answer either.
      try (RespConnection fresh = open()) {
        fresh.setReadTimeout(SILENCE);
        assertThatThrownBy(() -> fresh.call("PING"))
            .isInstanceOf(UncheckedIOException.class)
            .hasCauseInstanceOf(SocketTimeoutException.class);
      }
      assertThat(redis.command("EXISTS", "held")).as("nothing reached the server").isEqualTo(0L);

      proxy.pass();
      existing.setReadTimeout(RespConnection.DEFAULT_READ_TIMEOUT);
      assertThat(existing.read()).as("the held SET is delivered once the path heals").isEqualTo("OK");
      assertThat(existing.call("GET", "held")).isEqualTo("1");
    }
  }

  @Test
  void resetClosesCurrentConnectionsAndRefusesNewOnesUntilPass() {
    try (RespConnection connection = open()) {
      connection.call("PING");
      long acceptedBefore = proxy.acceptedCount();
      proxy.reset();
      assertThat(proxy.connectionCount()).isZero();
      assertThatThrownBy(connection::read).isInstanceOf(UncheckedIOException.class);

      try (RespConnection refused = open()) {
        assertThatThrownBy(() -> refused.call("PING")).isInstanceOf(UncheckedIOException.class);
      }
      assertThat(proxy.acceptedCount()).isEqualTo(acceptedBefore + 1);
      Await.until(() -> clientsOnServer() == 1, "the proxy to close its upstream connection");
    }
    proxy.pass();
    try (RespConnection again = open()) {
      assertThat(again.call("PING")).isEqualTo("PONG");
    }
  }

  @Test
  void resetAllClosesOnceAndKeepsPassing() {
    try (RespConnection connection = open()) {
      connection.call("PING");
      proxy.resetAll();
      assertThatThrownBy(connection::read).isInstanceOf(UncheckedIOException.class);
    }
    assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.PASS);
    try (RespConnection again = open()) {
      assertThat(again.call("PING")).isEqualTo("PONG");
    }
  }

  @Test
  void closeReleasesAllSockets() {
    RespConnection connection = open();
    connection.call("PING");
    int port = proxy.port();
    proxy.close();
    assertThatThrownBy(connection::read).isInstanceOf(UncheckedIOException.class);
    connection.close();
    assertThatThrownBy(() -> RespConnection.open(RedisServer.HOST, port).close())
        .isInstanceOf(UncheckedIOException.class);
    Await.until(() -> clientsOnServer() == 1, "no proxy connection left on the server");
  }

  @Test
  void closedUpstreamClosesTheClientConnection() {
    try (RedisServer doomed = RedisServer.start(); FaultProxy direct = FaultProxy.start(doomed)) {
      try (RespConnection connection = RespConnection.open(RedisServer.HOST, direct.port())) {
        assertThat(connection.call("PING")).isEqualTo("PONG");
        doomed.kill();
        assertThatThrownBy(connection::read).isInstanceOf(UncheckedIOException.class);
      }
      Await.until(() -> direct.connectionCount() == 0, "the proxy to drop the dead connection");
    }
  }

  private RespConnection open() {
    return RespConnection.open(RedisServer.HOST, proxy.port());
  }

  /** Connections on the server, counting the one used to ask. */
  private static long clientsOnServer() {
    return Long.parseLong(redis.info("clients").get("connected_clients"));
  }
}
