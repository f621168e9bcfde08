package dev.rediskit.impl;

import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.metrics.CacheMeterSource;
import dev.rediskit.metrics.MetricsBinding;
import dev.rediskit.metrics.RateLimitMeterSource;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.ratelimit.RateLimitStats;
import dev.rediskit.ratelimit.RateLimiter;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Binds the cache's and the limiter's counters to the metrics layer. Several verticle instances
 * (one cache and one limiter each) report under the same meters: each meter reads the sum over
 * every live instance of this Vert.x, so that a scrape sees the whole node, and a namespace first
 * used after start-up gets its meters at the next check (every health probe interval).
 */
public final class MeterWiring implements Shareable {

  private static final String MAP = "dev.rediskit.meter-wiring";
  private static final long NAMESPACE_CHECK_MS = 5_000;

  private final List<RedisCache> caches = new CopyOnWriteArrayList<>();
  private final List<RateLimiter> limiters = new CopyOnWriteArrayList<>();
  private final Map<String, MetricsBinding> cacheBindings = new ConcurrentHashMap<>();
  private final Map<String, MetricsBinding> limiterBindings = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final RedisKitMetrics metrics;
  private long timer = -1;

  private MeterWiring(Vertx vertx, RedisKitMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
  }

  /**
   * Adds one instance's cache and limiter to the node's meters.
   *
   * @param vertx the Vert.x instance
   * @param metrics the binder
   * @param cache the cache
   * @param limiter the limiter
   * @return a binding that removes them again (and the meters, with the last instance)
   */
  public static MetricsBinding add(Vertx vertx, RedisKitMetrics metrics, RedisCache cache, RateLimiter limiter) {
    LocalMap<String, MeterWiring> map = vertx.sharedData().getLocalMap(MAP);
    MeterWiring candidate = new MeterWiring(vertx, metrics);
    MeterWiring existing = map.putIfAbsent("node", candidate);
    MeterWiring wiring = existing != null ? existing : candidate;
    wiring.caches.add(cache);
    wiring.limiters.add(limiter);
    wiring.refresh();
    if (existing == null) {
      wiring.timer = vertx.setPeriodic(NAMESPACE_CHECK_MS, id -> wiring.refresh());
    }
    return new MetricsBinding() {
      @Override
      public boolean active() {
        return true;
      }

      @Override
      public List<io.micrometer.core.instrument.Meter.Id> meterIds() {
        return List.of();
      }

      @Override
      public void close() {
        wiring.caches.remove(cache);
        wiring.limiters.remove(limiter);
        if (wiring.caches.isEmpty() && map.removeIfPresent("node", wiring)) {
          wiring.vertx.cancelTimer(wiring.timer);
          wiring.cacheBindings.values().forEach(MetricsBinding::close);
          wiring.limiterBindings.values().forEach(MetricsBinding::close);
        }
      }
    };
  }

  private void refresh() {
    for (RedisCache cache : caches) {
      for (String namespace : cache.allStats().keySet()) {
        cacheBindings.computeIfAbsent(namespace, this::bindCache);
      }
    }
    for (RateLimiter limiter : limiters) {
      limiterBindings.computeIfAbsent(limiter.name(), this::bindLimiter);
    }
  }

  private long sumCache(String namespace, ToLongFunction<CacheStats> counter) {
    long sum = 0;
    for (RedisCache cache : caches) {
      CacheStats s = cache.allStats().get(namespace);
      if (s != null) {
        sum += counter.applyAsLong(s);
      }
    }
    return sum;
  }

  private long sumLimiter(String name, ToLongFunction<RateLimitStats> counter) {
    long sum = 0;
    for (RateLimiter limiter : limiters) {
      if (limiter.name().equals(name)) {
        sum += counter.applyAsLong(limiter.stats());
      }
    }
    return sum;
  }

  private MetricsBinding bindCache(String ns) {
    return metrics.bindCache(ns, CacheMeterSource.builder()
      .requests(CacheMeterSource.Result.HIT, () -> sumCache(ns, CacheStats::hits))
      .requests(CacheMeterSource.Result.MISS, () -> sumCache(ns, CacheStats::misses))
      .requests(CacheMeterSource.Result.STALE, () -> sumCache(ns, CacheStats::staleHits))
      .loads(() -> sumCache(ns, CacheStats::loads), () -> TimeUnit.MILLISECONDS.toNanos(sumCache(ns, CacheStats::loadTimeMs)))
      .loadFailures(() -> sumCache(ns, CacheStats::loadFailures))
      .singleFlightJoins(() -> sumCache(ns, CacheStats::singleFlightJoins))
      .leaseWaits(() -> sumCache(ns, CacheStats::leaseWaits))
      .refreshAheadRuns(() -> sumCache(ns, CacheStats::refreshes))
      .flushes(() -> sumCache(ns, CacheStats::flushes), () -> sumCache(ns, CacheStats::flushedKeys))
      .build());
  }

  private MetricsBinding bindLimiter(String name) {
    RateLimitMeterSource.Builder source = RateLimitMeterSource.builder();
    for (RateLimitMeterSource.Outcome o : RateLimitMeterSource.Outcome.values()) {
      RateLimitStats.Outcome same = RateLimitStats.Outcome.valueOf(o.name());
      source.decisions(o, () -> sumLimiter(name, s -> s.decisions(same)));
    }
    return metrics.bindRateLimiter(name, source
      .denyCacheHits(() -> sumLimiter(name, RateLimitStats::denyCacheHits))
      .policySwitches(() -> sumLimiter(name, RateLimitStats::policySwitches))
      .build());
  }
}
