package dev.rediskit.metrics;

import dev.rediskit.cache.NearCacheStats;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.ratelimit.RateLimiter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The binder: one {@link Binding} per bound component, each owning the meters it registered. */
final class RedisKitMetricsImpl implements RedisKitMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(RedisKitMetrics.class);

  private final Vertx vertx;
  private final Supplier<MeterRegistry> registrySupplier;
  private final Set<Binding> bindings = ConcurrentHashMap.newKeySet();
  private final Set<String> boundKeys = ConcurrentHashMap.newKeySet();
  private final long namespaceCheckMs;

  RedisKitMetricsImpl(Vertx vertx, Supplier<MeterRegistry> registrySupplier) {
    this(vertx, registrySupplier, NAMESPACE_CHECK_MS);
  }

  /** @param namespaceCheckMs how often bound caches are listed again (shorter in tests) */
  RedisKitMetricsImpl(Vertx vertx, Supplier<MeterRegistry> registrySupplier, long namespaceCheckMs) {
    this.vertx = vertx;
    this.registrySupplier = registrySupplier;
    this.namespaceCheckMs = namespaceCheckMs;
  }

  @Override
  public MeterRegistry registry() {
    try {
      return registrySupplier.get();
    } catch (RuntimeException | LinkageError e) {
      // Metrics are an extra: a broken lookup must never take the application down with it.
      LOG.warn("No Micrometer registry available; RedisKit meters are off", e);
      return null;
    }
  }

  @Override
  public MetricsBinding bindGateway(RedisGateway gateway) {
    return bindGateway(DEFAULT_GATEWAY_NAME, gateway);
  }

  @Override
  public MetricsBinding bindGateway(String name, RedisGateway gateway) {
    Objects.requireNonNull(gateway, "gateway");
    return bind("gateway " + requireName(name, "name"), registry -> new GatewayMeters(this, registry, name, gateway));
  }

  @Override
  public MetricsBinding bindHealth(RedisHealthCheck check, long probeIntervalMs) {
    return bindHealth(DEFAULT_GATEWAY_NAME, check, probeIntervalMs);
  }

  @Override
  public MetricsBinding bindHealth(String name, RedisHealthCheck check, long probeIntervalMs) {
    Objects.requireNonNull(check, "check");
    if (probeIntervalMs < 0) {
      throw new IllegalArgumentException("probeIntervalMs: must be >= 0 ms, was " + probeIntervalMs);
    }
    return bind("health " + requireName(name, "name"), registry -> new HealthMeters(this, registry, vertx, name, check, probeIntervalMs));
  }

  @Override
  public MetricsBinding bindCaches(Collection<? extends RedisCache> caches) {
    Objects.requireNonNull(caches, "caches");
    return bind(null, registry -> new CacheMeters(this, registry, vertx, namespaceCheckMs, caches));
  }

  @Override
  public MetricsBinding bindRateLimiters(String name, Collection<? extends RateLimiter> limiters) {
    Objects.requireNonNull(limiters, "limiters");
    return bind("limiter " + requireName(name, "name"), registry -> new RateLimitMeters(this, registry, name, limiters));
  }

  @Override
  public MetricsBinding bindClientNearCache(String name, NearCacheStats stats) {
    requireName(name, "name");
    if (stats == null) {
      throw new IllegalArgumentException("stats: is required (null: the client has no near cache; create it with NearCacheOptions)");
    }
    return bind("client near cache " + name, registry -> new ClientNearCacheMeters(this, registry, name, stats));
  }

  @Override
  public void close() {
    for (Binding b : bindings) {
      b.close();
    }
  }

  static String requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + ": must not be blank, was " + (value == null ? "null" : "\"" + value + "\""));
    }
    return value;
  }

  /**
   * @param key what the binding claims for itself ("gateway x"), or {@code null} when it claims its
   *   keys as it registers (a cache, namespace by namespace)
   */
  private MetricsBinding bind(String key, Function<MeterRegistry, Binding> factory) {
    MeterRegistry registry = registry();
    if (registry == null) {
      return Inactive.INSTANCE;
    }
    if (key != null && !claim(key)) {
      throw alreadyBound(key);
    }
    Binding binding;
    try {
      binding = factory.apply(registry);
    } catch (RuntimeException e) {
      if (key != null) {
        boundKeys.remove(key);
      }
      throw e;
    }
    if (key != null) {
      binding.keys.add(key);
    }
    bindings.add(binding);
    binding.started();
    return binding;
  }

  // A second binding of the same thing would share the first one's meters (Micrometer keeps the first registered) and lie.
  boolean claim(String key) {
    return boundKeys.add(key);
  }

  /** Forgets a closed binding and what it claimed. */
  void released(Binding binding) {
    bindings.remove(binding);
    boundKeys.removeAll(binding.keys);
  }

  static IllegalStateException alreadyBound(String key) {
    return new IllegalStateException(key + " is already bound; close its binding first");
  }

  /** What a bind returns when there is no registry. */
  private enum Inactive implements MetricsBinding {
    INSTANCE;

    @Override
    public boolean active() {
      return false;
    }

    @Override
    public List<Meter.Id> meterIds() {
      return List.of();
    }

    @Override
    public void close() {
    }
  }
}
