package dev.rediskit.ratelimit.impl;

import dev.rediskit.error.RedisKitException;
import dev.rediskit.ratelimit.PlanResolver;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.ratelimit.RateLimits;
import dev.rediskit.ratelimit.Limit;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plan of each token, from the user's {@link PlanResolver}, kept for a bounded time in a
 * bounded map, so that the resolver is asked about once per token and period. A failed lookup is
 * not kept: that decision goes on without a plan (the ordinary per-token limits), and the failure is
 * counted and logged when a run of them starts. Plan limits with no resolver to name a plan would
 * never apply: the first token seen then says so, once, rather than leave them silently unused.
 */
final class Plans {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  private static final Future<String> NO_PLAN = Future.succeededFuture(null);

  private record Entry(String plan, long expiresNanos) {
  }

  private final String limiter;
  private final long ttlNanos;
  private final int maxSize;
  private final Counters counters;
  private final RateLimits limits;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  private volatile PlanResolver resolver;
  private volatile boolean failing;
  /** Whether the missing resolver was told of since one was last set. */
  private volatile boolean toldUnresolved;

  Plans(String limiter, long ttlMs, int maxSize, Counters counters, RateLimits limits) {
    this.limiter = limiter;
    this.ttlNanos = ttlMs * 1_000_000;
    this.maxSize = maxSize;
    this.counters = counters;
    this.limits = limits;
  }

  void resolver(PlanResolver resolver) {
    this.resolver = resolver;
    cache.clear();
    toldUnresolved = false;
  }

  /**
   * A token came with no resolver set. Cheap after the first call: one volatile read.
   *
   * @return whether a warning was logged now
   */
  boolean unresolved() {
    if (toldUnresolved || resolver != null) {
      return false;
    }
    Map<String, Limit> plans = limits.plans();
    if (plans.isEmpty()) {
      return false;
    }
    toldUnresolved = true;
    LOG.warn("rate limiter {}: plan limits are set for {} but no plan resolver is, so no token's plan is known and every "
      + "token gets the ordinary per-token limits; set rateLimit.planAddress, or give the limiter one with "
      + "planResolver(...)", limiter, plans.keySet());
    return true;
  }

  boolean active() {
    return resolver != null;
  }

  /** @return the token's plan, or {@code null}; completed at once when it is known */
  Future<String> plan(String token) {
    PlanResolver r = resolver;
    if (r == null || token == null) {
      if (token != null) {
        unresolved();
      }
      return NO_PLAN;
    }
    long now = System.nanoTime();
    Entry e = cache.get(token);
    if (e != null && now - e.expiresNanos < 0) {
      return Future.succeededFuture(e.plan);
    }
    Future<String> asked;
    try {
      asked = r.plan(token);
      if (asked == null) {
        asked = Future.failedFuture(new IllegalStateException("the plan resolver returned no future"));
      }
    } catch (RuntimeException ex) {
      asked = Future.failedFuture(ex);
    }
    return asked.transform(ar -> {
      if (ar.succeeded()) {
        remember(token, new Entry(ar.result(), System.nanoTime() + ttlNanos));
        if (failing) {
          failing = false;
          LOG.info("rate limiter {}: the plan resolver answers again", limiter);
        }
        return Future.succeededFuture(ar.result());
      }
      counters.planFailed();
      if (!failing) {
        failing = true;
        LOG.warn("rate limiter {}: the plan resolver failed, deciding with the ordinary per-token limits: {}", limiter,
          describe(ar.cause()));
      }
      return NO_PLAN;
    });
  }

  /** The module's own failures say what went wrong in their message; any other is shown with its type. */
  private static String describe(Throwable cause) {
    return cause instanceof RedisKitException && cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }

  private void remember(String token, Entry entry) {
    if (cache.size() >= maxSize) {
      evict(entry.expiresNanos - ttlNanos);
    }
    cache.put(token, entry);
  }

  /** Drops the expired entries, and when none was, a tenth of the map: the bound holds, at rare cost. */
  private void evict(long now) {
    cache.values().removeIf(e -> now - e.expiresNanos >= 0);
    int drop = Math.max(1, maxSize / 10);
    for (Iterator<String> it = cache.keySet().iterator(); cache.size() >= maxSize && drop-- > 0 && it.hasNext(); ) {
      it.next();
      it.remove();
    }
  }

  int size() {
    return cache.size();
  }
}
