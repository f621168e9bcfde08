package dev.rediskit.ratelimit.impl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rediskit.ratelimit.Limit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The in-memory GCRA of the LOCAL failure policy: the same arithmetic as {@code gcra.lua}, on the
 * local monotonic clock, each key's theoretical arrival time in an {@link AtomicLong} updated
 * with compare-and-set (no lock), the keys bounded by size.
 *
 * <p>Each instance holds only its share of the quota, so that N instances deciding alone while
 * Redis is away do not grant N times the limit. Over several keys it is all or nothing when
 * uncontended; two racing calls may both pass a check and consume, a small overshoot accepted
 * for a fallback.
 */
public final class LocalGcra {

  /** A key's state after {@link #acquire}: reset and retry are in microseconds. */
  record KeyResult(boolean allowed, long remaining, long resetUs, long retryUs, Limit limit) {
  }

  private final Cache<String, AtomicLong> tats;
  private final LongSupplier clockMicros;
  private final int sharePercent;

  /**
   * @param maxKeys keys remembered at most
   * @param sharePercent this instance's share of each limit, 1 to 100
   * @param clockMicros a monotonic clock in microseconds
   */
  public LocalGcra(int maxKeys, int sharePercent, LongSupplier clockMicros) {
    this.tats = Caffeine.newBuilder().maximumSize(maxKeys).executor(Runnable::run).build();
    this.sharePercent = sharePercent;
    this.clockMicros = clockMicros;
  }

  /**
   * @param limit a limit
   * @return this instance's share of it: limit and burst scaled down (rounded up, at least 1),
   * window unchanged
   */
  public Limit share(Limit limit) {
    long l = scale(limit.limit());
    long b = scale(limit.burst());
    return new Limit(l, limit.windowMs(), b);
  }

  private long scale(long v) {
    return Math.max(1, (v * sharePercent + 99) / 100);
  }

  /**
   * Decides one request over one or several keys, all or nothing.
   *
   * @param keys the keys
   * @param limits the full limits of the keys (this instance's share is applied here)
   * @param cost the cost of the request
   * @return per key its state; all allowed, or none consumed
   */
  KeyResult[] acquire(String[] keys, Limit[] limits, long cost) {
    long now = clockMicros.getAsLong();
    int n = keys.length;
    AtomicLong[] states = new AtomicLong[n];
    Limit[] local = new Limit[n];
    boolean allowed = true;
    for (int i = 0; i < n; i++) {
      local[i] = share(limits[i]);
      states[i] = tats.get(keys[i], k -> new AtomicLong(Long.MIN_VALUE));
      long tat = Math.max(states[i].get(), now);
      if (tat + Gcra.increment(local[i], Math.min(cost, local[i].burst())) - Gcra.tolerance(local[i]) > now) {
        allowed = false;
      }
    }
    KeyResult[] out = new KeyResult[n];
    for (int i = 0; i < n; i++) {
      long inc = Gcra.increment(local[i], Math.min(cost, local[i].burst()));
      long tol = Gcra.tolerance(local[i]);
      long interval = Gcra.interval(local[i]);
      long tat;
      if (allowed) {
        while (true) {
          long old = states[i].get();
          tat = Math.max(old, now);
          if (tat + inc - tol > now) {
            // Lost a race: keep the state as it is and report this key's rejection.
            allowed = false;
            break;
          }
          if (states[i].compareAndSet(old, tat + inc)) {
            tat += inc;
            break;
          }
        }
      } else {
        tat = Math.max(states[i].get(), now);
      }
      long reset = tat - now;
      long remaining = Math.max(0, Math.min(local[i].burst(), (tol - reset) / interval));
      long retry = Math.max(0, reset + inc - tol);
      out[i] = new KeyResult(retry == 0 || allowed, remaining, reset, retry, local[i]);
    }
    return out;
  }
}
