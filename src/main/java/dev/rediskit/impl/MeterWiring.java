package dev.rediskit.impl;

import dev.rediskit.cache.RedisCache;
import dev.rediskit.metrics.MetricsBinding;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.ratelimit.RateLimiter;
import io.micrometer.core.instrument.Meter;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Binds the caches and limiters of every verticle instance of this Vert.x (one cache and one
 * limiter each) under the same meters, so that a scrape sees the whole node: one
 * {@link RedisKitMetrics#bindCaches} over the live list of caches, one
 * {@link RedisKitMetrics#bindRateLimiters} per limiter name.
 */
public final class MeterWiring implements Shareable {

  private static final String MAP = "dev.rediskit.meter-wiring";

  private final List<RedisCache> caches = new CopyOnWriteArrayList<>();
  private final Map<String, List<RateLimiter>> limiters = new ConcurrentHashMap<>();
  private final Map<String, MetricsBinding> bindings = new ConcurrentHashMap<>();

  private MeterWiring() {
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
    MeterWiring candidate = new MeterWiring();
    MeterWiring existing = map.putIfAbsent("node", candidate);
    MeterWiring wiring = existing != null ? existing : candidate;
    List<RateLimiter> named = wiring.limiters.computeIfAbsent(limiter.name(), n -> new CopyOnWriteArrayList<>());
    wiring.caches.add(cache);
    named.add(limiter);
    wiring.bindings.computeIfAbsent("cache", k -> metrics.bindCaches(wiring.caches));
    wiring.bindings.computeIfAbsent("limiter " + limiter.name(), k -> metrics.bindRateLimiters(limiter.name(), named));
    return new MetricsBinding() {
      @Override
      public boolean active() {
        return true;
      }

      @Override
      public List<Meter.Id> meterIds() {
        return List.of();
      }

      @Override
      public void close() {
        wiring.caches.remove(cache);
        named.remove(limiter);
        if (wiring.caches.isEmpty() && map.removeIfPresent("node", wiring)) {
          wiring.bindings.values().forEach(MetricsBinding::close);
        }
      }
    };
  }
}
