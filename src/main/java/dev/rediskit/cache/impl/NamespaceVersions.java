package dev.rediskit.cache.impl;

import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

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
 * ({@link HeldVersions}) for at most {@code cache.versionRefreshMs}: a version is used only while the {@code GET} that
 * fetched it was <em>sent</em> less than that long ago. A read after that waits for a fresh
 * {@code GET} (one per namespace at a time, the other reads join it); a read in the second half of
 * that time uses the version it has and starts the refresh in the background, so a namespace read
 * steadily never waits. Hence the bound: a read that starts more than {@code versionRefreshMs} after
 * a bump completed, on any instance, uses the new version. The instance that bumps uses it at once.
 * Versions only grow here: a fetched value lower than the one held is ignored.
 */
final class NamespaceVersions {

  private final RedisGateway gateway;
  private final CacheKeys keys;
  /** Each namespace's version, and the start of its entries' keys at that version (made once per version). */
  private final HeldVersions<Future<String>> held;

  /**
   * @param gateway the gateway
   * @param keys the key layout
   * @param refreshMs how long a fetched version is used ({@code cache.versionRefreshMs})
   */
  NamespaceVersions(RedisGateway gateway, CacheKeys keys, long refreshMs) {
    this.gateway = gateway;
    this.keys = keys;
    this.held = new HeldVersions<>(refreshMs,
      ns -> gateway.send(Request.cmd(Command.GET).arg(keys.versionKey(ns))).map(NamespaceVersions::parse),
      (ns, version) -> Future.succeededFuture(keys.entryStart(ns, version)), true, Integer.MAX_VALUE);
  }

  /**
   * @param listener told, after the fact, of each namespace whose held version moved up (a bump here,
   * or a newer version fetched); the first version an instance holds is no change
   */
  void onChange(Consumer<String> listener) {
    held.onChange(listener);
  }

  /**
   * @param namespace a valid namespace
   * @return the start of its entries' keys at the current version, {@code <keyPrefix>:c:<namespace>:<version>:};
   * an already completed future unless the version must be fetched first
   */
  Future<String> entryStart(String namespace) {
    HeldVersions.Held<Future<String>> h = held.recent(namespace);
    if (h != null) {
      return h.value();
    }
    return held.fetch(namespace).map(st -> st.value().result());
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
   * @return the start of its entries' keys at the current version when the version held is recent
   *     (as {@link #entryStart}, which starts the background refresh in the second half of its
   *     time), else {@code null}; never waits, so that the near cache's hit path can try it first
   */
  String recentStart(String namespace) {
    HeldVersions.Held<Future<String>> h = held.recent(namespace);
    return h == null ? null : h.value().result();
  }

  /**
   * @param namespace a valid namespace
   * @return the version this instance uses now (fetched first if it is too old)
   */
  Future<Long> version(String namespace) {
    return held.get(namespace).map(HeldVersions.Held::version);
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
      .map(r -> held.update(namespace, r.toLong(), sent).version());
  }

  private static long parse(Response r) {
    return r == null ? 0 : r.toLong();
  }
}
