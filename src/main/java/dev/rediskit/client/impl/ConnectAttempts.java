package dev.rediskit.client.impl;

import dev.rediskit.client.GatewayOptions;
import dev.rediskit.error.RedisTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How the pipelined connection's attempts are made, whichever state wants one (a connect, a
 * reconnect, a cluster rebuild): each under a guard timer of its own, the latest superseding the
 * ones before it, from the client {@link ConnectionClients} picks; and the one retry timer, with
 * back-off, that the next attempt waits for. What an outcome means is the caller's business.
 *
 * <p>Touched only on the owning event loop.
 */
final class ConnectAttempts {

  private static final long INITIAL_RECONNECT_DELAY_MS = 50;

  private final Vertx vertx;
  private final Context context;
  private final GatewayOptions<?> options;
  private final ConnectionClients clients;
  private final Backoff backoff;
  private long connectAttempt;
  private long retryTimer = -1;

  /**
   * @param vertx the Vert.x instance
   * @param context the owning context, where outcomes are handled
   * @param options the connect timeout and the back-off ceiling
   * @param clients which client each attempt connects with
   */
  ConnectAttempts(Vertx vertx, Context context, GatewayOptions<?> options, ConnectionClients clients) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.clients = clients;
    this.backoff = new Backoff(INITIAL_RECONNECT_DELAY_MS, options.getReconnectMaxDelayMs());
  }

  /**
   * One connect attempt under its guard timer. The client's connect timeout covers TCP only; a
   * server that accepts and never answers the handshake would hang it, so each attempt gets its
   * own deadline (attempts are rare). The first of the outcome and the guard counts; a connection
   * arriving after that, or after the attempt stopped being {@code wanted}, goes to {@code late}.
   *
   * @param first whether it is the gateway's first attempt
   * @param what what the attempt is, as its timeout tells it
   * @param wanted whether the attempt is still wanted when its outcome comes
   * @param failed told why a wanted attempt failed or timed out
   * @param up given the connection of a wanted attempt
   * @param late given a connection no longer wanted
   */
  void attempt(boolean first, String what, BooleanSupplier wanted, Consumer<Throwable> failed,
               Consumer<RedisConnection> up, Consumer<RedisConnection> late) {
    long attempt = ++connectAttempt;
    Redis source = clients.next(first);
    long guard = vertx.setTimer(options.getConnectTimeoutMs(), id -> context.runOnContext(v -> {
      if (attempt == connectAttempt && wanted.getAsBoolean()) {
        failed.accept(new RedisTimeoutException(what + " did not complete within "
          + options.getConnectTimeoutMs() + " ms (connectTimeoutMs)"));
      }
    }));
    source.connect().onComplete(ar -> context.runOnContext(v -> {
      vertx.cancelTimer(guard);
      if (attempt != connectAttempt || !wanted.getAsBoolean()) {
        if (ar.succeeded()) {
          late.accept(ar.result());
        }
        clients.unused(source);
        return;
      }
      if (ar.failed()) {
        clients.unused(source);
        failed.accept(ar.cause());
      } else {
        clients.adopt(source);
        up.accept(ar.result());
      }
    }));
  }

  /**
   * Schedules {@code next} after the back-off's next wait, or its longest for a refused password.
   *
   * @param longest whether to wait the back-off's longest
   * @param next the attempt to make then
   * @return the wait
   */
  long retryLater(boolean longest, Runnable next) {
    long delay = backoff.next();
    if (longest) {
      delay = backoff.maxMs();
    }
    retryTimer = vertx.setTimer(delay, id -> context.runOnContext(v -> {
      // Cleared before the attempt: a pending timer is what tells that a rebuild is waiting (nodeDown).
      retryTimer = -1;
      next.run();
    }));
    return delay;
  }

  /** @return whether an attempt waits for the retry timer */
  boolean retryPending() {
    return retryTimer != -1;
  }

  /** Cancels the retry timer, if one is pending: the caller starts the next attempt itself, or none. */
  void cancelRetry() {
    if (retryTimer != -1) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
  }

  /** A connection is up: the next outage starts from the back-off's initial wait again. */
  void succeeded() {
    backoff.reset();
  }
}
