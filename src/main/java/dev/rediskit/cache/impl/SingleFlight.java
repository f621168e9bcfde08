package dev.rediskit.cache.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The loads in progress on this instance, by Redis key: a second caller of the same key joins the
 * first one's future instead of loading again. One per cache (not per namespace view), because
 * two views of one namespace with different codecs still share its keys.
 *
 * <p>The entry is in the map before the work starts and leaves it when the work completes (before
 * the joined callers hear of it), so a caller arriving later starts a new load and sees its result.
 */
final class SingleFlight {

  private final ConcurrentHashMap<String, Future<?>> running = new ConcurrentHashMap<>();

  /**
   * @param key a Redis key
   * @param <T> the result type the caller of that key uses
   * @return the load of the key in progress, or {@code null}
   */
  @SuppressWarnings("unchecked")
  <T> Future<T> current(String key) {
    return (Future<T>) running.get(key);
  }

  /**
   * Runs {@code work} as the key's load, or joins the load that got there first.
   *
   * @param key a Redis key
   * @param work starts the load; called at most once, and not at all when joining
   * @param onJoin run when this call joins another's load (for counting)
   * @param <T> the result type
   * @return the load's result, shared by every caller that joined it
   */
  @SuppressWarnings("unchecked")
  <T> Future<T> joinOrRun(String key, Supplier<Future<T>> work, Runnable onJoin) {
    Promise<T> promise = Promise.promise();
    Future<T> mine = promise.future();
    Future<?> existing = running.putIfAbsent(key, mine);
    if (existing != null) {
      onJoin.run();
      return (Future<T>) existing;
    }
    Future<T> started;
    try {
      started = work.get();
    } catch (RuntimeException e) {
      // A failure to start must not leave the key owned by a load that never ends.
      started = Future.failedFuture(e);
    }
    started.onComplete(ar -> {
      running.remove(key, mine);
      promise.handle(ar);
    });
    return mine;
  }

  /** @return how many loads are in progress (for tests) */
  int size() {
    return running.size();
  }
}
