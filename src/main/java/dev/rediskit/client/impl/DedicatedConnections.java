package dev.rediskit.client.impl;

import dev.rediskit.client.GatewayOptions;
import dev.rediskit.error.RedisTimeoutException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.client.RedisGateway;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Work on a connection of its own (blocking commands, MULTI/EXEC, SCAN on one node), beside the
 * pipeline: under the command timeout (one timer per piece of work; such work is rare), with the
 * connection given back, or closed when the work failed after its deadline, and connection
 * failures told to the breaker. Runs on the caller's context.
 */
final class DedicatedConnections {

  private final Vertx vertx;
  private final GatewayOptions<?> options;
  private final GatewayBreaker breaker;
  private final Supplier<RedisUnavailableException> breakerOpen;
  private final Consumer<String> reportFailure;

  /**
   * @param vertx the Vert.x instance
   * @param options the command timeout and the endpoints (for messages)
   * @param breaker whose state is checked first
   * @param breakerOpen the failure to answer with while the breaker is open
   * @param reportFailure tells the breaker about a failure, from any thread
   */
  DedicatedConnections(Vertx vertx, GatewayOptions<?> options, GatewayBreaker breaker,
                       Supplier<RedisUnavailableException> breakerOpen, Consumer<String> reportFailure) {
    this.vertx = vertx;
    this.options = options;
    this.breaker = breaker;
    this.breakerOpen = breakerOpen;
    this.reportFailure = reportFailure;
  }

  /**
   * @param source where the connection comes from
   * @param work the work, given the connection
   * @param closeSource whether {@code source} is closed once the work is done (a client made for one node)
   * @param <T> the work's result type
   * @return the work's outcome, as {@link RedisGateway#withConnection} describes it
   */
  <T> Future<T> run(Redis source, Function<RedisConnection, Future<T>> work, boolean closeSource) {
    if (breaker.state() == CircuitBreakerState.OPEN) {
      if (closeSource) {
        source.close();
      }
      return Future.failedFuture(breakerOpen.get());
    }
    Promise<T> result = VertxInternals.promise(vertx.getOrCreateContext());
    long timer = vertx.setTimer(options.getCommandTimeoutMs(), id -> {
      String late = "dedicated connection work did not complete within " + options.getCommandTimeoutMs()
        + " ms (commandTimeoutMs)";
      if (result.tryFail(new RedisTimeoutException(late))) {
        reportFailure.accept(late);
      }
    });
    source.connect()
      .recover(err -> {
        RedisUnavailableException mapped = RedisFailures.connectFailure(err, options);
        // A full pool wait queue is this application's own back-pressure, not Redis failing.
        if (!(err instanceof ConnectionPoolTooBusyException)) {
          reportFailure.accept(mapped.getMessage());
        }
        return Future.failedFuture(mapped);
      })
      .compose(conn -> {
        Future<T> f;
        try {
          f = work.apply(conn);
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
        return f.andThen(ar -> {
          if (result.future().isComplete() && !ar.succeeded()) {
            PooledConnections.forceClose(conn);
          } else {
            conn.close();
          }
        });
      })
      .onComplete(ar -> {
        vertx.cancelTimer(timer);
        if (closeSource) {
          source.close();
        }
        if (ar.succeeded()) {
          result.tryComplete(ar.result());
        } else {
          Throwable mapped = RedisFailures.dedicatedFailure(ar.cause());
          if (result.tryFail(mapped) && RedisFailures.isConnectionFailure(ar.cause())) {
            reportFailure.accept(mapped.getMessage());
          }
        }
      });
    return result.future();
  }
}
