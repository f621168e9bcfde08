package dev.rediskit.ratelimit.impl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.rediskit.ratelimit.Decision;
import dev.rediskit.ratelimit.Limit;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keys that Redis said are blocked, each remembered until it may pass again, so that a client
 * hammering a blocked key costs no Redis round trip. Bounded (Caffeine's size eviction, close to
 * LRU), each entry expiring at its own retry time.
 *
 * <p>It can only err on the side of asking Redis: an entry's deadline is the call's start plus
 * the retry-after Redis computed, which is never later than the true moment (Redis decided after
 * the call started), and an entry applies only to requests at least as costly, under the same
 * limit definition.
 */
final class DenyCache {

  /**
   * One blocked key.
   *
   * @param untilNanos when a request of {@code cost} may pass again ({@link System#nanoTime()})
   * @param resetAtNanos when the quota is full again
   * @param cost the cost that was rejected
   * @param remaining units that were left
   * @param limit the limit it was rejected under
   */
  record Blocked(long untilNanos, long resetAtNanos, long cost, long remaining, Limit limit) {
  }

  private final Cache<String, Blocked> cache;

  DenyCache(int maxEntries) {
    this.cache = Caffeine.newBuilder()
      .maximumSize(maxEntries)
      // Maintenance on the calling thread: no hop to the common pool, which the event loops share two cores with.
      .executor(Runnable::run)
      .expireAfter(new Expiry<String, Blocked>() {
        @Override
        public long expireAfterCreate(String key, Blocked value, long currentTime) {
          return Math.max(0, value.untilNanos - currentTime);
        }

        @Override
        public long expireAfterUpdate(String key, Blocked value, long currentTime, long currentDuration) {
          return Math.max(0, value.untilNanos - currentTime);
        }

        @Override
        public long expireAfterRead(String key, Blocked value, long currentTime, long currentDuration) {
          return currentDuration;
        }
      })
      .build();
  }

  /**
   * @return the entry when {@code key} is blocked for a request of this cost under this limit
   * right now, else {@code null}
   */
  Blocked blocked(String key, long cost, Limit limit, long now) {
    return blocked(key, cost, limit, now, 0);
  }

  /**
   * @param maxWaitNanos how long the call may wait for a slot: an entry that ends within it does
   * not block (the key's real wait is at least what the entry says, never less, so a call the
   * entry lets through may still be refused by Redis, but one it blocks could never have reserved)
   * @return the entry when {@code key} is blocked for longer than the call may wait, else {@code null}
   */
  Blocked blocked(String key, long cost, Limit limit, long now, long maxWaitNanos) {
    Blocked b = cache.getIfPresent(key);
    if (b == null || b.untilNanos - now - maxWaitNanos <= 0 || cost < b.cost || !b.limit.equals(limit)) {
      return null;
    }
    return b;
  }

  void put(String key, Blocked blocked) {
    cache.put(key, blocked);
  }

  /**
   * Answers a call without Redis when one of its keys is blocked.
   *
   * @param call the call
   * @param now {@link System#nanoTime()}
   * @return the rejection, by the key blocked longest, or {@code null} when no key is blocked
   */
  Decision answer(Call call, long now) {
    Blocked worst = null;
    int at = -1;
    for (int i = 0; i < call.keys.length; i++) {
      Blocked b = blocked(call.keys[i], call.cost, call.limits[i], now, call.maxWaitUs * 1000);
      if (b != null && (worst == null || b.untilNanos() - worst.untilNanos() > 0)) {
        worst = b;
        at = i;
      }
    }
    if (worst == null) {
      return null;
    }
    Limit l = call.limits[at];
    return Decisions.denyCached(l, worst, now, call.policies[at],
      call.verify ? List.of(Decisions.denyCached(l, worst, now, call.policies[at], null)) : null);
  }

  /**
   * Remembers the keys of a call that Redis rejected.
   *
   * @param call the call, its {@link Call#retryUs} filled from the reply
   * @param each per key its state from the reply
   */
  void remember(Call call, Decision[] each) {
    for (int i = 0; i < each.length; i++) {
      Decision k = each[i];
      if (!k.allowed() && call.retryUs[i] > 0) {
        // From the call's start, not the reply's arrival: Redis decided in between, so the entry
        // never outlives the moment Redis would let the key through (it may end up to a round
        // trip early, which costs one round trip, never a wrong rejection).
        put(call.keys[i], new Blocked(call.start + call.retryUs[i] * 1000,
          call.start + TimeUnit.MILLISECONDS.toNanos(k.resetMs()), call.cost, k.remaining(), call.limits[i]));
      }
    }
  }

  long size() {
    return cache.estimatedSize();
  }

  /** @return whether nothing is blocked: then a lookup (which hashes the key) is skipped */
  boolean isEmpty() {
    return cache.estimatedSize() == 0;
  }

  void clear() {
    cache.invalidateAll();
  }
}
