package dev.rediskit.metrics;

import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.RedisCache;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Vertx;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cache meters of every namespace the caches use, each the sum over the caches at scrape time; the
 * namespaces are listed again every so often ({@link RedisKitMetrics#NAMESPACE_CHECK_MS} unless a test says otherwise).
 */
final class CacheMeters extends Binding {

  private static final Logger LOG = LoggerFactory.getLogger(RedisKitMetrics.class);

  final Vertx vertx;
  final long checkMs;
  final Collection<? extends RedisCache> caches;
  final Set<String> bound = ConcurrentHashMap.newKeySet();
  final Set<String> refused = ConcurrentHashMap.newKeySet();
  volatile long timerId = -1;

  CacheMeters(RedisKitMetricsImpl owner, MeterRegistry registry, Vertx vertx, long checkMs,
              Collection<? extends RedisCache> caches) {
    super(owner, registry);
    this.vertx = vertx;
    this.checkMs = checkMs;
    this.caches = caches;
    try {
      check(true);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  void started() {
    timerId = vertx.setPeriodic(checkMs, id -> {
      try {
        check(false);
      } catch (RuntimeException e) {
        LOG.warn("Cannot list the cache namespaces to meter", e);
      }
    });
  }

  @Override
  void stopped() {
    long id = timerId;
    if (id != -1) {
      vertx.cancelTimer(id);
    }
  }

  /** Binds the namespaces not bound yet; one bound elsewhere fails the bind, or is retried at later checks. */
  private void check(boolean atBind) {
    for (RedisCache cache : caches) {
      for (String namespace : cache.allStats().keySet()) {
        if (!closed.get() && !bound.contains(namespace)) {
          bindNamespace(namespace, atBind);
        }
      }
    }
    if (closed.get()) {
      // Closed while this check ran: take back what it may have added after the close removed the rest.
      meters.forEach(registry::remove);
      owner.released(this);
    }
  }

  private void bindNamespace(String namespace, boolean atBind) {
    String key = "cache " + RedisKitMetricsImpl.requireName(namespace, "namespace");
    if (!owner.claim(key)) {
      if (atBind) {
        throw RedisKitMetricsImpl.alreadyBound(key);
      }
      if (refused.add(namespace)) {
        LOG.warn(key + " is already bound elsewhere; its meters wait until that binding is closed");
      }
      return;
    }
    keys.add(key);
    refused.remove(namespace);
    bound.add(namespace);
    Tags tags = Tags.of(MeterNames.TAG_NAMESPACE, namespace);
    requests(tags, MeterNames.RESULT_HIT, namespace, CacheStats::hits);
    requests(tags, MeterNames.RESULT_MISS, namespace, CacheStats::misses);
    requests(tags, MeterNames.RESULT_STALE, namespace, CacheStats::staleHits);
    add(FunctionTimer.builder(MeterNames.CACHE_LOADS, this, b -> b.sum(namespace, CacheStats::loads),
        b -> b.sum(namespace, CacheStats::loadTimeMs), TimeUnit.MILLISECONDS)
      .tags(tags).description(description(MeterNames.CACHE_LOADS)).register(registry));
    counter(MeterNames.CACHE_LOAD_FAILURES, tags, namespace, CacheStats::loadFailures);
    counter(MeterNames.CACHE_SINGLEFLIGHT_JOINS, tags, namespace, CacheStats::singleFlightJoins);
    counter(MeterNames.CACHE_LEASE_WAITS, tags, namespace, CacheStats::leaseWaits);
    counter(MeterNames.CACHE_REFRESH_AHEAD, tags, namespace, CacheStats::refreshes);
    counter(MeterNames.CACHE_FLUSHES, tags, namespace, CacheStats::flushes);
    counter(MeterNames.CACHE_FLUSH_KEYS, tags, namespace, CacheStats::flushedKeys);
    NearCacheMeters.bind(this, registry, tags, namespace, caches);
  }

  private void requests(Tags tags, String result, String namespace, ToLongFunction<CacheStats> count) {
    counter(MeterNames.CACHE_REQUESTS, tags.and(MeterNames.TAG_RESULT, result), namespace, count);
  }

  private void counter(String name, Tags tags, String namespace, ToLongFunction<CacheStats> count) {
    counter(name, tags, this, b -> b.sum(namespace, count));
  }

  private long sum(String namespace, ToLongFunction<CacheStats> count) {
    long sum = 0;
    for (RedisCache cache : caches) {
      CacheStats stats = cache.allStats().get(namespace);
      if (stats != null) {
        sum += count.applyAsLong(stats);
      }
    }
    return sum;
  }
}
