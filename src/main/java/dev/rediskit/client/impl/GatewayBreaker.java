package dev.rediskit.client.impl;

import dev.rediskit.error.RedisCommandException;
import dev.rediskit.client.GatewayOptions;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.impl.CircuitBreakerImpl;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.event.Level;

/**
 * The gateway's circuit breaker, told about outcomes instead of wrapping each call (its
 * {@code execute} costs several promises and a task hop per call): about every failure, and about
 * the first success after failures, which is all a consecutive-failure breaker needs. Only the
 * half-open trial goes through the breaker itself. Logs each transition once.
 *
 * <p>Reports come on the gateway's event loop; the state is read from any thread.
 */
final class GatewayBreaker {

  private final CircuitBreaker breaker;
  private final GatewayLog log;
  /** The cluster node this breaker guards, or {@code null} for the gateway's own breaker. */
  private final String node;
  /** How log lines name this breaker. */
  private final String label;
  private final long resetTimeoutMs;
  private final Consumer<CircuitBreakerState> onChange;
  private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
  private int unreportedFailures;
  /** What the latest failure told to the breaker was, for the log line when it opens. */
  private String lastFailure;
  /** Set by {@link #recovered} for the log line of the transition it causes. */
  private String recoveredBy;

  /**
   * @param vertx the Vert.x instance
   * @param options the breaker's settings
   * @param log where transitions are logged
   * @param onChange called after each transition, with the new state, on the thread the breaker changed on
   */
  GatewayBreaker(Vertx vertx, GatewayOptions<?> options, GatewayLog log, Consumer<CircuitBreakerState> onChange) {
    this(vertx, options, log, null, onChange);
  }

  /**
   * @param vertx the Vert.x instance
   * @param options the breaker's settings
   * @param log where transitions are logged
   * @param node the {@code host:port} of the cluster master this breaker guards, or {@code null} for the gateway's own
   * @param onChange called after each transition, with the new state, on the thread the breaker changed on
   */
  GatewayBreaker(Vertx vertx, GatewayOptions<?> options, GatewayLog log, String node, Consumer<CircuitBreakerState> onChange) {
    this.log = log;
    this.node = node;
    this.label = node == null ? "circuit breaker" : "circuit breaker of cluster node " + node;
    this.resetTimeoutMs = options.getBreakerResetTimeoutMs();
    this.onChange = onChange;
    this.breaker = CircuitBreaker.create(node == null ? "rediskit-gateway" : "rediskit-node-" + node, vertx, new CircuitBreakerOptions()
        .setMaxFailures(options.getBreakerMaxFailures())
        .setResetTimeout(options.getBreakerResetTimeoutMs())
        // Deadlines are enforced by the gateway's tick; the breaker's own timeout arms a timer per call.
        .setTimeout(-1)
        .setFallbackOnFailure(false))
      // An error reply (NOSCRIPT, WRONGTYPE...) proves the connection works: it must close a
      // half-open breaker like any reply, not reopen it. Otherwise a trial call that is an
      // EVALSHA meeting a restarted server (NOSCRIPT) reopens the breaker forever.
      .failurePolicy(ar -> ar.failed() && !(ar.cause() instanceof RedisCommandException))
      .openHandler(v -> changed(CircuitBreakerState.OPEN))
      .halfOpenHandler(v -> changed(CircuitBreakerState.HALF_OPEN))
      .closeHandler(v -> changed(CircuitBreakerState.CLOSED));
  }

  /** @return the state, as of the latest transition */
  CircuitBreakerState state() {
    return state;
  }

  /** @return the {@code host:port} of the cluster master guarded, or {@code null} for the gateway's own breaker */
  String node() {
    return node;
  }

  /** @return what the latest failure told to the breaker was, or {@code null} */
  String lastFailure() {
    return lastFailure;
  }

  /**
   * Closes the breaker at once on positive evidence that Redis serves again (a new connection that
   * answered, a failover that Redis itself announced): waiting out the reset timeout would only
   * prolong an outage that is over. Nothing happens when it is closed already.
   *
   * @param why what proved it, for the log line
   */
  void recovered(String why) {
    if (state == CircuitBreakerState.CLOSED) {
      return;
    }
    unreportedFailures = 0;
    lastFailure = null;
    recoveredBy = why;
    // The public reset() leaves an open breaker open (it only ends a half-open one); 5.0.7's
    // implementation has the forced reset. The only reach into the breaker's internals.
    if (breaker instanceof CircuitBreakerImpl impl) {
      impl.reset(true);
    } else {
      breaker.reset();
    }
  }

  /** @return the breaker's count of failures */
  long failureCount() {
    return breaker.failureCount();
  }

  /**
   * Runs the half-open trial through the breaker, which picks the single call let through and
   * closes or reopens on its outcome.
   *
   * @param call the call
   * @param <T> its result type
   * @return its outcome, or an {@link io.vertx.circuitbreaker.OpenCircuitException} for a call not let through
   */
  <T> Future<T> trial(Supplier<Future<T>> call) {
    return breaker.execute(call);
  }

  /**
   * Tells the breaker about a failure, on the owning event loop.
   *
   * @param why the failure, for the log line when the breaker opens
   */
  void failed(String why) {
    lastFailure = why;
    if (state != CircuitBreakerState.CLOSED) {
      // While open the breaker counts nothing; while half-open the trial call reports itself.
      return;
    }
    unreportedFailures++;
    breaker.<Void>execute(p -> p.fail("Redis failure")).onFailure(err -> { });
  }

  /** A command succeeded: the breaker hears of it only when failures came before. */
  void succeeded() {
    if (unreportedFailures > 0) {
      unreportedFailures = 0;
      if (state == CircuitBreakerState.CLOSED) {
        breaker.<Void>execute(Promise::complete);
      }
    }
  }

  /** Stops the breaker's timers. */
  void close() {
    breaker.close();
  }

  private void changed(CircuitBreakerState s) {
    CircuitBreakerState previous = state;
    if (s == previous) {
      return;
    }
    state = s;
    logTransition(previous, s);
    onChange.accept(s);
  }

  /**
   * One line per transition. A long outage repeats open, half-open, open every reset timeout, so
   * only the first opening is a warning and the repeats are debug; closing again is info.
   */
  private void logTransition(CircuitBreakerState from, CircuitBreakerState to) {
    switch (to) {
      case OPEN -> {
        if (from == CircuitBreakerState.CLOSED) {
          log.log(Level.WARN, label + " OPEN after " + breaker.failureCount() + " failures (last: "
            + lastFailure + "); calls fail fast for " + resetTimeoutMs + " ms, then one trial call");
        } else {
          log.log(Level.DEBUG, label + " OPEN again, the trial call failed (" + lastFailure
            + "); next trial in " + resetTimeoutMs + " ms");
        }
      }
      case HALF_OPEN -> log.log(Level.DEBUG, label + " HALF_OPEN: trying Redis with one call");
      case CLOSED -> {
        String by = recoveredBy;
        recoveredBy = null;
        log.log(Level.INFO, label + " CLOSED: " + (by != null ? by + ", without waiting out the reset timeout" : "Redis answers again"));
      }
    }
  }
}
