package dev.rediskit.cache.impl;

import dev.rediskit.cache.InvalidationListener;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The invalidation listeners of one cache. A listener that throws is logged and skipped: one
 * faulty listener must neither fail the write that notified it nor keep the others from hearing
 * of it.
 */
final class InvalidationListeners {

  private final List<InvalidationListener> listeners = new CopyOnWriteArrayList<>();

  /** @param listener added; {@code null} is refused */
  void add(InvalidationListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** @param listener removed, when present */
  void remove(InvalidationListener listener) {
    listeners.remove(listener);
  }

  /**
   * @param namespace the namespace written or deleted in
   * @param keys the keys of the namespace that changed
   */
  void notifyInvalidate(String namespace, List<String> keys) {
    for (InvalidationListener l : listeners) {
      try {
        l.onInvalidate(namespace, keys);
      } catch (RuntimeException e) {
        CacheContext.LOG.warn("invalidation listener failed", e);
      }
    }
  }

  /** @param namespace the namespace flushed */
  void notifyFlush(String namespace) {
    for (InvalidationListener l : listeners) {
      try {
        l.onFlush(namespace);
      } catch (RuntimeException e) {
        CacheContext.LOG.warn("invalidation listener failed", e);
      }
    }
  }
}
