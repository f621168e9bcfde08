package dev.rediskit.client.impl;

import dev.rediskit.client.GatewayOptions;
import io.vertx.redis.client.RedisConnection;
import org.slf4j.event.Level;

/**
 * On a cluster, a node's link broke: the other masters still serve their slots on the connection
 * in use, so a fresh cluster connection is built beside it and swapped in once up (after a
 * failover, once the promoted replica is in the slot map), instead of failing every slot meanwhile.
 * Failed rebuilds are tried again after the back-off, or at once when the slot map changed.
 *
 * <p>A rebuild is a phase of the {@link ConnectionSupervisor}'s connected state: the supervisor
 * owns the connection, starts a rebuild, ends it when the connection is lost as a whole, and swaps
 * the rebuilt connection in. Touched only on the owning event loop.
 */
final class ClusterRebuild {

  private final ConnectionSupervisor supervisor;
  private final ConnectAttempts attempts;
  private final GatewayOptions<?> options;
  private final GatewayLog log;
  private boolean rebuilding;
  /** A rebuild was asked for while one was under way: the next one starts at once, not after back-off. */
  private boolean rebuildRequested;

  /**
   * @param supervisor whose connection is rebuilt
   * @param attempts how the rebuilt connection is attempted
   * @param options the endpoints, for what a failure means
   * @param log where a failed rebuild is logged
   */
  ClusterRebuild(ConnectionSupervisor supervisor, ConnectAttempts attempts, GatewayOptions<?> options, GatewayLog log) {
    this.supervisor = supervisor;
    this.attempts = attempts;
    this.options = options;
    this.log = log;
  }

  /** @return whether an attempt to rebuild is under way */
  boolean underWay() {
    return rebuilding;
  }

  /**
   * Starts rebuilding, unless a rebuild is under way or {@code old} is no longer the connection in use.
   *
   * @param old the connection with the broken link
   */
  void start(RedisConnection old) {
    if (rebuilding || !supervisor.inUse(old)) {
      return;
    }
    rebuilding = true;
    // A late connection is healthy, only not wanted any more: back to the pool.
    attempts.attempt(false, "rebuilding the cluster connection",
      () -> rebuilding && supervisor.inUse(old),
      cause -> failed(old, RedisFailures.connectFailure(cause, options).getMessage()),
      fresh -> rebuilt(old, fresh),
      RedisConnection::close);
  }

  /**
   * The slot map changed while the connection is being rebuilt: the next attempt starts now, or
   * right after the one under way fails.
   *
   * @param current the connection in use
   */
  void now(RedisConnection current) {
    if (rebuilding) {
      rebuildRequested = true;
      return;
    }
    if (attempts.retryPending()) {
      attempts.cancelRetry();
      start(current);
    }
  }

  /** The connection was lost as a whole: no rebuild of it goes on. */
  void stop() {
    rebuilding = false;
    rebuildRequested = false;
  }

  private void rebuilt(RedisConnection old, RedisConnection fresh) {
    rebuilding = false;
    rebuildRequested = false;
    supervisor.rebuilt(old, fresh);
  }

  private void failed(RedisConnection old, String error) {
    rebuilding = false;
    supervisor.rebuildFailed(error);
    if (rebuildRequested) {
      rebuildRequested = false;
      start(old);
      return;
    }
    long delay = attempts.retryLater(false, () -> start(old));
    log.log(Level.DEBUG, "cannot rebuild the cluster connection (" + error + "); next attempt in " + delay + " ms");
  }
}
