package dev.rediskit.client;

import dev.rediskit.error.RedisCommandException;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the gateway does when Redis stalls, dies, comes back or drops connections: every call
 * completes within its timeout, the breaker opens and recovers by itself, and the connection is
 * re-established without the user doing anything.
 */
@IntegrationTest
class RedisGatewayFaultIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private static final long TIMEOUT_MS = 500;
  private static final long RESET_MS = 1_000;

  /** Sends PINGs, each failing, until the breaker has opened. */
  private static void awaitBreakerOpen(RedisGateway gw) {
    Await.until(() -> {
      failure(gw.send(ping()));
      return gw.status().breakerState() == CircuitBreakerState.OPEN;
    }, Duration.ofSeconds(20), "the breaker to open");
  }

  private static RedisKitOptions options(String uri) {
    return new RedisKitOptions().setEndpoint(uri)
      .setCommandTimeoutMs(TIMEOUT_MS)
      .setConnectTimeoutMs(TIMEOUT_MS)
      .setBreakerMaxFailures(3)
      .setBreakerResetTimeoutMs(RESET_MS)
      .setReconnectMaxDelayMs(200);
  }

  private static Request ping() {
    return Request.cmd(Command.PING);
  }

  /**
   * Redis keeps answering, but each reply comes later than the timeout: the commands queue behind
   * the replies of those before them, as in a burst on a busy machine. They are waited for (up to
   * one timeout more), not failed, so that no caller takes a healthy Redis for a failed one. The
   * proxy's delay rises in steps of 25 ms every 100 ms to 600 ms each way (a round trip of 1.2 s
   * against a 1 s timeout), so replies never stop for long; a PING goes every 20 ms throughout.
   * Bounds are generous: the round trip is 0.8 s short of the 2 s a late command may wait.
   */
  @Test
  void lateRepliesWhileRedisKeepsAnsweringAreWaitedForNotTimedOut(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      RedisGateway gw = await(RedisGateway.create(vertx, options(proxy.uri()).setCommandTimeoutMs(1_000)
        .setBreakerMaxFailures(1_000)).ready());
      await(gw.send(ping()));
      List<long[]> took = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Future<Response>> sent = java.util.Collections.synchronizedList(new ArrayList<>());
      long[] delayMs = {0};
      long holdUntil = System.nanoTime() + Duration.ofMillis(2_400 + 2_500).toNanos();
      long ramp = vertx.setPeriodic(100, id -> {
        if (delayMs[0] < 600) {
          delayMs[0] += 25;
          proxy.delay(Duration.ofMillis(delayMs[0]));
        }
      });
      long pings = vertx.setPeriodic(20, id -> {
        if (System.nanoTime() - holdUntil < 0) {
          long start = System.nanoTime();
          sent.add(gw.send(ping()).onSuccess(r -> took.add(new long[] {(System.nanoTime() - start) / 1_000_000})));
        }
      });
      Await.until(() -> System.nanoTime() - holdUntil >= 0, Duration.ofSeconds(30), "the load to end");
      vertx.cancelTimer(pings);
      vertx.cancelTimer(ramp);
      Await.until(() -> {
        synchronized (sent) {
          return sent.stream().allMatch(Future::isComplete);
        }
      }, Duration.ofSeconds(30), "every PING to complete");
      List<Throwable> failed;
      synchronized (sent) {
        failed = sent.stream().filter(Future::failed).map(Future::cause).toList();
      }
      assertThat(failed).as("PINGs failed although Redis kept answering").isEmpty();
      long late;
      synchronized (took) {
        late = took.stream().filter(t -> t[0] > 1_000).count();
      }
      // The scenario did what it says: many replies came later than the timeout.
      assertThat(late).as("PINGs answered after more than the 1 s timeout").isGreaterThanOrEqualTo(20);
      proxy.pass();
    }
  }

  @Test
  void blackholedCallFailsWithinTimeoutAndConnectionRecovers(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      RedisGateway gw = await(RedisGateway.create(vertx, options(proxy.uri()).setBreakerMaxFailures(100)).ready());
      await(gw.send(ping()));

      proxy.blackhole();
      long t0 = System.nanoTime();
      Throwable err = failure(gw.send(ping()));
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(err).isInstanceOf(RedisTimeoutException.class).hasMessageContaining("PING").hasMessageContaining("500 ms");
      // The bound: timeout + 200 ms. The deadline tick runs every timeout/10 (50 ms) here.
      assertThat(elapsedMs).isLessThan(TIMEOUT_MS + 200);

      proxy.pass();
      // The stalled connection is dropped and a new one made; 20 s is far above the ~1 s it needs.
      Await.until(() -> gw.send(ping()).toCompletionStage().toCompletableFuture().handle((r, e) -> e == null).join(),
        Duration.ofSeconds(20), "calls to succeed after the black hole ends");
      await(gw.close());
    }
  }

  @Test
  void killedRedisOpensBreakerThenRestartClosesIt(Vertx vertx, RedisServer server) {
    RedisGateway gw = await(RedisGateway.create(vertx, options(server.uri())).ready());
    await(gw.send(ping()));

    server.kill();
    awaitBreakerOpen(gw);
    long t0 = System.nanoTime();
    Throwable fast = failure(gw.send(ping()));
    long fastMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(fast).isInstanceOf(RedisUnavailableException.class);
    assertThat(((RedisUnavailableException) fast).reason()).isEqualTo(Reason.BREAKER_OPEN);
    // Failing fast means no network wait; 100 ms is generous for an in-memory check on a busy box.
    assertThat(fastMs).isLessThan(100);

    server.restart();
    long restarted = System.nanoTime();
    Await.until(() -> gw.send(ping()).toCompletionStage().toCompletableFuture().handle((r, e) -> e == null).join(),
      Duration.ofSeconds(20), "calls to succeed after the restart");
    long recoveryMs = (System.nanoTime() - restarted) / 1_000_000;
    // The bound: within the breaker's reset timeout + 1 s of Redis being back.
    assertThat(recoveryMs).isLessThan(RESET_MS + 1_000);
    assertThat(gw.status().breakerState()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(gw.status().reconnects()).isGreaterThanOrEqualTo(1);
    await(gw.close());
  }

  @Test
  void connectionResetMidLoadThenLaterCallsSucceed(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      RedisGateway gw = await(RedisGateway.create(vertx, options(proxy.uri()).setCommandTimeoutMs(5_000)).ready());
      List<Future<Response>> load = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        load.add(gw.send(Request.cmd(Command.INCR).arg("counter")));
      }
      proxy.resetAll();
      for (Future<Response> f : load) {
        // Each completes: either it ran, or it failed as a lost connection. None hangs.
        Throwable e = f.toCompletionStage().toCompletableFuture().handle((r, t) -> t).join();
        if (e != null) {
          assertThat(e).isInstanceOf(RedisUnavailableException.class);
        }
      }
      Await.until(() -> gw.send(ping()).toCompletionStage().toCompletableFuture().handle((r, e) -> e == null).join(),
        Duration.ofSeconds(20), "calls to succeed after the reset");
      assertThat(await(gw.send(Request.cmd(Command.SET).arg("after").arg("reset"))).toString()).isEqualTo("OK");
      await(gw.close());
    }
  }

  @Test
  void aBreakerOpenedByTimeoutsNamesTheLastTimeoutInItsRefusal(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      RedisGateway gw = await(RedisGateway.create(vertx, options(proxy.uri())).ready());
      await(gw.send(ping()));
      // A stall, not a close: the connection never fails, only the calls time out.
      proxy.blackhole();
      awaitBreakerOpen(gw);
      Throwable fast = failure(gw.send(ping()));
      assertThat(fast).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("PING")
        .hasMessageContaining(TIMEOUT_MS + " ms").hasMessageNotContaining("last: null");
      assertThat(((RedisUnavailableException) fast).reason()).isEqualTo(Reason.BREAKER_OPEN);
      await(gw.close());
    }
  }

  @Test
  void pendingQueueIsCappedAndFailsFast(Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      RedisGateway gw = await(RedisGateway.create(vertx, options(proxy.uri()).setMaxPendingCommands(10)
        .setBreakerMaxFailures(1000)).ready());
      proxy.blackhole();
      List<Future<Response>> calls = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        calls.add(gw.send(ping()));
      }
      int overloaded = 0;
      int timedOut = 0;
      for (Future<Response> f : calls) {
        Throwable e = failure(f);
        if (e instanceof RedisUnavailableException rue && rue.reason() == Reason.OVERLOADED) {
          overloaded++;
        } else if (e instanceof RedisTimeoutException) {
          timedOut++;
        }
      }
      assertThat(overloaded).isEqualTo(15);
      assertThat(timedOut).isEqualTo(10);
      await(gw.close());
    }
  }

  @Test
  void errorRepliesAreTypedAndDoNotOpenTheBreaker(Vertx vertx, RedisServer server) {
    RedisGateway gw = await(RedisGateway.create(vertx, options(server.uri())).ready());
    await(gw.send(Request.cmd(Command.SET).arg("str").arg("abc")));
    for (int i = 0; i < 10; i++) {
      Throwable e = failure(gw.send(Request.cmd(Command.INCR).arg("str")));
      assertThat(e).isInstanceOf(RedisCommandException.class).hasMessageContaining("INCR").hasMessageContaining("ERR");
    }
    assertThat(gw.status().breakerState()).isEqualTo(CircuitBreakerState.CLOSED);
    await(gw.close());
  }

  @Test
  void callsFromOtherThreadsHopToTheOwningContext(Vertx vertx, RedisServer server) {
    RedisGateway gw = await(RedisGateway.create(vertx, options(server.uri())).ready());
    // From a worker thread, and from the test thread itself.
    String fromWorker = await(vertx.executeBlocking(() -> await(gw.send(Request.cmd(Command.ECHO).arg("w"))).toString()));
    assertThat(fromWorker).isEqualTo("w");
    assertThat(await(gw.send(Request.cmd(Command.ECHO).arg("t"))).toString()).isEqualTo("t");
    String multi = await(gw.withConnection(conn -> conn.send(Request.cmd(Command.MULTI))
      .compose(ok -> conn.send(Request.cmd(Command.INCR).arg("tx")))
      .compose(q -> conn.send(Request.cmd(Command.EXEC)))
      .map(r -> r.get(0).toString())));
    assertThat(multi).isEqualTo("1");
    await(gw.close());
  }

  @Test
  void closeFailsNewCallsClearly(Vertx vertx, RedisServer server) {
    RedisGateway gw = await(RedisGateway.create(vertx, options(server.uri())).ready());
    await(gw.close());
    Throwable e = failure(gw.send(ping()));
    assertThat(e).isInstanceOf(RedisUnavailableException.class);
    assertThat(((RedisUnavailableException) e).reason()).isEqualTo(Reason.CLOSED);
  }
}
