package dev.rediskit.client;

/**
 * Told about every command a gateway completes, for metrics. Implementations must be cheap: they
 * run on the event loop for each command.
 */
public interface CommandObserver {

  /** How a command ended. */
  enum Outcome {
    /** A reply other than an error. */
    SUCCESS,
    /** Redis answered with an error reply. */
    REDIS_ERROR,
    /** No reply within the command timeout. */
    TIMEOUT,
    /** The connection was lost or could not be made. */
    CONNECTION,
    /** Failed fast: breaker open, too many pending, or closed. */
    REJECTED
  }

  /**
   * @param command the command name, e.g. {@code GET} (low cardinality: never the key)
   * @param outcome how it ended
   * @param nanos time from call to completion, in nanoseconds
   */
  void onCommand(String command, Outcome outcome, long nanos);

  /**
   * Called when the breaker changes state.
   *
   * @param state the new state
   */
  default void onBreakerState(io.vertx.circuitbreaker.CircuitBreakerState state) {
  }

  /**
   * Called when the breaker of one Redis Cluster master changes state (on a cluster, each master
   * has its own, see {@link GatewayStatus#nodes()}).
   *
   * @param node the master's {@code host:port}
   * @param state the new state
   */
  default void onNodeBreakerState(String node, io.vertx.circuitbreaker.CircuitBreakerState state) {
  }

  /**
   * Called when a Redis Cluster master becomes known to the gateway (its breaker starts closed), so
   * that its meters exist before its breaker first changes state.
   *
   * @param node the master's {@code host:port}
   */
  default void onNodeKnown(String node) {
  }
}
