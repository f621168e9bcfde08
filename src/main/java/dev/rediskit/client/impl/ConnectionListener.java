package dev.rediskit.client.impl;

import dev.rediskit.error.RedisUnavailableException;

/**
 * What the gateway does when its pipelined connection comes and goes, as the
 * {@link ConnectionSupervisor} tells it: the commands waiting or in flight, the start-up promise,
 * the breakers and the topology watchers follow from here. Called on the owning event loop.
 */
interface ConnectionListener {

  /**
   * A connection is up, logged already; {@link ConnectionSupervisor#sender()} is what to write commands on.
   *
   * @param first whether it is the first outcome of the gateway's start (no earlier connection nor failed attempt)
   */
  void connected(boolean first);

  /**
   * A connect attempt failed; the next one is scheduled after this returns.
   *
   * @param cause why, as callers are to see it
   */
  void connectFailed(RedisUnavailableException cause);

  /**
   * The connection was lost; an attempt to connect again starts after this returns.
   *
   * @param cause why, as the commands in flight are to see it
   */
  void connectionLost(RedisUnavailableException cause);

  /** On a cluster: a node's link broke and the cluster connection is being rebuilt beside the live one. */
  default void nodeLost() {
  }

  /** On a cluster: the rebuilt cluster connection, which reached every node of the slot map, is in use. */
  default void rebuilt() {
  }
}
