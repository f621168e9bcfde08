package dev.rediskit;

import dev.rediskit.eventbus.CacheConsumers;
import dev.rediskit.eventbus.HealthConsumer;
import dev.rediskit.eventbus.RateLimitConsumers;
import dev.rediskit.impl.Components;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import dev.rediskit.ratelimit.RateLimitOptions;
import dev.rediskit.ratelimit.RateLimiter;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deploys the module behind the event bus: creates a gateway on this verticle's event loop, the
 * cache, the rate limiter and the health check on it, and registers every consumer
 * ({@code cache.*}, {@code ratelimit.*}, {@code health.redis}, with the configured address prefix).
 * Undeploying unregisters them and closes the Redis connections.
 *
 * <pre>{@code
 * vertx.deployVerticle(RedisKitVerticle.class, new DeploymentOptions()
 *   .setConfig(new JsonObject().put("endpoints", "redis://localhost:6379"))
 *   .setInstances(2));   // one gateway, one pipelined connection, per event loop
 * }</pre>
 *
 * <p>The config is the JSON form of {@link RedisKitOptions}, with the same sources applied on top
 * as every entry point ({@link RedisKitConfig}: the config file below it, then {@code REDIS_URL},
 * {@code REDISKIT_*} and {@code -Drediskit.*} above it), so an empty config with {@code REDIS_URL}
 * set connects to that server. An invalid result fails the deployment with every problem listed, and an unreachable Redis fails it after the connect timeout, leaving
 * nothing half-deployed. Several instances spread the consumers over event loops: the event bus
 * round-robins requests among them.
 *
 * <p>The limiter learns the plan of a token ({@code rateLimit.planLimits}) from the event-bus address
 * {@code rateLimit.planAddress}; with plan limits but no plan address it logs a warning at start, as
 * the plan limits then never apply.
 */
public class RedisKitVerticle extends VerticleBase {

  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  /** The deployments already warned about, so that one of several instances says it once. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private Components components;
  private CacheConsumers cacheConsumers;
  private RateLimitConsumers rateLimitConsumers;
  private MessageConsumer<Object> healthConsumer;

  @Override
  public Future<?> start() {
    // Meters are tagged per gateway; instances of this verticle each own one.
    String metricsName = "verticle-" + INSTANCES.incrementAndGet();
    return RedisKitConfig.resolve(vertx, config(), "deployment config")
      .compose(options -> start(options, metricsName))
      .recover(err -> stop().transform(v -> Future.failedFuture(err)));
  }

  private Future<?> start(RedisKitOptions options, String metricsName) {
    String prefix = options.getAddressPrefix();
    warnOfUnusedPlans(options);
    return Components.start(vertx, options, metricsName)
      .compose(c -> {
        components = c;
        return CacheConsumers.register(vertx.eventBus(), prefix, c.cache());
      })
      .compose(cc -> {
        cacheConsumers = cc;
        return RateLimitConsumers.register(vertx, components.rateLimiter(), prefix);
      })
      .compose(rc -> {
        rateLimitConsumers = rc;
        healthConsumer = HealthConsumer.register(vertx.eventBus(), components.health(), prefix);
        return healthConsumer.completion();
      });
  }

  /**
   * Nobody can hand this verticle's limiter a resolver in Java, so plan limits without a plan
   * address would never apply: say so rather than ignore them.
   */
  private void warnOfUnusedPlans(RedisKitOptions options) {
    RateLimitOptions rl = options.getRateLimit();
    if (rl.getPlanLimits().isEmpty() || !rl.getPlanAddress().isEmpty()) {
      return;
    }
    String deployment = context.deploymentID();
    if (deployment == null || WARNED.add(deployment)) {
      LOG.warn("rateLimit.planLimits names the plans {} but rateLimit.planAddress is not set: RedisKitVerticle's limiter "
        + "has no way to learn a token's plan, so every token gets the ordinary per-token limits; set "
        + "rateLimit.planAddress to the event-bus address that answers {token} with {plan}", rl.getPlanLimits().keySet());
    }
  }

  @Override
  public Future<?> stop() {
    if (context != null && context.deploymentID() != null) {
      WARNED.remove(context.deploymentID());
    }
    Future<Void> unregistered = Future.all(
      cacheConsumers == null ? Future.succeededFuture() : cacheConsumers.unregister(),
      rateLimitConsumers == null ? Future.succeededFuture() : rateLimitConsumers.unregister(),
      healthConsumer == null ? Future.succeededFuture() : healthConsumer.unregister()).mapEmpty();
    return unregistered.eventually(() -> components == null ? Future.succeededFuture() : components.close());
  }
}
