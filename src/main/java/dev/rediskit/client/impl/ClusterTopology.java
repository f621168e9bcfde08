package dev.rediskit.client.impl;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Keeps the slot map of the per-node breakers ({@link ClusterBreakers}) in step with the cluster,
 * and notices a promotion as soon as the cluster makes it: while a node's link is down it asks
 * {@code CLUSTER SLOTS} every {@value #LOST_POLL_MS} ms, and the moment the answer names a new
 * master the cluster connection is rebuilt, instead of when the rebuild's back-off next allows.
 * Otherwise the map is refreshed every {@value #REFRESH_MS} ms (slots moved by resharding follow
 * {@code MOVED} in the Redis client without failing; only the breakers' map needs to catch up).
 *
 * <p>The question goes straight to the pipelined connection, outside the command queue: it is
 * neither counted in the metrics nor held against a breaker. Runs on the owning context.
 */
final class ClusterTopology {

  /** How often the slot map is asked for while a node's link is down, in milliseconds. */
  static final long LOST_POLL_MS = 100;
  /** How often the slot map is refreshed otherwise, in milliseconds. */
  static final long REFRESH_MS = 5_000;

  private final Vertx vertx;
  private final Context context;
  private final ConnectionSupervisor supervisor;
  private final ClusterBreakers breakers;
  private final long timeoutMs;
  private long refreshTimer = -1;
  private long pollTimer = -1;
  private boolean asking;
  private boolean closed;

  /**
   * @param vertx the Vert.x instance
   * @param context the owning context
   * @param supervisor the connection asked, and told to rebuild
   * @param breakers the map kept up to date
   * @param timeoutMs how long an answer may take before the question counts as unanswered
   */
  ClusterTopology(Vertx vertx, Context context, ConnectionSupervisor supervisor, ClusterBreakers breakers, long timeoutMs) {
    this.vertx = vertx;
    this.context = context;
    this.supervisor = supervisor;
    this.breakers = breakers;
    this.timeoutMs = timeoutMs;
  }

  /** A (new) connection is up and reached every node: take its slot map now, then refresh it from time to time. */
  void connected() {
    if (closed) {
      return;
    }
    if (pollTimer != -1) {
      vertx.cancelTimer(pollTimer);
      pollTimer = -1;
    }
    ask();
    if (refreshTimer == -1) {
      refreshTimer = vertx.setPeriodic(REFRESH_MS, id -> context.runOnContext(v -> {
        if (!supervisor.nodeDown()) {
          ask();
        }
      }));
    }
  }

  /** A node's link broke: watch for the promotion of its replica. */
  void nodeLost() {
    if (closed || pollTimer != -1) {
      return;
    }
    pollTimer = vertx.setPeriodic(LOST_POLL_MS, id -> context.runOnContext(v -> {
      if (!supervisor.nodeDown()) {
        vertx.cancelTimer(pollTimer);
        pollTimer = -1;
        return;
      }
      ask();
    }));
  }

  /** Stops asking. */
  void close() {
    closed = true;
    vertx.cancelTimer(refreshTimer);
    vertx.cancelTimer(pollTimer);
  }

  private void ask() {
    RedisConnection sender = supervisor.sender();
    if (sender == null || asking) {
      return;
    }
    asking = true;
    // A question to a node that hangs must not stop the polling: the next one goes out after the timeout.
    long guard = vertx.setTimer(timeoutMs, id -> context.runOnContext(v -> asking = false));
    sender.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).onComplete(ar -> context.runOnContext(v -> {
      vertx.cancelTimer(guard);
      asking = false;
      if (closed || ar.failed() || ar.result() == null || ar.result().size() == 0) {
        // Asked a dead node (the client picks one at random): the next poll asks again.
        return;
      }
      answered(ar.result());
    }));
  }

  private void answered(Response slots) {
    if (!supervisor.nodeDown()) {
      breakers.update(slots);
    } else if (breakers.differs(slots)) {
      // Promoted. The old connection's client still routes by its cached map: a fresh connection
      // follows the new one at once; the breakers take the new map when it is in use.
      supervisor.rebuildNow();
    }
  }
}
