package dev.rediskit.metrics;

import dev.rediskit.cache.CacheStats;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.ratelimit.RateLimitStats;
import dev.rediskit.ratelimit.RateLimiter;
import io.vertx.core.json.JsonObject;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cache and a limiter that only report the counters a test sets, for the binder's logic without
 * Redis: every other method of the component throws.
 */
final class FakeComponents {

  private FakeComponents() {
  }

  /** A cache whose namespaces and counters are the entries a test puts in {@link #stats}. */
  static final class Cache {
    final Map<String, CacheStats> stats = new ConcurrentHashMap<>();
    final Map<String, dev.rediskit.cache.NearCacheStats> near = new ConcurrentHashMap<>();
    final RedisCache cache = (RedisCache) Proxy.newProxyInstance(RedisCache.class.getClassLoader(),
      new Class<?>[] {RedisCache.class}, (proxy, method, args) -> switch (method.getName()) {
        case "allStats" -> Collections.unmodifiableMap(stats);
        case "nearCacheStats" -> Collections.unmodifiableMap(near);
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        case "toString" -> "fake cache " + stats.keySet();
        default -> throw new UnsupportedOperationException(method.getName());
      });

    /**
     * Sets a namespace's counters.
     *
     * @param namespace the namespace
     * @param counters the counters by their {@link CacheStats#toJson()} names; missing ones are 0
     * @return this
     */
    Cache withNearCache(String namespace, long hits, long entries) {
      near.put(namespace, new dev.rediskit.cache.NearCacheStats() {
        @Override
        public String namespace() {
          return namespace;
        }

        @Override
        public long hits() {
          return hits;
        }

        @Override
        public long misses() {
          return 0;
        }

        @Override
        public long bypasses() {
          return 0;
        }

        @Override
        public long invalidations() {
          return 0;
        }

        @Override
        public long rejectedFills() {
          return 0;
        }

        @Override
        public Map<String, Long> flushes() {
          return Map.of("link_lost", 1L);
        }

        @Override
        public long entries() {
          return entries;
        }

        @Override
        public long bytes() {
          return entries * 200;
        }
      });
      return this;
    }

    Cache set(String namespace, JsonObject counters) {
      stats.put(namespace, CacheStats.fromJson(counters.copy().put("namespace", namespace)));
      return this;
    }
  }

  /** A limiter whose counters a test sets. */
  static final class Limiter implements RateLimitStats {
    final String name;
    final Map<Outcome, Long> decisions = Collections.synchronizedMap(new EnumMap<>(Outcome.class));
    volatile long denyCacheHits;
    volatile long switchesToFallback;
    volatile long switchesToRedis;
    final Map<PermitOutcome, Long> permits = Collections.synchronizedMap(new EnumMap<>(PermitOutcome.class));
    volatile long permitsHeld;
    final Map<LimitChangeOutcome, Long> limitChanges = Collections.synchronizedMap(new EnumMap<>(LimitChangeOutcome.class));
    volatile long limitRefreshFailures;
    volatile long planFailures;
    final RateLimiter limiter;

    Limiter(String name) {
      this.name = name;
      this.limiter = (RateLimiter) Proxy.newProxyInstance(RateLimiter.class.getClassLoader(),
        new Class<?>[] {RateLimiter.class}, (proxy, method, args) -> switch (method.getName()) {
          case "name" -> name;
          case "stats" -> this;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "fake limiter " + name;
          default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    @Override
    public String limiter() {
      return name;
    }

    @Override
    public long decisions(Outcome outcome) {
      return decisions.getOrDefault(outcome, 0L);
    }

    @Override
    public long denyCacheHits() {
      return denyCacheHits;
    }

    @Override
    public long switchesToFallback() {
      return switchesToFallback;
    }

    @Override
    public long switchesToRedis() {
      return switchesToRedis;
    }

    @Override
    public boolean fallbackActive() {
      return false;
    }

    @Override
    public long denyCacheSize() {
      return 0;
    }

    @Override
    public long permits(PermitOutcome outcome) {
      return permits.getOrDefault(outcome, 0L);
    }

    @Override
    public long permitsHeld() {
      return permitsHeld;
    }

    @Override
    public long limitChanges(LimitChangeOutcome outcome) {
      return limitChanges.getOrDefault(outcome, 0L);
    }

    @Override
    public long limitRefreshFailures() {
      return limitRefreshFailures;
    }

    @Override
    public long planFailures() {
      return planFailures;
    }
  }
}
