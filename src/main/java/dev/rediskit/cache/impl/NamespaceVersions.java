package dev.rediskit.cache.impl;

import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The version of each namespace, part of every key of its entries
 * ({@code <keyPrefix>:c:<namespace>:<version>:<key>}): a counter in Redis at
 * {@code <keyPrefix>:cv:<namespace>} ({@link dev.rediskit.config.KeyFamily#CACHE_NAMESPACE_VERSION}),
 * absent (version 0) until the first {@link #bump(String)}. Bumping it makes every entry of the
 * namespace unreachable at once, in one {@code INCR}; the old entries expire by their TTL.
 *
 * <p>Reads must not pay a second round trip for the version, so each instance holds it locally
 * for at most {@code cache.versionRefreshMs}: a version is used only while the {@code GET} that
 * fetched it was <em>sent</em> less than that long ago. A read after that waits for a fresh
 * {@code GET} (one per namespace at a time, the other reads join it); a read in the second half of
 * that time uses the version it has and starts the refresh in the background, so a namespace read
 * steadily never waits. Hence the bound: a read that starts more than {@code versionRefreshMs} after
 * a bump completed, on any instance, uses the new version. The instance that bumps uses it at once.
 * Versions only grow here: a fetched value lower than the one held is ignored.
 */
final class NamespaceVersions {

  /** What an instance holds for a namespace. */
  private record State(long version, Future<String> start, long fetchedAtNanos) {
  }

  private final RedisGateway gateway;
  private final CacheKeys keys;
  private final long refreshNanos;
  private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Future<State>> fetching = new ConcurrentHashMap<>();
  /** Told the namespace whose held version moved up (not its first reading). */
  private volatile Consumer<String> changed = ns -> { };

  /**
   * @param gateway the gateway
   * @param keys the key layout
   * @param refreshMs how long a fetched version is used ({@code cache.versionRefreshMs})
   */
  NamespaceVersions(RedisGateway gateway, CacheKeys keys, long refreshMs) {
    this.gateway = gateway;
    this.keys = keys;
    this.refreshNanos = TimeUnit.MILLISECONDS.toNanos(refreshMs);
  }

  /**
   * @param listener told, after the fact, of each namespace whose held version moved up (a bump here,
   * or a newer version fetched); the first version an instance holds is no change
   */
  void onChange(Consumer<String> listener) {
    this.changed = listener;
  }

  /**
   * @param namespace a valid namespace
   * @return the start of its entries' keys at the current version, {@code <keyPrefix>:c:<namespace>:<version>:};
   * an already completed future unless the version must be fetched first
   */
  Future<String> entryStart(String namespace) {
    State s = states.get(namespace);
    long now = System.nanoTime();
    if (s != null) {
      long age = now - s.fetchedAtNanos;
      if (age < refreshNanos) {
        if (age >= refreshNanos / 2) {
          fetch(namespace);
        }
        return s.start;
      }
    }
    return fetch(namespace).map(st -> st.start.result());
  }

  /**
   * Runs {@code op} with the start of the namespace's keys at its current version: at once when the
   * version held is recent (every read but one per {@code cache.versionRefreshMs}), else after
   * fetching it. A failed fetch is counted and passed on.
   *
   * @param namespace a valid namespace
   * @param stats its counters
   * @param op what to run
   * @param <T> its result type
   * @return its result
   */
  <T> Future<T> withStart(String namespace, StatsImpl stats, Function<String, Future<T>> op) {
    Future<String> start = entryStart(namespace);
    if (start.succeeded()) {
      return op.apply(start.result());
    }
    return start.transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        return Future.failedFuture(ar.cause());
      }
      return op.apply(ar.result());
    });
  }

  /**
   * @param namespace a valid namespace
   * @return the start of its entries' keys at the version held now, however old, or {@code null}
   * when none is held yet; never fetches (for the near cache, which drops a written key's copy)
   */
  String heldStart(String namespace) {
    State s = states.get(namespace);
    return s == null ? null : s.start.result();
  }

  /**
   * @param namespace a valid namespace
   * @return the version this instance uses now (fetched first if it is too old)
   */
  Future<Long> version(String namespace) {
    State s = states.get(namespace);
    if (s != null && System.nanoTime() - s.fetchedAtNanos < refreshNanos) {
      return Future.succeededFuture(s.version);
    }
    return fetch(namespace).map(State::version);
  }

  /**
   * Increments the namespace's version in Redis and uses the new one on this instance at once.
   *
   * @param namespace a valid namespace
   * @return the new version
   */
  Future<Long> bump(String namespace) {
    long sent = System.nanoTime();
    return gateway.send(Request.cmd(Command.INCR).arg(keys.versionKey(namespace)))
      .map(r -> update(namespace, r.toLong(), sent).version);
  }

  private Future<State> fetch(String namespace) {
    Future<State> running = fetching.get(namespace);
    if (running != null) {
      return running;
    }
    long sent = System.nanoTime();
    Future<State> f = gateway.send(Request.cmd(Command.GET).arg(keys.versionKey(namespace)))
      .map(r -> update(namespace, parse(r), sent));
    Future<State> raced = fetching.putIfAbsent(namespace, f);
    if (raced != null) {
      return raced;
    }
    f.onComplete(ar -> fetching.remove(namespace, f));
    return f;
  }

  private static long parse(Response r) {
    return r == null ? 0 : r.toLong();
  }

  private State update(String namespace, long version, long sentAtNanos) {
    boolean[] moved = {false};
    State s = states.compute(namespace, (ns, old) -> {
      if (old == null || version > old.version) {
        moved[0] = old != null;
        return new State(version, Future.succeededFuture(keys.entryStart(ns, version)), sentAtNanos);
      }
      // The same version (or an older reading that arrived late): the newer fetch time counts.
      return sentAtNanos > old.fetchedAtNanos ? new State(old.version, old.start, sentAtNanos) : old;
    });
    if (moved[0]) {
      changed.accept(namespace);
    }
    return s;
  }
}
