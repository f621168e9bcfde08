package dev.rediskit.client;

import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.json.JsonObject;

/**
 * A snapshot of what health checks and metrics need to know about a gateway.
 *
 * @param connectionState the state of the pipelined connection
 * @param breakerState the circuit breaker's state
 * @param breakerFailures failures the breaker currently counts
 * @param pending commands queued or in flight
 * @param lastError the last connection or timeout error (never containing secrets), or {@code null}
 * @param reconnects how many times the connection was re-established since start
 * @param tracking the state of the gateway's tracking links ({@link TrackingLink#status()}), or
 * {@code null} when it has none
 */
public record GatewayStatus(ConnectionState connectionState, CircuitBreakerState breakerState, long breakerFailures,
                            int pending, String lastError, long reconnects, JsonObject tracking) {

  /**
   * A snapshot of a gateway without a tracking link.
   *
   * @param connectionState the state of the pipelined connection
   * @param breakerState the circuit breaker's state
   * @param breakerFailures failures the breaker currently counts
   * @param pending commands queued or in flight
   * @param lastError the last connection or timeout error, or {@code null}
   * @param reconnects how many times the connection was re-established since start
   */
  public GatewayStatus(ConnectionState connectionState, CircuitBreakerState breakerState, long breakerFailures,
                       int pending, String lastError, long reconnects) {
    this(connectionState, breakerState, breakerFailures, pending, lastError, reconnects, null);
  }

  /** The state of a gateway's pipelined connection. */
  public enum ConnectionState {
    /** A connection attempt is under way; commands wait for it, within their timeout. */
    CONNECTING,
    /** Connected: commands are pipelined on the connection. */
    CONNECTED,
    /** The last attempt failed; the next is scheduled with back-off and commands fail fast. */
    DISCONNECTED,
    /** The gateway was closed. */
    CLOSED
  }

  /** @return the snapshot as JSON, for health data and logs */
  public JsonObject toJson() {
    return new JsonObject()
      .put("connection", connectionState.name())
      .put("breaker", breakerState.name())
      .put("breakerFailures", breakerFailures)
      .put("pending", pending)
      .put("lastError", lastError)
      .put("reconnects", reconnects)
      .put("tracking", tracking);
  }
}
