package dev.rediskit.cache.impl;

import dev.rediskit.cache.impl.EntryFormat.Entry;
import io.vertx.core.Future;

import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Refresh-ahead: a get-or-load hit late in its entry's life reloads the entry once, in the
 * background, so hot keys are reloaded before they expire instead of by a reader that missed.
 *
 * <p>"Late" is either a fixed fraction of the fresh lifetime or XFetch (probabilistic early
 * expiration, which refreshes slow loaders earlier). At most one refresh of a key runs on this
 * instance (the shared in-progress set), and across instances the Redis lease decides: a refresh
 * that does not get the lease does nothing, because someone else is already loading the key.
 *
 * @param <V> the value type
 */
final class Refresher<V> {

  private final Set<String> refreshing;
  private final Leases leases;
  private final CacheKeys keys;
  private final EntryLoader<V> loads;
  private final StatsImpl stats;

  /**
   * @param refreshing the keys being refreshed on this instance, shared by the whole cache
   * @param leases the Redis lease
   * @param keys the key layout (for the lease key)
   * @param loads runs the loader and writes the entry
   * @param stats the namespace's counters
   */
  Refresher(Set<String> refreshing, Leases leases, CacheKeys keys, EntryLoader<V> loads, StatsImpl stats) {
    this.refreshing = refreshing;
    this.leases = leases;
    this.keys = keys;
    this.loads = loads;
    this.stats = stats;
  }

  /**
   * Starts a background refresh of the entry when it is due and nobody here refreshes it already;
   * returns at once either way (the caller's hit does not wait for it).
   *
   * @param rk the entry's Redis key
   * @param key the key inside the namespace
   * @param loader the loader
   * @param o the resolved settings
   * @param e the fresh entry just read
   * @param now the epoch ms it was judged fresh at
   */
  void maybeRefresh(String rk, String key, Supplier<Future<V>> loader, LoadSettings o, Entry e, long now) {
    if (!o.refreshAhead()) {
      return;
    }
    if (!isDue(o, e, now) || !refreshing.add(rk)) {
      return;
    }
    String leaseKey = keys.leaseKey(rk);
    String token = leases.newToken();
    leases.acquire(leaseKey, token).onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        // Redis trouble, or another instance is already refreshing or loading it.
        refreshing.remove(rk);
        return;
      }
      stats.refreshes.increment();
      loads.loadAndStore(rk, key, loader, o, null).onComplete(done -> {
        refreshing.remove(rk);
        leases.release(leaseKey, token);
      });
    });
  }

  /**
   * @param o settings with refresh-ahead on
   * @param e a fresh entry
   * @param now the current epoch ms
   * @return whether the entry is due for a refresh now
   */
  static boolean isDue(LoadSettings o, Entry e, long now) {
    if (o.fraction() > 0) {
      return dueByFraction(o.fraction(), e, now);
    }
    return dueByXFetch(o.beta(), e, now, 1.0 - ThreadLocalRandom.current().nextDouble());
  }

  /**
   * @param fraction the part of the fresh lifetime, at the end, in which a read refreshes
   * @param e a fresh entry
   * @param now the current epoch ms
   * @return whether at most {@code fraction} of its fresh lifetime is left
   */
  static boolean dueByFraction(double fraction, Entry e, long now) {
    return e.freshUntil - now <= (long) (fraction * e.ttlMs);
  }

  /**
   * XFetch: -ln(u) is exponentially distributed, so early refreshes are rare far from expiry and
   * likely close to it, and likelier for slow loaders.
   *
   * @param beta how eager (1 is the paper's default)
   * @param e a fresh entry
   * @param now the current epoch ms
   * @param u a uniform random number in (0, 1]
   * @return whether this read refreshes
   */
  static boolean dueByXFetch(double beta, Entry e, long now, double u) {
    return now - Math.max(1, e.loadMs) * beta * Math.log(u) >= e.freshUntil;
  }
}
