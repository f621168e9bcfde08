package dev.rediskit.cache;

import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/**
 * Loads several keys at once, for {@link CacheNamespace#warm(java.util.Collection, BatchLoader, java.time.Duration, int)}.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface BatchLoader<V> {

  /**
   * @param keys the keys of one batch (never empty)
   * @return the values found, by key; keys left out (or mapped to {@code null}) are skipped
   */
  Future<Map<String, V>> load(List<String> keys);
}
