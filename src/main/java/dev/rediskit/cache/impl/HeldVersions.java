package dev.rediskit.cache.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Versions kept in Redis (of namespaces, of tags) held by this instance for at most
 * {@code cache.versionRefreshMs}, so that reads do not pay a round trip for them: a version is used
 * only while the read that fetched it was <em>sent</em> less than that long ago. A caller after
 * that waits for a fresh read (one per name at a time, the others join it); a caller in the second
 * half of that time gets the version held and starts the refresh in the background, so a name used
 * steadily never waits. Hence the bound of {@link NamespaceVersions} and {@link TagVersions}: what
 * starts more than {@code versionRefreshMs} after a change completed, on any instance, sees it.
 *
 * @param <V> what is derived from each version once (the start of a namespace's keys), or {@link Void}
 */
final class HeldVersions<V> {

  /** What is held for a name: its version, what was derived from it, when the read that fetched it was sent. */
  record Held<V>(long version, V value, long fetchedAtNanos) {
  }

  private final Function<String, Future<Long>> read;
  private final BiFunction<String, Long, V> derive;
  private final boolean onlyUp;
  private final int sweepAbove;
  private final long refreshNanos;
  private final ConcurrentHashMap<String, Held<V>> states = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Future<Held<V>>> fetching = new ConcurrentHashMap<>();
  private final AtomicInteger updates = new AtomicInteger();
  private volatile Consumer<String> changed = name -> { };

  /**
   * @param refreshMs how long a fetched version is used ({@code cache.versionRefreshMs})
   * @param read reads a name's version from Redis (0 when absent)
   * @param derive what to keep beside each new version
   * @param onlyUp whether versions only grow (a lower reading is ignored), or the reading sent last is held
   * @param sweepAbove past this many names held, those too old to be used are dropped now and then
   */
  HeldVersions(long refreshMs, Function<String, Future<Long>> read, BiFunction<String, Long, V> derive, boolean onlyUp,
               int sweepAbove) {
    this.refreshNanos = TimeUnit.MILLISECONDS.toNanos(refreshMs);
    this.read = read;
    this.derive = derive;
    this.onlyUp = onlyUp;
    this.sweepAbove = sweepAbove;
  }

  /** @param listener told, after the fact, of each name whose held version changed (not its first reading) */
  void onChange(Consumer<String> listener) {
    this.changed = listener;
  }

  /**
   * @param name a name
   * @return what is held when recent enough to use (starting a background refresh in the second
   * half of its time), else {@code null}; never waits
   */
  Held<V> recent(String name) {
    Held<V> h = states.get(name);
    if (h == null) {
      return null;
    }
    long age = System.nanoTime() - h.fetchedAtNanos;
    if (age >= refreshNanos) {
      return null;
    }
    if (age >= refreshNanos / 2) {
      fetch(name);
    }
    return h;
  }

  /**
   * @param name a name
   * @return what is held, however old, or {@code null}; never fetches
   */
  Held<V> any(String name) {
    return states.get(name);
  }

  /**
   * @param name a name
   * @return what is held when recent enough, else after a fresh read
   */
  Future<Held<V>> get(String name) {
    Held<V> h = recent(name);
    return h != null ? Future.succeededFuture(h) : fetch(name);
  }

  /**
   * @param name a name
   * @return a fresh read of its version: the one in flight if any, else a new one
   */
  Future<Held<V>> fetch(String name) {
    Future<Held<V>> running = fetching.get(name);
    if (running != null) {
      return running;
    }
    Promise<Held<V>> p = Promise.promise();
    Future<Held<V>> raced = fetching.putIfAbsent(name, p.future());
    if (raced != null) {
      return raced;
    }
    long sent = System.nanoTime();
    read.apply(name).map(v -> update(name, v, sent)).onComplete(ar -> {
      fetching.remove(name, p.future());
      p.handle(ar);
    });
    return p.future();
  }

  /**
   * Holds a version read (or set) by a command sent at {@code sentAtNanos}.
   *
   * @param name a name
   * @param version its version
   * @param sentAtNanos when the command was sent
   * @return what is held now
   */
  Held<V> update(String name, long version, long sentAtNanos) {
    boolean[] moved = {false};
    Held<V> h = states.compute(name, (n, old) -> {
      if (old == null) {
        return new Held<>(version, derive.apply(n, version), sentAtNanos);
      }
      boolean newer = sentAtNanos > old.fetchedAtNanos;
      if (onlyUp ? version > old.version : newer && version != old.version) {
        moved[0] = true;
        return new Held<>(version, derive.apply(n, version), sentAtNanos);
      }
      // The same version (or, when versions only grow, an older reading that arrived late): the newer fetch time counts.
      return newer ? new Held<>(old.version, old.value, sentAtNanos) : old;
    });
    if (moved[0]) {
      changed.accept(name);
    }
    if (states.size() > sweepAbove && (updates.incrementAndGet() & 1023) == 0) {
      // A state older than the refresh time is never used again: it would be fetched anew.
      long now = System.nanoTime();
      states.values().removeIf(s -> now - s.fetchedAtNanos >= refreshNanos);
    }
    return h;
  }
}
