package dev.rediskit.impl;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.config.OptionalDependency;
import dev.rediskit.error.RedisPermissionException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.metrics.MetricsBinding;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.eventbus.PlanAddress;
import dev.rediskit.ratelimit.PlanResolver;
import dev.rediskit.ratelimit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;

/**
 * The module's components wired on one gateway, started and closed together: shared by the
 * {@link dev.rediskit.RedisKit} facade and {@link dev.rediskit.RedisKitVerticle}.
 *
 * @param gateway the gateway
 * @param cache the cache
 * @param rateLimiter the default rate limiter
 * @param health the Redis health procedure
 * @param metrics the metrics binder
 * @param bindings the meters bound for these components, released on close
 * @param options the settings they were built with
 */
public record Components(RedisGateway gateway, RedisCache cache, RateLimiter rateLimiter, RedisHealthCheck health,
                         RedisKitMetrics metrics, List<MetricsBinding> bindings, RedisKitOptions options) {

  /** Name of the rate limiter the components create. */
  public static final String LIMITER_NAME = "default";

  /**
   * Connects a gateway on the current context and builds the rest on it. Fails, leaving nothing
   * open, when Redis cannot be reached within the connect timeout, or with a
   * {@link RedisPermissionException} when Redis refuses the cache or the limiter a command or key they
   * need ({@link RedisCache#verifyAccess()}, {@link RateLimiter#verifyAccess()}).
   *
   * @param vertx the Vert.x instance
   * @param options validated settings
   * @param metricsName the name the meters are tagged with and the gateway's log lines carry (one per gateway)
   * @return the started components
   */
  public static Future<Components> start(Vertx vertx, RedisKitOptions options, String metricsName) {
    RedisGateway gateway = RedisGateway.create(vertx, options, metricsName);
    return gateway.ready()
      .recover(err -> gateway.close().transform(v -> Future.failedFuture(new RedisUnavailableException(
        err instanceof RedisUnavailableException rue ? rue.reason() : RedisUnavailableException.Reason.DISCONNECTED,
        "RedisKit cannot start: " + err.getMessage(), err))))
      .compose(gw -> {
        RedisCache cache = RedisCache.create(vertx, gateway, options.getCache());
        RateLimiter limiter = RateLimiter.create(vertx, gateway, LIMITER_NAME, options.getRateLimit());
        // The configured plan address, so that planLimits apply to a deployment made from JSON alone;
        // a resolver set later in Java replaces it.
        PlanResolver plans = PlanAddress.resolver(vertx.eventBus(), options.getAddressPrefix(), options.getRateLimit());
        if (plans != null) {
          limiter.planResolver(plans);
        }
        // A refused permission is a misconfiguration that the failure policy would hide: refuse to start instead.
        // Redis lost meanwhile is not: the probes then succeed, and the components start as they would have.
        Future<Void> cacheAccess = cache.verifyAccess();
        Future<Void> limiterAccess = limiter.verifyAccess();
        return Future.join(cacheAccess, limiterAccess).transform(ar -> {
          if (ar.succeeded()) {
            return Future.succeededFuture(wire(vertx, options, metricsName, gateway, cache, limiter));
          }
          List<String> refused = new ArrayList<>();
          Throwable first = null;
          for (Future<Void> f : List.of(limiterAccess, cacheAccess)) {
            if (f.failed()) {
              refused.add(f.cause().getMessage());
              first = first == null ? f.cause() : first;
            }
          }
          Throwable cause = first;
          return limiter.close().eventually(gateway::close).transform(v -> Future.failedFuture(
            new RedisPermissionException("RedisKit cannot start: " + String.join("; ", refused), cause)));
        });
      });
  }

  private static Components wire(Vertx vertx, RedisKitOptions options, String metricsName, RedisGateway gateway,
                                 RedisCache cache, RateLimiter limiter) {
    RedisHealthCheck health = RedisHealthCheck.create(vertx, gateway, options.getHealth());
    // Micrometer is optional: without it the meters are off and nothing here may link its types.
    boolean micrometer = OptionalDependency.MICROMETER_CORE.present();
    RedisKitMetrics metrics = micrometer ? RedisKitMetrics.create(vertx) : NoMetrics.INSTANCE;
    List<MetricsBinding> bindings = new ArrayList<>();
    if (micrometer) {
      bindings.add(metrics.bindGateway(metricsName, gateway));
      bindings.add(metrics.bindHealth(metricsName, health, options.getMetrics().getHealthProbeIntervalMs()));
      bindings.add(MeterWiring.add(vertx, metrics, cache, limiter));
    }
    return new Components(gateway, cache, limiter, health, metrics, bindings, options);
  }

  /**
   * Releases the meters, stops the limiter's timers and closes the gateway.
   *
   * @return completion
   */
  public Future<Void> close() {
    for (MetricsBinding b : bindings) {
      b.close();
    }
    return rateLimiter.close().eventually(() -> gateway.close());
  }
}
