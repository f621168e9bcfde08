package dev.rediskit.cache;

import java.util.List;

/**
 * Told when this instance changes or removes entries, so that a local (near) cache in front of
 * Redis can drop its copies. Called after the Redis command completed, on the thread that
 * completed it; must be cheap and must not throw. Only changes made through this
 * {@link RedisCache} instance are reported: other instances do not broadcast theirs (yet).
 */
public interface InvalidationListener {

  /**
   * Entries were written, deleted or invalidated.
   *
   * @param namespace the namespace
   * @param keys the keys (inside the namespace)
   */
  void onInvalidate(String namespace, List<String> keys);

  /**
   * A whole namespace was flushed.
   *
   * @param namespace the namespace
   */
  default void onFlush(String namespace) {
  }
}
