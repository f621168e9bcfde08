package dev.rediskit.cache.impl;

import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.cache.CacheResult;
import dev.rediskit.cache.impl.EntryFormat.Entry;
import dev.rediskit.client.RedisGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.function.Supplier;

/**
 * Get-or-load of one namespace view, with stampede protection on this instance and across
 * instances.
 *
 * <p>In order: join a load of the same key already running here (single flight); else GET; a
 * fresh entry is served (and may start a background refresh); otherwise this instance becomes the
 * key's flight, takes the Redis lease ({@code SET NX PX} with a random token), re-reads the entry
 * (another instance may have just written it) and only then calls the loader, writes the entry and
 * releases the lease with a compare-and-delete script. An instance that finds the lease taken
 * re-reads with growing back-off until the entry appears or the lease is free again. Every step
 * is bounded (command timeout, load timeout, lease lifetime), so no call hangs.
 *
 * @param <V> the value type
 */
final class LoadFlight<V> {

  private static final long FIRST_WAIT_MS = 5;
  private static final long MAX_WAIT_MS = 100;

  private final Vertx vertx;
  private final RedisGateway gateway;
  private final CacheKeys keys;
  private final SingleFlight flights;
  private final Leases leases;
  private final NamespaceEntries<V> entries;
  private final EntryLoader<V> loads;
  private final Refresher<V> refresher;
  private final StatsImpl stats;
  private final Runnable countJoin;
  /** The namespace's near cache, or {@code null}: a local hit is served (and refreshed ahead) like a Redis one. */
  private final NearCache near;

  /**
   * @param ctx the cache's shared parts
   * @param entries the view's stored form
   * @param loads runs the loader and writes the entry
   * @param refresher refresh-ahead of hits
   * @param stats the namespace's counters
   * @param near the namespace's near cache, or {@code null}
   */
  LoadFlight(CacheContext ctx, NamespaceEntries<V> entries, EntryLoader<V> loads, Refresher<V> refresher, StatsImpl stats,
             NearCache near) {
    this.near = near;
    this.vertx = ctx.vertx;
    this.gateway = ctx.gateway;
    this.keys = ctx.keys;
    this.flights = ctx.flights;
    this.leases = ctx.leases;
    this.entries = entries;
    this.loads = loads;
    this.refresher = refresher;
    this.stats = stats;
    this.countJoin = stats.singleFlightJoins::increment;
  }

  /**
   * @param start the start of the namespace's Redis keys at its current version
   * @param key the key inside the namespace (checked)
   * @param loader the loader (not null)
   * @param o the resolved settings
   * @return the cached, loaded or stale result
   */
  private Future<CacheResult<V>> getOrLoad(String start, String key, Supplier<Future<V>> loader, LoadSettings o) {
    String rk = start.concat(key);
    Future<CacheResult<V>> running = flights.current(rk);
    if (running != null) {
      // A caller that joins a load found nothing fresh as surely as one that read Redis first: counted as a
      // miss too, or a stampede's callers would vanish from the hit ratio and from requests{result=miss}.
      stats.misses.increment();
      stats.singleFlightJoins.increment();
      return running;
    }
    NearCache.Fill fill = null;
    if (near != null) {
      CacheResult<V> local = near.hit(start, key, entries);
      if (local != null) {
        stats.hits.increment();
        Entry e = near.entry(start, key);
        if (e != null) {
          refresher.maybeRefresh(rk, key, loader, o, e, System.currentTimeMillis());
        }
        return Future.succeededFuture(local);
      }
      fill = near.begin(key);
    }
    NearCache.Fill token = fill;
    return SlidingExpiry.read(gateway, rk, o.idleMs()).transform(ar -> {
      if (token != null) {
        if (ar.succeeded()) {
          near.fill(start, key, token, NamespaceEntries.entryOf(ar.result()), System.currentTimeMillis(), entries.codec());
        } else {
          near.abandon(key, token);
        }
      }
      if (ar.failed()) {
        stats.errors.increment();
        if (!RedisUnavailableException.isRedisUnavailable(ar.cause())) {
          // Our own back-pressure or an error reply: loading anyway would turn a burst into a
          // stampede on the loader's database. The caller gets the failure.
          return Future.failedFuture(ar.cause());
        }
        // Nothing fresh could be read, and the loader answers: a miss, as when the version could not be read.
        stats.misses.increment();
        return flight(rk, key, loader, o, null, true);
      }
      Entry read = NamespaceEntries.entryOf(ar.result());
      if (read != null && read.hasTags()) {
        Future<Entry> tagged = entries.checkTags(read);
        if (tagged.succeeded()) {
          return served(rk, key, loader, o, tagged.result());
        }
        return tagged.transform(checked -> {
          if (checked.failed()) {
            stats.errors.increment();
            return Future.failedFuture(checked.cause());
          }
          return served(rk, key, loader, o, checked.result());
        });
      }
      return served(rk, key, loader, o, read);
    });
  }

  /** After the first read: a fresh entry is served (and maybe refreshed), anything else loads. */
  private Future<CacheResult<V>> served(String rk, String key, Supplier<Future<V>> loader, LoadSettings o, Entry read) {
    long now = System.currentTimeMillis();
    Entry e = read;
    if (e != null && e.isFresh(now)) {
      try {
        V value = entries.valueOf(e);
        stats.hits.increment();
        refresher.maybeRefresh(rk, key, loader, o, e, now);
        return Future.succeededFuture(new CacheResult<>(true, value, false, e.freshUntil - now, e.tagList()));
      } catch (RuntimeException ex) {
        // Unreadable (changed class or codec): load it again as if it were missing.
        stats.errors.increment();
        e = null;
      }
    }
    stats.misses.increment();
    return flight(rk, key, loader, o, e, false);
  }


  /**
   * @param start the start of the namespace's keys at its current version, once known
   * @param ns the namespace
   * @param key the key inside the namespace (checked)
   * @param loader the loader (not null)
   * @param o the resolved settings
   * @return the cached, loaded or stale result
   */
  Future<CacheResult<V>> getOrLoad(Future<String> start, String ns, String key, Supplier<Future<V>> loader, LoadSettings o) {
    if (start.succeeded()) {
      return getOrLoad(start.result(), key, loader, o);
    }
    return start.transform(ar -> {
      if (ar.succeeded()) {
        return getOrLoad(ar.result(), key, loader, o);
      }
      stats.errors.increment();
      if (!RedisUnavailableException.isRedisUnavailable(ar.cause())) {
        return Future.failedFuture(ar.cause());
      }
      // The version could not be read: like a failed GET, the loader answers and nothing is
      // written, single-flighted under a name no Redis key can take (keys hold no control character).
      stats.misses.increment();
      return flights.joinOrRun(ns + '\n' + key, () -> loads.loadDirect(key, loader, null), countJoin);
    });
  }

  /** Becomes the key's single flight on this instance, or joins the one that got there first. */
  private Future<CacheResult<V>> flight(String rk, String key, Supplier<Future<V>> loader, LoadSettings o, Entry stale,
                                        boolean redisFailed) {
    return flights.joinOrRun(rk, () -> {
      if (redisFailed) {
        return loads.loadDirect(key, loader, stale);
      }
      long deadline = System.currentTimeMillis() + 2 * leases.ttlMs();
      return leaseAndLoad(rk, key, loader, o, stale, leases.newToken(), 0, FIRST_WAIT_MS, deadline);
    }, countJoin);
  }

  private Future<CacheResult<V>> leaseAndLoad(String rk, String key, Supplier<Future<V>> loader, LoadSettings o,
                                              Entry stale, String token, int attempt, long waitMs, long deadline) {
    String leaseKey = keys.leaseKey(rk);
    return leases.acquire(leaseKey, token).transform(ar -> {
      if (ar.failed()) {
        stats.errors.increment();
        if (!RedisUnavailableException.isRedisUnavailable(ar.cause())) {
          return Future.failedFuture(ar.cause());
        }
        return loads.loadDirect(key, loader, stale);
      }
      if (ar.result() != null) {
        // Ours. Another instance may have written the entry and released its lease just before: look again first.
        return gateway.send(Request.cmd(Command.GET).arg(rk)).transform(again -> {
          CacheResult<V> fresh = again.succeeded() ? entries.freshOrNull(again.result()) : null;
          if (fresh != null) {
            leases.release(leaseKey, token);
            return Future.succeededFuture(fresh);
          }
          return loads.loadAndStore(rk, key, loader, o, stale).andThen(done -> leases.release(leaseKey, token));
        });
      }
      // Another instance is loading: wait for its entry without blocking, with growing back-off.
      if (attempt == 0) {
        stats.leaseWaits.increment();
      }
      if (System.currentTimeMillis() >= deadline) {
        return loads.loadAndStore(rk, key, loader, o, stale);
      }
      return vertx.timer(waitMs)
        .compose(t -> gateway.send(Request.cmd(Command.GET).arg(rk)))
        .transform(reread -> {
          CacheResult<V> fresh = reread.succeeded() ? entries.freshOrNull(reread.result()) : null;
          if (fresh != null) {
            return Future.succeededFuture(fresh);
          }
          return leaseAndLoad(rk, key, loader, o, stale, token, attempt + 1, Math.min(MAX_WAIT_MS, waitMs * 2), deadline);
        });
    });
  }
}
