package dev.rediskit.metrics;

import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.config.OptionalDependency;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.ratelimit.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Registers the module's Micrometer meters (named in {@link MeterNames}, listed in
 * {@code docs/METRICS.md}): gateway commands, breaker and connection; Redis health; cache
 * namespaces and rate limiters, read from their own stats.
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
 * metrics.bindCache(cache);              // every namespace, read from cache.stats(namespace)
 * metrics.bindRateLimiter(limiter);      // read from limiter.stats()
 * }</pre>
 *
 * <p>Costs: a gateway command updates one timer (found through one map lookup, no allocation)
 * on its event loop, and a failed one a counter too; gauges, cache and limiter counts are read only
 * when the registry is scraped.
 */
public interface RedisKitMetrics {

  /** The {@value MeterNames#TAG_GATEWAY} tag value used when no name is given. */
  String DEFAULT_GATEWAY_NAME = "default";

  /** How often a bound cache is checked for namespaces first used since, in milliseconds. */
  long NAMESPACE_CHECK_MS = 5_000;

  /**
   * Uses vertx-micrometer-metrics' default registry, looked up at each bind: present when Vert.x
   * was started with Micrometer metrics enabled, absent otherwise (then binds do nothing).
   *
   * @param vertx the Vert.x instance (health probe timers)
   * @return the binder
   */
  static RedisKitMetrics create(Vertx vertx) {
    Objects.requireNonNull(vertx, "vertx");
    // Without vertx-micrometer-metrics (optional) there is no default registry: the meters are off, quietly.
    return new RedisKitMetricsImpl(vertx, () -> vertx.isMetricsEnabled() && OptionalDependency.VERTX_MICROMETER_METRICS.present()
      ? BackendRegistries.getDefaultNow() : null);
  }

  /**
   * Uses the vertx-micrometer-metrics registry of the given name
   * ({@code MicrometerMetricsOptions.setRegistryName}), looked up at each bind.
   *
   * @param vertx the Vert.x instance
   * @param registryName the registry name
   * @return the binder
   * @throws OptionalDependency.MissingDependencyException without vertx-micrometer-metrics on the class path
   */
  static RedisKitMetrics create(Vertx vertx, String registryName) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(registryName, "registryName");
    OptionalDependency.VERTX_MICROMETER_METRICS.require("RedisKitMetrics.create(vertx, registryName)");
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
   * Registers the meters of every namespace the cache uses ({@value MeterNames#CACHE_REQUESTS},
   * {@value MeterNames#CACHE_LOADS}...), read from its live {@link RedisCache#stats(String) stats}
   * when the registry is scraped. A namespace first used later gets its meters at the next check
   * (every {@value #NAMESPACE_CHECK_MS} ms).
   *
   * @param cache the cache
   * @return the binding; closing it removes the meters and stops the checks
   * @throws IllegalStateException when one of its namespaces is already bound
   * @see #bindCaches(Collection)
   */
  default MetricsBinding bindCache(RedisCache cache) {
    Objects.requireNonNull(cache, "cache");
    return bindCaches(List.of(cache));
  }

  /**
   * Registers the caches of several verticle instances as one: the meters of every namespace any
   * of them uses, each the sum over the caches, read when the registry is scraped. The collection
   * is read again at each scrape and each check (every {@value #NAMESPACE_CHECK_MS} ms, which finds
   * namespaces first used since), so a thread-safe one ({@code CopyOnWriteArrayList}) may gain and
   * lose caches while bound.
   *
   * @param caches the caches
   * @return the binding; closing it removes the meters and stops the checks
   * @throws IllegalStateException when a namespace they use now is already bound (one first used
   *   later while bound elsewhere is logged, and bound at a check after that binding is closed)
   */
  MetricsBinding bindCaches(Collection<? extends RedisCache> caches);

  /**
   * Registers the limiter's meters ({@value MeterNames#RATELIMIT_DECISIONS} by outcome,
   * {@value MeterNames#RATELIMIT_DENY_CACHE_HITS}, {@value MeterNames#RATELIMIT_POLICY_SWITCHES}),
   * tagged with its {@link RateLimiter#name() name} and read from its live
   * {@link RateLimiter#stats() stats} when the registry is scraped.
   *
   * @param limiter the limiter
   * @return the binding
   * @throws IllegalStateException when a limiter of that name is already bound
   * @see #bindRateLimiters(String, Collection)
   */
  default MetricsBinding bindRateLimiter(RateLimiter limiter) {
    Objects.requireNonNull(limiter, "limiter");
    return bindRateLimiters(limiter.name(), List.of(limiter));
  }

  /**
   * Registers the limiters of several verticle instances as one: rate-limit meters tagged with the
   * given name, each the sum over the limiters' stats, read when the registry is scraped (so a
   * thread-safe collection may gain and lose limiters while bound).
   *
   * @param name the {@value MeterNames#TAG_LIMITER} tag value
   * @param limiters the limiters
   * @return the binding
   * @throws IllegalStateException when a limiter of that name is already bound
   */
  MetricsBinding bindRateLimiters(String name, Collection<? extends RateLimiter> limiters);

  /**
   * Registers the meters of an event-bus client's near cache
   * ({@value MeterNames#CLIENT_NEAR_REQUESTS} by result, {@value MeterNames#CLIENT_NEAR_INVALIDATIONS},
   * {@value MeterNames#CLIENT_NEAR_FLUSHES} by cause, {@value MeterNames#CLIENT_NEAR_ENTRIES},
   * {@value MeterNames#CLIENT_NEAR_BYTES}), tagged {@value MeterNames#TAG_CLIENT} with the given name
   * and read from the live stats when the registry is scraped.
   *
   * <pre>{@code
   * metrics.bindClientNearCache("orders-verticle", client.nearCacheStats());
   * }</pre>
   *
   * @param name the {@value MeterNames#TAG_CLIENT} tag value
   * @param stats what {@code CacheClient.nearCacheStats()} returns
   * @return the binding
   * @throws IllegalArgumentException when the name is blank, or {@code stats} is {@code null} (a client without a near cache)
   * @throws IllegalStateException when a client near cache of that name is already bound
   */
  MetricsBinding bindClientNearCache(String name, NearCacheStats stats);

  /** Closes every binding made through this binder. */
  void close();
}
