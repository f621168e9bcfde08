package dev.rediskit.client;

import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A snapshot of what health checks and metrics need to know about a gateway.
 *
 * @param connectionState the state of the pipelined connection
 * @param breakerState the circuit breaker's state
 * @param breakerFailures failures the breaker currently counts
 * @param pending commands queued or in flight
 * @param lastError the last connection or timeout error (never containing secrets), or {@code null}
 * @param reconnects how many times the connection was re-established since start
 * @param nodes on a Redis Cluster, the breaker of each master (keyed commands are guarded by the
 *              breaker of the master owning their slot, the gateway's own breaker then guards the
 *              cluster connection as a whole); empty on other topologies
 * @param tracking the state of the gateway's tracking links ({@link TrackingLink#status()}), or
 * {@code null} when it has none
 */
public record GatewayStatus(ConnectionState connectionState, CircuitBreakerState breakerState, long breakerFailures,
                            int pending, String lastError, long reconnects, List<NodeStatus> nodes, JsonObject tracking) {

  /**
   * Copies the node list, so that the snapshot stays as taken.
   *
   * @param connectionState the state of the pipelined connection
   * @param breakerState the circuit breaker's state
   * @param breakerFailures failures the breaker currently counts
   * @param pending commands queued or in flight
   * @param lastError the last connection or timeout error, or {@code null}
   * @param reconnects how many times the connection was re-established since start
   * @param nodes on a Redis Cluster, the breaker of each master; empty on other topologies
   * @param tracking the tracking links' state, or {@code null}
   */
  public GatewayStatus {
    nodes = List.copyOf(nodes);
  }

  /**
   * A snapshot without cluster nodes and tracking link.
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
    this(connectionState, breakerState, breakerFailures, pending, lastError, reconnects, List.of(), null);
  }

  /**
   * A snapshot without tracking link.
   *
   * @param connectionState the state of the pipelined connection
   * @param breakerState the circuit breaker's state
   * @param breakerFailures failures the breaker currently counts
   * @param pending commands queued or in flight
   * @param lastError the last connection or timeout error, or {@code null}
   * @param reconnects how many times the connection was re-established since start
   * @param nodes on a Redis Cluster, the breaker of each master; empty on other topologies
   */
  public GatewayStatus(ConnectionState connectionState, CircuitBreakerState breakerState, long breakerFailures,
                       int pending, String lastError, long reconnects, List<NodeStatus> nodes) {
    this(connectionState, breakerState, breakerFailures, pending, lastError, reconnects, nodes, null);
  }

  /**
   * The breaker of one Redis Cluster master.
   *
   * @param node the master's {@code host:port}, as the cluster announces it
   * @param breaker its breaker's state
   * @param breakerFailures failures its breaker currently counts
   */
  public record NodeStatus(String node, CircuitBreakerState breaker, long breakerFailures) {

    /** @return the node as JSON: {@code node}, {@code breaker}, {@code breakerFailures} */
    public JsonObject toJson() {
      return new JsonObject().put("node", node).put("breaker", breaker.name()).put("breakerFailures", breakerFailures);
    }
  }

  /** @return the nodes as a JSON array of {@link NodeStatus#toJson()} */
  public JsonArray nodesJson() {
    JsonArray out = new JsonArray();
    for (NodeStatus n : nodes) {
      out.add(n.toJson());
    }
    return out;
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

  /** @return the snapshot as JSON, for health data and logs; {@code nodes} only on a cluster */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("connection", connectionState.name())
      .put("breaker", breakerState.name())
      .put("breakerFailures", breakerFailures)
      .put("pending", pending)
      .put("lastError", lastError)
      .put("reconnects", reconnects);
    if (!nodes.isEmpty()) {
      json.put("nodes", nodesJson());
    }
    return json.put("tracking", tracking);
  }
}
