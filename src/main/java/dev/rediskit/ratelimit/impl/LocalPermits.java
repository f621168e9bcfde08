package dev.rediskit.ratelimit.impl;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The LOCAL policy's places of concurrency limits while Redis cannot answer: per key at most this
 * instance's share of {@code maxConcurrent} (rounded down, at least 1), each place a lease that ends
 * by itself like a place in Redis, so that a holder that never releases gives it back.
 *
 * <p>Touched only on the gateway's context (the failed acquire completes there, and releases hop
 * there), so nothing is locked. Bounded: at most {@code maxKeys} keys, the oldest dropped first
 * (its holders' releases then find nothing and answer {@code false}).
 */
final class LocalPermits {

  private final int sharePercent;
  private final int maxKeys;
  /** Per key: holder id → lease end (nanoTime). */
  private final Map<String, Map<String, Long>> holders;
  /** Written on the gateway's context only; volatile for the metrics that read it from elsewhere. */
  private volatile int held;

  LocalPermits(int sharePercent, int maxKeys) {
    this.sharePercent = sharePercent;
    this.maxKeys = maxKeys;
    this.holders = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** @return this instance's share of {@code maxConcurrent}: at least one place */
  int share(int maxConcurrent) {
    return (int) Math.max(1, (long) maxConcurrent * sharePercent / 100);
  }

  /**
   * @return the places held after taking one for {@code id}, or {@code -1} when the share is full
   */
  int acquire(String key, String id, int maxConcurrent, long leaseMs, long now) {
    Map<String, Long> of = holders.get(key);
    if (of == null) {
      if (holders.size() >= maxKeys) {
        Iterator<Map.Entry<String, Map<String, Long>>> oldest = holders.entrySet().iterator();
        held -= oldest.next().getValue().size();
        oldest.remove();
      }
      of = new HashMap<>();
      holders.put(key, of);
    }
    expire(of, now);
    if (of.size() >= share(maxConcurrent)) {
      return -1;
    }
    of.put(id, now + leaseMs * 1_000_000);
    held++;
    return of.size();
  }

  /** @return whether {@code id} held a live local place of {@code key}, now given back */
  boolean release(String key, String id, long now) {
    Map<String, Long> of = holders.get(key);
    if (of == null) {
      return false;
    }
    Long end = of.remove(id);
    if (end == null) {
      return false;
    }
    held--;
    if (of.isEmpty()) {
      holders.remove(key);
    }
    return now - end < 0;
  }

  /** @return whether {@code id}'s live local place of {@code key} was extended */
  boolean renew(String key, String id, long leaseMs, long now) {
    Map<String, Long> of = holders.get(key);
    Long end = of == null ? null : of.get(id);
    if (end == null || now - end >= 0) {
      return false;
    }
    of.put(id, now + leaseMs * 1_000_000);
    return true;
  }

  private void expire(Map<String, Long> of, long now) {
    int before = of.size();
    of.values().removeIf(end -> now - end >= 0);
    held -= before - of.size();
  }

  /** @return local places held (some perhaps past their lease, until their key is next used) */
  int held() {
    return held;
  }
}
