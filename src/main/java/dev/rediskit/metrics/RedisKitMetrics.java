package dev.rediskit.metrics;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.RedisHealthCheck;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Registers the module's Micrometer meters (named in {@link MeterNames}, listed in
 * {@code docs/METRICS.md}): gateway commands, breaker and connection; Redis health; and, once
 * those components bind themselves, cache and rate limiting.
 *
 * <p>The registry is that of vertx-micrometer-metrics, looked up when something is bound
 * ({@link #create(Vertx)}), or one you pass ({@link #create(Vertx, MeterRegistry)}). When Vert.x
 * was started without metrics there is no registry: every bind then returns an inactive binding
 * and nothing fails, so the same code runs with and without metrics.
 *
 * <pre>{@code
 * RedisKitMetrics metrics = RedisKitMetrics.create(vertx);
 * metrics.bindGateway(gateway);
 * metrics.bindHealth(healthCheck, options.getMetrics().getHealthProbeIntervalMs());
 * // later, from the cache and the limiter (see CacheMeterSource and RateLimitMeterSource):
 * metrics.bindCache("users", cacheSource);
 * metrics.bindRateLimiter("api", limiterSource);
 * }</pre>
 *
 * <p>Costs: a gateway command updates one timer (found through one map lookup, no allocation)
 * on its event loop, and a failed one a counter too; gauges, cache and limiter counts are read only
 * when the registry is scraped.
 */
public interface RedisKitMetrics {

  /** The {@value MeterNames#TAG_GATEWAY} tag value used when no name is given. */
  String DEFAULT_GATEWAY_NAME = "default";

  /**
   * Uses vertx-micrometer-metrics' default registry, looked up at each bind: present when Vert.x
   * was started with Micrometer metrics enabled, absent otherwise (then binds do nothing).
   *
   * @param vertx the Vert.x instance (health probe timers)
   * @return the binder
   */
  static RedisKitMetrics create(Vertx vertx) {
    Objects.requireNonNull(vertx, "vertx");
    return new RedisKitMetricsImpl(vertx, () -> vertx.isMetricsEnabled() ? BackendRegistries.getDefaultNow() : null);
  }

  /**
   * Uses the vertx-micrometer-metrics registry of the given name
   * ({@code MicrometerMetricsOptions.setRegistryName}), looked up at each bind.
   *
   * @param vertx the Vert.x instance
   * @param registryName the registry name
   * @return the binder
   */
  static RedisKitMetrics create(Vertx vertx, String registryName) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(registryName, "registryName");
    return new RedisKitMetricsImpl(vertx, () -> BackendRegistries.getNow(registryName));
  }

  /**
   * Uses the given registry.
   *
   * @param vertx the Vert.x instance
   * @param registry the registry, or {@code null} for none (every bind is then inactive)
   * @return the binder
   */
  static RedisKitMetrics create(Vertx vertx, MeterRegistry registry) {
    Objects.requireNonNull(vertx, "vertx");
    Supplier<MeterRegistry> fixed = () -> registry;
    return new RedisKitMetricsImpl(vertx, fixed);
  }

  /** @return the registry meters would be registered in now, or {@code null} when there is none */
  MeterRegistry registry();

  /**
   * Binds a gateway under {@value #DEFAULT_GATEWAY_NAME}.
   *
   * @param gateway the gateway
   * @return the binding
   * @see #bindGateway(String, RedisGateway)
   */
  MetricsBinding bindGateway(RedisGateway gateway);

  /**
   * Registers the gateway's meters: the command timer and error counter (fed by the gateway's
   * {@link RedisGateway#observer observer}, which this replaces), breaker state, failures,
   * transitions and short circuits, pending commands, connection state and reconnects.
   *
   * @param name the {@value MeterNames#TAG_GATEWAY} tag value, e.g. {@code sessions}
   * @param gateway the gateway
   * @return the binding; closing it removes the meters and the observer
   * @throws IllegalStateException when a gateway is already bound under that name
   */
  MetricsBinding bindGateway(String name, RedisGateway gateway);

  /**
   * Binds a health check under {@value #DEFAULT_GATEWAY_NAME}.
   *
   * @param check the health procedure
   * @param probeIntervalMs how often to run it, in milliseconds; 0 to never run it from here
   * @return the binding
   * @see #bindHealth(String, RedisHealthCheck, long)
   */
  MetricsBinding bindHealth(RedisHealthCheck check, long probeIntervalMs);

  /**
   * Registers {@value MeterNames#REDIS_UP}, {@value MeterNames#REDIS_DEGRADED} and
   * {@value MeterNames#REDIS_PING}, read from the latest run of the procedure. Unless
   * {@code probeIntervalMs} is 0 the procedure is also run every so often (a run still in progress
   * is not overlapped), so that the gauges stay current when nobody calls the health route; with 0
   * they show whatever run happened last, by anyone.
   *
   * @param name the {@value MeterNames#TAG_GATEWAY} tag value
   * @param check the health procedure
   * @param probeIntervalMs how often to run it, in milliseconds; 0 to never run it from here
   * @return the binding; closing it removes the meters and stops the probe
   * @throws IllegalStateException when a health check is already bound under that name
   */
  MetricsBinding bindHealth(String name, RedisHealthCheck check, long probeIntervalMs);

  /**
   * Registers a cache namespace's meters ({@value MeterNames#CACHE_REQUESTS},
   * {@value MeterNames#CACHE_LOADS}...), one per count the source provides.
   *
   * @param namespace the {@value MeterNames#TAG_NAMESPACE} tag value
   * @param source where the counts are read
   * @return the binding
   * @throws IllegalStateException when that namespace is already bound
   */
  MetricsBinding bindCache(String namespace, CacheMeterSource source);

  /**
   * Registers a rate limiter's meters ({@value MeterNames#RATELIMIT_DECISIONS}...), one per count
   * the source provides.
   *
   * @param limiter the {@value MeterNames#TAG_LIMITER} tag value
   * @param source where the counts are read
   * @return the binding
   * @throws IllegalStateException when that limiter is already bound
   */
  MetricsBinding bindRateLimiter(String limiter, RateLimitMeterSource source);

  /** Closes every binding made through this binder. */
  void close();
}
