package dev.rediskit;

import dev.rediskit.cache.RedisCache;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.config.ConfigurationException;
import dev.rediskit.error.RedisUnavailableException;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.impl.RedisKitImpl;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.ratelimit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The programmatic entry point for applications that don't want the event bus: one gateway, cache,
 * rate limiter and health check per Vert.x instance, shared by every verticle that asks for it.
 *
 * <pre>{@code
 * RedisKit.create(vertx, options).onSuccess(kit -> {
 *   kit.cache().namespace("users", User.class).getOrLoad(id, () -> loadUser(id), LoadOptions.ttl(Duration.ofMinutes(5)));
 *   kit.rateLimiter().check("api:" + ip, 100, Duration.ofSeconds(1));
 * });
 * }</pre>
 *
 * <p>The instance is kept in the Vert.x instance's local shared data under a name (not in a
 * global static), so two Vert.x instances in one JVM each get their own. Each {@code create}
 * must be matched by a {@link #close()}; the last close closes the connections. The gateway is
 * owned by the event loop of the context that created it first; calls from other event loops hop
 * to it. For one gateway per event loop, deploy {@link RedisKitVerticle} with several instances.
 * The future of {@code create} calls back on the caller's own context, also for a caller that
 * waited for the instance another context was creating: a verticle deployed with several instances
 * that starts its HTTP server in the callback gets one server per event loop.
 */
public interface RedisKit {

  /** Name of the instance {@link #create(Vertx, RedisKitOptions)} shares. */
  String DEFAULT_NAME = "default";

  /**
   * Returns the Vert.x instance's shared RedisKit named {@value #DEFAULT_NAME}, creating and
   * connecting it on first use.
   *
   * @param vertx the Vert.x instance
   * @param options the settings; must equal those of the existing instance, if any
   * @return the instance once connected; fails with {@link ConfigurationException} for invalid
   * settings and with {@link RedisUnavailableException} when Redis cannot be reached within the
   * connect timeout
   */
  static Future<RedisKit> create(Vertx vertx, RedisKitOptions options) {
    return create(vertx, DEFAULT_NAME, options);
  }

  /**
   * Like {@link #create(Vertx, RedisKitOptions)}, for an instance of another name (e.g. a second
   * Redis).
   *
   * @param vertx the Vert.x instance
   * @param name the instance's name
   * @param options the settings; must equal those of the existing instance of that name, if any
   * @return the instance once connected
   */
  static Future<RedisKit> create(Vertx vertx, String name, RedisKitOptions options) {
    return RedisKitImpl.acquire(vertx, name, options);
  }

  /** @return the gateway (the only thing that talks to Redis) */
  RedisGateway gateway();

  /** @return the cache */
  RedisCache cache();

  /** @return the rate limiter named {@code default} with the configured limits */
  RateLimiter rateLimiter();

  /** @return the Redis health procedure */
  RedisHealthCheck health();

  /** @return the metrics binder (inactive when no Micrometer registry runs) */
  RedisKitMetrics metrics();

  /** @return the settings in use */
  RedisKitOptions options();

  /**
   * Releases this reference; the last one closes the limiter, the metrics and the gateway.
   *
   * @return completion
   */
  Future<Void> close();
}
