package dev.rediskit.client;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Server-assisted invalidation: Redis tells this link about every change of a key under some
 * prefixes, whoever made it, on whichever node ({@code CLIENT TRACKING ON REDIRECT <own id> BCAST
 * PREFIX ...}, RESP2, on a connection of the link's own subscribed to {@value #INVALIDATE_CHANNEL};
 * one such connection per master on a cluster). Made by {@link RedisGateway#track}.
 *
 * <p>Never silently blind: the link confirms itself with a {@code PING} every {@value #HEARTBEAT_MS}
 * ms on each of its connections; Redis answers it after every invalidation it sent before, so a
 * confirmation at time {@code c} means every change made before {@code c} has been reported.
 * Whenever a connection is lost, stops answering, is replaced, or the cluster's slot map changes,
 * the link bumps its {@link #epoch()} and tells its listener to {@link Listener#flushed flush}
 * before it confirms again.
 */
public interface TrackingLink {

  /** The pub/sub channel Redis sends RESP2 invalidations on. */
  String INVALIDATE_CHANNEL = "__redis__:invalidate";
  /** How often each connection of the link is confirmed with a PING, in milliseconds. */
  long HEARTBEAT_MS = 100;

  /** Why everything the link covers was flushed. */
  enum FlushCause {
    /** A connection of the link failed or closed (CLIENT KILL, a restart, a dead node). */
    LINK_LOST,
    /** A connection stopped answering its PING in time (a network black hole, a stalled server). */
    HEARTBEAT_TIMEOUT,
    /** The cluster's slot map changed (failover, a slot moved): the links are rebuilt. */
    TOPOLOGY_CHANGED,
    /** Redis reported that it dropped every key (FLUSHALL / FLUSHDB). */
    SERVER_FLUSH,
    /** The link was closed. */
    CLOSED;

    /** @return the name used in metrics and JSON: the constant in lower case */
    public String tagName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The link's state as a whole (every connection of it). */
  enum State {
    /** Setting up (or again after a loss): not confirmed, nothing may be served on its word. */
    CONNECTING,
    /** Every connection subscribed and confirmed by its last PING. */
    CONFIRMED,
    /** Closed. */
    CLOSED
  }

  /** Told what changed; called on the gateway's event loop, must be cheap and must not throw. */
  interface Listener {

    /**
     * @param key a key that changed (written, deleted, expired or evicted) under a tracked prefix
     */
    void invalidated(String key);

    /**
     * Anything under the tracked prefixes may have changed unseen: drop every local copy. The
     * epoch was bumped before this is called.
     *
     * @param cause why
     */
    void flushed(FlushCause cause);
  }

  /**
   * @return a counter bumped on every flush: a read that began in one epoch must not store its
   * reply in another
   */
  long epoch();

  /**
   * @param maxAgeNanos the longest age of the last confirmation, in nanoseconds
   * @return whether every change made before {@code System.nanoTime() - maxAgeNanos} has been
   * reported to the listener (on every connection of the link)
   */
  boolean confirmedWithin(long maxAgeNanos);

  /**
   * @return how long ago, in nanoseconds, the link was last confirmed on every connection (every
   * change made before then has been reported), or {@link Long#MAX_VALUE} while it is not
   * confirmed; for a cache service that vouches for the link to event-bus clients
   */
  long confirmedAgoNanos();

  /** @return the state */
  State state();

  /**
   * @return a snapshot for health data: {@code state}, {@code connections}, {@code confirmedAgoMs},
   * {@code epoch}, {@code invalidations}, {@code flushes} (by cause) and {@code lastError}
   */
  JsonObject status();

  /**
   * Closes the link's connections; the listener is told {@link FlushCause#CLOSED}.
   *
   * @return completion
   */
  Future<Void> close();
}
