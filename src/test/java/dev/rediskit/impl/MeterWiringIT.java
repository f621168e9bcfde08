package dev.rediskit.impl;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheNamespace;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.cache.LoadOptions;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.metrics.MeterNames;
import dev.rediskit.metrics.MetricsBinding;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimiter;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.rediskit.test.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances' real caches and limiters on one node report under one set of meters, whose values
 * are the sums of their own stats.
 */
@IntegrationTest
class MeterWiringIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Test
  void theInstancesOfOneNodeAreMeteredAsTheirSum(Vertx vertx) {
    RedisGateway gateway = RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.server().uri()));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);
    try {
      await(gateway.ready());
      RedisCache cacheA = RedisCache.create(vertx, gateway, new CacheOptions());
      RedisCache cacheB = RedisCache.create(vertx, gateway, new CacheOptions());
      RateLimiter limiterA = RateLimiter.create(vertx, gateway, Components.LIMITER_NAME, new RateLimitOptions());
      RateLimiter limiterB = RateLimiter.create(vertx, gateway, Components.LIMITER_NAME, new RateLimitOptions());
      CacheNamespace<Object> usersA = cacheA.namespace("users");
      CacheNamespace<Object> usersB = cacheB.namespace("users");
      MetricsBinding a = MeterWiring.add(vertx, metrics, cacheA, limiterA);
      MetricsBinding b = MeterWiring.add(vertx, metrics, cacheB, limiterB);

      await(usersA.set("1", "ann"));
      await(usersA.get("1"));                                   // hit on A
      await(usersB.get("1"));                                   // hit on B
      await(usersB.get("2"));                                   // miss on B
      await(usersB.getOrLoad("3", () -> Future.succeededFuture("cy"), LoadOptions.ttl(Duration.ofMinutes(1))));
      await(limiterA.check("k", 1, Duration.ofHours(1)));       // allowed
      await(limiterB.check("k", 1, Duration.ofHours(1)));       // rejected: the limit is shared in Redis

      assertThat(cacheA.stats("users").hits() + cacheB.stats("users").hits()).isEqualTo(2);
      assertThat(requests(registry, "hit")).isEqualTo(2);
      assertThat(requests(registry, "miss")).isEqualTo(cacheA.stats("users").misses() + cacheB.stats("users").misses());
      assertThat(registry.get(MeterNames.CACHE_LOADS).tag("namespace", "users").functionTimer().count()).isEqualTo(1);
      assertThat(decisions(registry, "allowed")).isEqualTo(1);
      assertThat(decisions(registry, "rejected")).isEqualTo(1);

      // One instance leaves: the meters stay, with the remaining instance's counts.
      a.close();
      assertThat(requests(registry, "hit")).isEqualTo(cacheB.stats("users").hits()).isEqualTo(1);
      assertThat(decisions(registry, "allowed")).isZero();
      assertThat(decisions(registry, "rejected")).isEqualTo(1);
      // The last one leaves: the meters go.
      b.close();
      assertThat(registry.find(MeterNames.CACHE_REQUESTS).meters()).isEmpty();
      assertThat(registry.find(MeterNames.RATELIMIT_DECISIONS).meters()).isEmpty();
      await(limiterA.close());
      await(limiterB.close());
    } finally {
      metrics.close();
      await(gateway.close());
    }
  }

  private static double requests(SimpleMeterRegistry registry, String result) {
    return registry.get(MeterNames.CACHE_REQUESTS).tag("namespace", "users").tag("result", result).functionCounter().count();
  }

  private static double decisions(SimpleMeterRegistry registry, String outcome) {
    return registry.get(MeterNames.RATELIMIT_DECISIONS).tag("limiter", Components.LIMITER_NAME).tag("outcome", outcome)
      .functionCounter().count();
  }
}
