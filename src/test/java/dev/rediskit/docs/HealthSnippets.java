package dev.rediskit.docs;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.eventbus.HealthClient;
import dev.rediskit.eventbus.HealthConsumer;
import dev.rediskit.health.RedisHealthCheck;
import dev.rediskit.web.RedisKitRoutes;
import io.vertx.ext.healthchecks.HealthChecks;

/** The code of docs/HEALTH.md (and of the Javadoc example of RedisKitRoutes), compiled, never run. */
abstract class HealthSnippets extends SnippetContext {

  void health() {
    // begin-snippet: health-setup
    RedisGateway gateway = RedisGateway.create(vertx, options);
    RedisHealthCheck health = RedisHealthCheck.create(vertx, gateway);      // options.getHealth()

    health.register(myHealthChecks);                 // into your registry, as "redis"
    HealthChecks checks = health.healthChecks();      // or a ready-made registry holding it

    HealthConsumer.register(vertx.eventBus(), health, options.getAddressPrefix());  // <prefix>health.redis

    RedisKitRoutes.create(health, options.getMetrics()) // paths from options.getHealth() and getMetrics()
      .healthChecks(myHealthChecks)                   // optional: the aggregate; default holds Redis alone
      .guard(rateLimitHandler)                        // optional: runs before both health routes
      .mount(router);                                 // /health, /health/redis, /metrics
    // end-snippet
  }

  void healthClient() {
    // begin-snippet: health-client
    HealthClient client = HealthClient.create(vertx, options.getAddressPrefix());   // from any verticle, any node
    client.redis().onSuccess(h -> {
      if (!h.up()) {
        log.warn("Redis is down: {}", h.reasons());    // an answer, not a failure
      } else if (h.degraded()) {
        log.info("Redis {} is degraded: {}", h.serverVersion(), h.reasons());
      }
    });
    // end-snippet
  }

  /** The class Javadoc example of {@link RedisKitRoutes}. */
  void routesJavadoc() {
    // begin-snippet: javadoc-redis-kit-routes
    RedisKitRoutes.create(healthCheck, options.getMetrics())
      .guard(rateLimitHandler)            // optional
      .mount(router);
    // end-snippet
  }
}
