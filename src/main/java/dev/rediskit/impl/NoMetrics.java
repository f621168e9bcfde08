package dev.rediskit.impl;

import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.metrics.MetricsBinding;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.ratelimit.RateLimiter;

import java.util.Collection;
import java.util.List;

/**
 * The metrics binder of an application without Micrometer (an optional dependency): every binding
 * is inactive. No lambda and no Micrometer type is touched here, so the class links without
 * micrometer-core; {@link RedisKitMetrics#create} cannot be used there, its lambdas name
 * {@code MeterRegistry}.
 */
final class NoMetrics implements RedisKitMetrics {

  static final NoMetrics INSTANCE = new NoMetrics();

  private static final MetricsBinding INACTIVE = new MetricsBinding() {
    @Override
    public boolean active() {
      return false;
    }

    @Override
    public List<io.micrometer.core.instrument.Meter.Id> meterIds() {
      return List.of();
    }

    @Override
    public void close() {
    }
  };

  private NoMetrics() {
  }

  @Override
  public io.micrometer.core.instrument.MeterRegistry registry() {
    return null;
  }

  @Override
  public MetricsBinding bindGateway(RedisGateway gateway) {
    return INACTIVE;
  }

  @Override
  public MetricsBinding bindGateway(String name, RedisGateway gateway) {
    return INACTIVE;
  }

  @Override
  public MetricsBinding bindHealth(RedisHealthCheck check, long probeIntervalMs) {
    return INACTIVE;
  }

  @Override
  public MetricsBinding bindHealth(String name, RedisHealthCheck check, long probeIntervalMs) {
    return INACTIVE;
  }

  @Override
  public MetricsBinding bindCaches(Collection<? extends RedisCache> caches) {
    return INACTIVE;
  }

  @Override
  public MetricsBinding bindRateLimiters(String name, Collection<? extends RateLimiter> limiters) {
    return INACTIVE;
  }

  @Override
  public MetricsBinding bindClientNearCache(String name, dev.rediskit.cache.NearCacheStats stats) {
    return INACTIVE;
  }

  @Override
  public void close() {
  }
}
