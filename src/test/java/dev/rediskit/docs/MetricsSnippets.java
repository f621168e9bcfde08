package dev.rediskit.docs;

import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.web.RedisKitRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/**
 * The code of docs/METRICS.md, compiled, never run. MetricsDocTest renders the document with this
 * region as its Java block.
 */
abstract class MetricsSnippets extends SnippetContext {

  void setup() {
    // begin-snippet: metrics-setup
    Vertx vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true)));
    RedisKitMetrics metrics = RedisKitMetrics.create(vertx);
    metrics.bindGateway(gateway);                       // gateway and breaker meters
    metrics.bindHealth(healthCheck, options.getMetrics().getHealthProbeIntervalMs()); // rediskit_redis_up
    metrics.bindCache(cache);                           // every namespace, read from cache.stats(namespace)
    metrics.bindRateLimiter(limiter);                   // read from limiter.stats()
    RedisKitRoutes.create(healthCheck, options.getMetrics()).mount(router); // /health, /health/redis, /metrics
    // end-snippet
  }
}
