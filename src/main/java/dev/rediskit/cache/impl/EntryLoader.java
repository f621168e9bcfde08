package dev.rediskit.cache.impl;

import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.LoadTimeoutException;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.function.Supplier;

/**
 * Runs a key's loader once and stores what it returns: the step shared by a get-or-load that
 * missed ({@link LoadFlight}) and a background refresh ({@link Refresher}). The loader is bounded
 * by {@code cache.loadTimeoutMs}; when it fails, a stale entry (if the caller had one) is served
 * instead of the failure.
 *
 * @param <V> the value type
 */
final class EntryLoader<V> {

  private final String ns;
  private final Vertx vertx;
  private final RedisGateway gateway;
  private final NamespaceEntries<V> entries;
  private final StatsImpl stats;
  private final InvalidationListeners listeners;
  private final long loadTimeoutMs;

  /**
   * @param ctx the cache's shared parts
   * @param ns the namespace
   * @param entries its stored form
   * @param stats its counters
   */
  EntryLoader(CacheContext ctx, String ns, NamespaceEntries<V> entries, StatsImpl stats) {
    this.ns = ns;
    this.vertx = ctx.vertx;
    this.gateway = ctx.gateway;
    this.entries = entries;
    this.stats = stats;
    this.listeners = ctx.listeners;
    this.loadTimeoutMs = ctx.options.getLoadTimeoutMs();
  }

  /**
   * Calls the loader, writes what it returns, and falls back to the stale entry when it fails. A
   * failed write is counted but still answers with the loaded value.
   *
   * @param rk the entry's Redis key
   * @param key the key inside the namespace
   * @param loader the loader
   * @param o the resolved settings
   * @param stale the stale entry to serve if the loader fails, or {@code null}
   * @return the loaded (or stale) result
   */
  Future<CacheResult<V>> loadAndStore(String rk, String key, Supplier<Future<V>> loader, LoadSettings o, Entry stale) {
    long start = System.nanoTime();
    // The tags' versions before the loader reads its source: an invalidation while it runs leaves the entry stale.
    Future<TagStamp> stamp = entries.stamp(o.tags());
    return callLoader(key, loader).transform(ar -> {
      long nanos = System.nanoTime() - start;
      stats.loadTimeNanos.add(nanos);
      if (ar.failed()) {
        stats.loadFailures.increment();
        return staleOr(stale, ar.cause());
      }
      V value = ar.result();
      if (value == null && !o.cacheNulls()) {
        return Future.succeededFuture(CacheResult.loadedAbsent());
      }
      long ttl = value == null ? o.nullTtlMs() : o.ttlMs();
      Buffer payload;
      try {
        payload = value == null ? null : entries.encode("value", value);
      } catch (RuntimeException e) {
        // Too large or not encodable: the caller still gets the value, it is just not cached.
        stats.errors.increment();
        CacheContext.LOG.warn("not caching " + ns + ":" + key + ": " + e.getMessage());
        return Future.succeededFuture(CacheResult.loaded(value, 0));
      }
      CacheResult<V> result = CacheResult.loaded(value, ttl);
      return stamp.transform(st -> {
        if (st.failed()) {
          // Without the tags' versions the entry cannot be written safely: the caller still gets the value.
          stats.errors.increment();
          return Future.succeededFuture(result);
        }
        // A cached absence never slides: it is meant to end, read or not.
        Request write = entries.write(rk, payload, ttl, value == null ? 0 : o.staleMs(), nanos / 1_000_000,
          value == null ? 0 : o.idleMs(), st.result());
        return store(write, key, result);
      });
    });
  }

  /** Writes the loaded entry; a failed write is counted, the caller still gets the value. */
  private Future<CacheResult<V>> store(Request write, String key, CacheResult<V> result) {
    return gateway.send(write).transform(w -> {
      if (w.failed()) {
        stats.errors.increment();
      } else {
        stats.sets.increment();
        listeners.notifyInvalidate(ns, List.of(key));
      }
      return Future.succeededFuture(result);
    });
  }

  /**
   * Redis failed: the loader answers, nothing is written (Redis is in trouble; the next call caches again).
   *
   * @param key the key inside the namespace
   * @param loader the loader
   * @param stale the stale entry to serve if the loader fails, or {@code null}
   * @return the loaded (or stale) result
   */
  Future<CacheResult<V>> loadDirect(String key, Supplier<Future<V>> loader, Entry stale) {
    stats.redisFallbacks.increment();
    long start = System.nanoTime();
    return callLoader(key, loader).transform(ar -> {
      stats.loadTimeNanos.add(System.nanoTime() - start);
      if (ar.failed()) {
        stats.loadFailures.increment();
        return staleOr(stale, ar.cause());
      }
      return Future.succeededFuture(ar.result() == null ? CacheResult.loadedAbsent() : CacheResult.loaded(ar.result(), 0));
    });
  }

  private Future<CacheResult<V>> staleOr(Entry stale, Throwable failure) {
    if (stale != null) {
      try {
        V value = entries.valueOf(stale);
        stats.staleHits.increment();
        return Future.succeededFuture(new CacheResult<>(true, value, true, 0, stale.tagList()));
      } catch (RuntimeException ignored) {
        // An unreadable stale value is no better than none.
      }
    }
    return Future.failedFuture(failure);
  }

  /** Runs the loader once, bounded by {@code cache.loadTimeoutMs}. */
  private Future<V> callLoader(String key, Supplier<Future<V>> loader) {
    stats.loads.increment();
    Future<V> f;
    try {
      f = loader.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (f == null) {
      return Future.failedFuture(new NullPointerException("the loader of " + ns + ":" + key + " returned no future"));
    }
    if (f.isComplete()) {
      return f;
    }
    long timeoutMs = loadTimeoutMs;
    Promise<V> bounded = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, id -> bounded.tryFail(
      new LoadTimeoutException("the loader of " + ns + ":" + key + " did not complete within " + timeoutMs + " ms (cache.loadTimeoutMs)")));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        bounded.tryComplete(ar.result());
      } else {
        bounded.tryFail(ar.cause());
      }
    });
    return bounded.future();
  }
}
