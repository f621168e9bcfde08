package dev.rediskit.client.impl;

import dev.rediskit.client.CommandObserver.Outcome;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.error.RedisUnavailableException.Reason;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Context;
import io.vertx.core.Future;

import io.vertx.redis.client.Request;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The breakers on the way in: which breaker guards a command, and what happens to it while that
 * breaker is open (fail fast) or half-open (the breaker picks the one trial call). On a cluster a
 * keyed command is guarded by the breaker of the master owning its slot; the gateway's own breaker
 * guards everything else, and on a cluster the cluster connection as a whole, so it comes first
 * whenever it is not closed. Used on the owning event loop.
 */
final class Guard {

  private final Context context;
  private final GatewayBreaker breaker;
  private final ClusterBreakers nodeBreakers;
  private final CommandPipeline pipeline;
  private final ConnectionSupervisor supervisor;

  /**
   * @param context the owning context
   * @param breaker the gateway's breaker
   * @param nodeBreakers on a cluster, the masters' breakers; else {@code null}
   * @param pipeline told about calls refused
   * @param supervisor what the gateway breaker's refusal names as the last error
   */
  Guard(Context context, GatewayBreaker breaker, ClusterBreakers nodeBreakers, CommandPipeline pipeline,
        ConnectionSupervisor supervisor) {
    this.context = context;
    this.breaker = breaker;
    this.nodeBreakers = nodeBreakers;
    this.pipeline = pipeline;
    this.supervisor = supervisor;
  }

  /**
   * @param request a command
   * @return its breaker; its keys are only looked at on a cluster (the look costs an allocation)
   */
  GatewayBreaker breakerFor(Request request) {
    return nodeBreakers == null ? breaker : breakerFor(RequestKeys.firstKey(request));
  }

  /**
   * @param keys a script's keys
   * @return the breaker of the first key (on a cluster a script's keys share a slot)
   */
  GatewayBreaker breakerFor(List<String> keys) {
    return nodeBreakers == null || keys.isEmpty() ? breaker : breakerFor(keys.get(0).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @param key the command's first key, or {@code null}
   * @return the breaker guarding a command: on a cluster, the breaker of the master owning the key's
   *         slot now; else (or for a command without keys, or before the slot map is known) the gateway's
   */
  GatewayBreaker breakerFor(byte[] key) {
    if (nodeBreakers == null || key == null) {
      return breaker;
    }
    GatewayBreaker b = nodeBreakers.forKey(key);
    return b != null ? b : breaker;
  }

  /**
   * @param guard the command's breaker, from {@link #breakerFor}
   * @param call the call
   * @param <T> its result type
   * @return its outcome, or the breaker's refusal
   */
  <T> Future<T> guarded(GatewayBreaker guard, Supplier<Future<T>> call) {
    GatewayBreaker b = breaker.state() != CircuitBreakerState.CLOSED ? breaker : guard;
    CircuitBreakerState s = b.state();
    if (s == CircuitBreakerState.CLOSED) {
      return call.get();
    }
    if (s == CircuitBreakerState.OPEN) {
      pipeline.notifyObserver("breaker", Outcome.REJECTED, 0);
      return VertxInternals.failed(context, refusal(b));
    }
    // Half-open: the breaker itself picks the single trial call and closes or reopens on its outcome.
    return b.trial(call).recover(err -> Future.failedFuture(
      err instanceof OpenCircuitException ? refusal(b) : err));
  }

  /**
   * @param b an open breaker
   * @return what a call it refuses fails with
   */
  RedisUnavailableException refusal(GatewayBreaker b) {
    if (b.node() != null) {
      return new RedisUnavailableException(Reason.BREAKER_OPEN, "Redis circuit breaker of cluster node " + b.node()
        + " is open after repeated failures (last: " + b.lastFailure() + "); failing fast for its slots", null);
    }
    // The breaker's own last failure (a timeout, say) first: the connection's last error is null
    // when the connection never failed, as when Redis stalls without closing it.
    String last = b.lastFailure() != null ? b.lastFailure() : supervisor.lastError();
    return new RedisUnavailableException(Reason.BREAKER_OPEN,
      "Redis circuit breaker is open after repeated failures (last: " + (last == null ? "unknown" : last) + "); failing fast", null);
  }
}
