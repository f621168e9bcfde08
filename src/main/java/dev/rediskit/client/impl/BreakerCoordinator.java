package dev.rediskit.client.impl;

import dev.rediskit.client.CommandObserver;
import dev.rediskit.client.GatewayOptions;
import dev.rediskit.client.GatewayStatus.ConnectionState;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gateway's breakers (its own and, on a cluster, one per master) and what follows from them
 * besides guarding calls, which is {@link Guard}'s: the observer hears of every change, a breaker
 * that half-opens is tried at once rather than when a caller comes, the breaker closes early once a
 * failover Sentinel announced is confirmed, and failures seen off the owning event loop reach the
 * breaker on it. The breakers are made here so that their changes come here.
 *
 * <p>The breakers change on whatever thread their timers or calls run on; everything that follows
 * runs on the owning context, as does everything called from the gateway.
 */
final class BreakerCoordinator {

  private final Context context;
  private final ConnectionSupervisor supervisor;
  private final Supplier<CommandObserver> observer;
  private final Function<Request, Future<Response>> send;
  private final GatewayBreaker breaker;
  /** On a cluster: a breaker per master; else {@code null}. */
  private final ClusterBreakers nodeBreakers;

  /**
   * Makes the gateway's breaker and, on a cluster, the masters' breakers.
   *
   * @param vertx the Vert.x instance
   * @param context the owning context
   * @param options the breakers' settings and the topology
   * @param log where the breakers' transitions are logged
   * @param supervisor the connection: its state, and what to retry or confirm on
   * @param observer the gateway's observer now, or {@code null}
   * @param send the gateway's way in, which trial calls take like any call
   */
  BreakerCoordinator(Vertx vertx, Context context, GatewayOptions<?> options, GatewayLog log, ConnectionSupervisor supervisor,
                     Supplier<CommandObserver> observer, Function<Request, Future<Response>> send) {
    this.context = context;
    this.supervisor = supervisor;
    this.observer = observer;
    this.send = send;
    this.breaker = new GatewayBreaker(vertx, options, log, this::breakerChanged);
    this.nodeBreakers = options.getType() == RedisClientType.CLUSTER
      ? new ClusterBreakers(vertx, options, log, this::nodeBreakerChanged, this::nodeKnown) : null;
  }

  /** @return the gateway's own breaker */
  GatewayBreaker breaker() {
    return breaker;
  }

  /** @return on a cluster, the masters' breakers; else {@code null} */
  ClusterBreakers nodeBreakers() {
    return nodeBreakers;
  }

  /**
   * Sentinel announced a new master: the connection follows it, and if the connection in use
   * reached that master already, the breaker need not wait for a reconnect to close.
   *
   * @param master the new master's {@code host:port}
   */
  void failoverAnnounced(String master) {
    if (supervisor.failoverAnnounced(master)) {
      confirmRecovery();
    }
  }

  /**
   * The connection to the master a sentinel announced is up while the breaker is not closed: one
   * PING on it, and the breaker closes on its reply instead of failing calls until the reset
   * timeout is over. The failover is confirmed by Redis and the promoted master answers; waiting
   * out the breaker would only stretch the outage. (An ordinary reconnect keeps the breaker's own
   * half-open trial: a server that comes and goes must not flap the breaker shut.)
   */
  void confirmRecovery() {
    RedisConnection sender = supervisor.sender();
    if (sender == null || breaker.state() == CircuitBreakerState.CLOSED) {
      return;
    }
    sender.send(Request.cmd(Command.PING)).onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded() && supervisor.state() == ConnectionState.CONNECTED) {
        breaker.recovered("the master Sentinel announced answers");
      }
    }));
  }

  /**
   * For failures seen off the owning event loop (dedicated connections run on the caller's context).
   *
   * @param why what failed
   */
  void reportFailureFromAnyThread(String why) {
    context.runOnContext(v -> {
      if (supervisor.state() != ConnectionState.CLOSED) {
        breaker.failed(why);
      }
    });
  }

  private void breakerChanged(CircuitBreakerState s) {
    CommandObserver o = observer.get();
    if (o != null) {
      context.runOnContext(v -> o.onBreakerState(s));
    }
    if (s == CircuitBreakerState.HALF_OPEN) {
      context.runOnContext(v -> trial());
    }
  }

  /**
   * Tries Redis as soon as the breaker half-opens, with a PING through the normal path, instead of
   * waiting for a caller: an idle gateway would otherwise stay half-open through an outage and after
   * it, and its breaker state (what health checks, the gauge and the alerts read) would say nothing
   * true. The PING is the breaker's trial call unless a caller's call got there first; its outcome
   * closes or reopens the breaker, so it needs no handling here.
   */
  private void trial() {
    if (supervisor.state() == ConnectionState.CLOSED || breaker.state() != CircuitBreakerState.HALF_OPEN) {
      return;
    }
    supervisor.retryNow();
    send.apply(Request.cmd(Command.PING)).onFailure(err -> { });
  }

  private void nodeKnown(String node) {
    CommandObserver o = observer.get();
    if (o != null) {
      o.onNodeKnown(node);
    }
  }

  private void nodeBreakerChanged(GatewayBreaker b, CircuitBreakerState s) {
    CommandObserver o = observer.get();
    if (o != null) {
      context.runOnContext(v -> o.onNodeBreakerState(b.node(), s));
    }
    if (s == CircuitBreakerState.HALF_OPEN) {
      // As for the gateway's breaker: an idle gateway must not stay half-open. The trial must reach
      // that node, so it asks whether a key of one of its slots exists (never written).
      context.runOnContext(v -> {
        String key = nodeBreakers.probeKey(b.node());
        if (key != null && supervisor.state() != ConnectionState.CLOSED && b.state() == CircuitBreakerState.HALF_OPEN) {
          send.apply(Request.cmd(Command.EXISTS).arg(key)).onFailure(err -> { });
        }
      });
    }
  }
}
