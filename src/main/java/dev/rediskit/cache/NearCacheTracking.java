package dev.rediskit.cache;

import java.util.Set;

/**
 * What keeps the near caches of one {@link RedisCache} correct, seen from outside: the namespaces
 * it tracks, the state of its tracking link, and every change it learns of, for a component that
 * keeps copies of its own (the cache service relays them to the near caches of event-bus clients,
 * see docs/CACHING.md, "Near cache for event-bus clients"). Given by
 * {@link RedisCache#nearCacheTracking()}.
 */
public interface NearCacheTracking {

  /** The flush cause told when a namespace's version changed (a bump, here or seen from another instance). */
  String VERSION_CHANGED = "version";

  /**
   * Told of every change of a tracked namespace. Called on the thread that learned of it (the
   * gateway's event loop, or the thread that completed a write); must be cheap and must not throw.
   * A call comes after this cache's own near cache dropped its copies.
   */
  interface Listener {

    /**
     * An entry changed: written, deleted, expired or evicted, by anyone (reported by Redis), or
     * written or deleted through this instance.
     *
     * @param namespace the namespace
     * @param key the key inside the namespace
     */
    void invalidated(String namespace, String key);

    /**
     * Anything may have changed unseen.
     *
     * @param namespace the namespace flushed, or {@code null} for every tracked namespace (the
     * tracking link was lost, reconnected, or the topology changed)
     * @param cause the flush cause: a {@link dev.rediskit.client.TrackingLink.FlushCause} tag name,
     * {@code namespace} for a namespace flush through this instance, or {@value #VERSION_CHANGED}
     */
    void flushed(String namespace, String cause);
  }

  /** @return the namespaces whose keys are tracked (those configured with a near cache) */
  Set<String> namespaces();

  /** @return the tracking link's epoch, bumped on every flush of the link */
  long epoch();

  /**
   * @return how long ago, in nanoseconds, every change of the tracked namespaces had been reported
   * (and told to the listeners), or {@link Long#MAX_VALUE} while the link is not confirmed
   */
  long confirmedAgoNanos();

  /**
   * @param listener told of every change from now on
   */
  void addListener(Listener listener);

  /**
   * @param listener a listener added before
   */
  void removeListener(Listener listener);
}
