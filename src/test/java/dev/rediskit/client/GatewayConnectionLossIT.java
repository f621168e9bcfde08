package dev.rediskit.client;

import dev.rediskit.error.RedisCommandException;
import dev.rediskit.RedisKitOptions;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import dev.rediskit.test.Await;
import dev.rediskit.test.FaultProxy;
import dev.rediskit.test.InFlightLoad;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Function;

import static dev.rediskit.test.Futures.await;
import static dev.rediskit.test.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection that breaks under load is a lost connection on every path of the gateway: code 503,
 * reason {@code CONNECTION_LOST}, told to the breaker; never a Redis error reply (500). The client
 * folds the failures of a batch into one error value ({@code ERR [0] java.net.SocketException:
 * Connection reset}); that used to come out as a {@link RedisCommandException}.
 *
 * <p>Two ways of breaking it: the fault proxy closes every connection at once (the client sees the
 * connection end), and redis-server is killed (with requests unread, the kernel resets the
 * connections). With the proxy the reconnection succeeds at once, so with
 * {@code breakerMaxFailures = 1} an open breaker shows that the failure of the path under test was
 * counted: nothing else fails.
 */
@IntegrationTest
class GatewayConnectionLossIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  private static final Script INCR_SCRIPT = Script.of("return redis.call('INCR', KEYS[1])");

  /** The paths a command can take through the gateway. */
  enum Path {
    SEND(64, gw -> gw.send(Request.cmd(Command.INCR).arg("counter"))),
    BATCH(64, gw -> gw.batch(List.of(Request.cmd(Command.MGET).arg("a").arg("b").arg("c"),
      Request.cmd(Command.UNLINK).arg("d").arg("e")))),
    /** GETs issued in one event-loop turn, which the gateway writes as one batch. */
    COALESCED_READS(16, gw -> {
      List<Future<?>> reads = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        reads.add(gw.send(Request.cmd(Command.GET).arg("k" + i)));
      }
      return Future.all(reads);
    }),
    SCRIPT(64, gw -> gw.eval(INCR_SCRIPT, List.of("scripted"), List.of())),
    // Dedicated connections come from the pool (6 by default): keep fewer in flight than it holds.
    WITH_CONNECTION(4, gw -> gw.withConnection(conn -> conn.send(Request.cmd(Command.INCR).arg("dedicated"))
      .compose(r -> conn.send(Request.cmd(Command.GET).arg("dedicated"))))),
    ON_NODE(4, gw -> gw.masters().compose(nodes -> gw.onNode(nodes.get(0),
      conn -> conn.send(Request.cmd(Command.INCR).arg("node")).compose(r -> conn.send(Request.cmd(Command.GET).arg("node"))))));

    final int inFlight;
    final Function<RedisGateway, Future<?>> call;

    Path(int inFlight, Function<RedisGateway, Future<?>> call) {
      this.inFlight = inFlight;
      this.call = call;
    }
  }

  private static RedisKitOptions options(String uri) {
    return new RedisKitOptions().setEndpoint(uri)
      // Long enough that nothing times out on a busy machine: the failures must be the connection's.
      .setCommandTimeoutMs(10_000).setConnectTimeoutMs(5_000)
      // The first counted failure opens the breaker, which then stays open for the whole test.
      .setBreakerMaxFailures(1).setBreakerResetTimeoutMs(600_000);
  }

  /** Creates the gateway on a context of its own, where the load then runs (the gateway's fast path). */
  private static RedisGateway gatewayOn(Context context, Vertx vertx, String uri) {
    Promise<RedisGateway> created = Promise.promise();
    context.runOnContext(v -> created.complete(RedisGateway.create(vertx, options(uri))));
    return await(created.future().compose(RedisGateway::ready));
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void connectionsClosedUnderLoadAreLostConnectionsCountedByTheBreaker(Path path, Vertx vertx, RedisServer server) {
    try (FaultProxy proxy = FaultProxy.start(vertx, server)) {
      Context context = vertx.getOrCreateContext();
      RedisGateway gw = gatewayOn(context, vertx, proxy.uri());
      try {
        InFlightLoad load = startLoad(context, gw, path);
        proxy.resetAll();
        load.awaitStopped(Duration.ofSeconds(30));
        assertLostConnections(path, load, EnumSet.of(Reason.CONNECTION_LOST));
        // Nothing but the calls under test failed: the reconnection through the proxy succeeds at once.
        Await.until(() -> gw.status().breakerState() == CircuitBreakerState.OPEN, Duration.ofSeconds(10),
          () -> "the breaker to count the lost connection of " + path + "; gateway " + gw.status().toJson().encode());
      } finally {
        await(gw.close());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void redisKilledUnderLoadGivesLostConnectionsAndOpensTheBreaker(Path path, Vertx vertx, RedisServer server) {
    Context context = vertx.getOrCreateContext();
    RedisGateway gw = gatewayOn(context, vertx, server.uri());
    try {
      InFlightLoad load = startLoad(context, gw, path);
      server.kill();
      load.awaitStopped(Duration.ofSeconds(30));
      // Calls started after the kill and before the load noticed it wait for a connection that is refused.
      assertLostConnections(path, load, EnumSet.of(Reason.CONNECTION_LOST, Reason.DISCONNECTED));
      Await.until(() -> gw.status().breakerState() == CircuitBreakerState.OPEN, Duration.ofSeconds(10),
        () -> "the breaker to open; gateway " + gw.status().toJson().encode());
    } finally {
      await(gw.close());
    }
  }

  @org.junit.jupiter.api.Test
  void errorRepliesInBatchesStayErrorRepliesAndAreNotCounted(Vertx vertx, RedisServer server) {
    Context context = vertx.getOrCreateContext();
    RedisGateway gw = gatewayOn(context, vertx, server.uri());
    try {
      await(gw.send(Request.cmd(Command.RPUSH).arg("list").arg("x")));
      Request wrongType = Request.cmd(Command.GET).arg("list");
      assertErrorReply(failure(gw.batch(List.of(Request.cmd(Command.PING), wrongType))), "WRONGTYPE");
      // Reads gathered in one event-loop turn: the one error reply is its caller's alone.
      Promise<List<Future<?>>> issued = Promise.promise();
      context.runOnContext(v -> issued.complete(List.of(gw.send(Request.cmd(Command.GET).arg("missing")), gw.send(wrongType),
        gw.send(Request.cmd(Command.GET).arg("missing")))));
      List<Future<?>> reads = await(issued.future());
      await(reads.get(0));
      assertErrorReply(failure(reads.get(1)), "WRONGTYPE");
      await(reads.get(2));
      assertErrorReply(failure(gw.withConnection(conn -> conn.batch(List.of(Request.cmd(Command.PING), wrongType)))), "WRONGTYPE");
      // A script's own error reply, even one that reads like a client failure message.
      assertErrorReply(failure(gw.eval(Script.of("return redis.error_reply('CONNECTION_CLOSED by the script')"), List.of(), List.of())),
        "CONNECTION_CLOSED by the script");
      assertThat(gw.status().breakerState()).isEqualTo(CircuitBreakerState.CLOSED);
      assertThat(gw.status().breakerFailures()).isZero();
    } finally {
      await(gw.close());
    }
  }

  private static void assertErrorReply(Throwable failure, String text) {
    assertThat(failure).isInstanceOf(RedisCommandException.class).hasMessageContaining(text);
    assertThat(((RedisCommandException) failure).code()).isEqualTo(500);
  }

  private static InFlightLoad startLoad(Context context, RedisGateway gw, Path path) {
    InFlightLoad load = InFlightLoad.start(context, path.inFlight, () -> path.call.apply(gw));
    Await.until(() -> load.successes() > 200 || !load.failures().isEmpty(), Duration.ofSeconds(30), "the load to flow");
    assertThat(load.failures()).as("failures before the fault").isEmpty();
    return load;
  }

  private static void assertLostConnections(Path path, InFlightLoad load, EnumSet<Reason> allowed) {
    List<Throwable> failures = load.failures();
    assertThat(failures).as(path + ": calls in flight when the connection broke").isNotEmpty();
    assertThat(failures).as(path + ": every failure is Redis unavailable (503), never an error reply")
      .allSatisfy(f -> assertThat(f).isInstanceOfSatisfying(RedisUnavailableException.class, e -> {
        assertThat(e.code()).isEqualTo(503);
        assertThat(e.reason()).isIn(allowed);
        assertThat(e.getMessage()).doesNotContain("ERR [");
      }));
    assertThat(failures).as(path + ": at least one call was in flight")
      .anySatisfy(f -> assertThat(((RedisUnavailableException) f).reason()).isEqualTo(Reason.CONNECTION_LOST));
  }
}
