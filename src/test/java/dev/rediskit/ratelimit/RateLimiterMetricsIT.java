package dev.rediskit.ratelimit;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.RedisGateway;
import dev.rediskit.metrics.MeterNames;
import dev.rediskit.metrics.RedisKitMetrics;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.rediskit.ratelimit.RateLimiterContract.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The limiter's counters bound to the metrics layer, as docs/RATE_LIMITING.md shows it. */
@IntegrationTest
class RateLimiterMetricsIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Test
  void statsBindToTheDocumentedMeters(Vertx vertx) {
    RedisGateway gateway = RedisGateway.create(vertx, new RedisKitOptions().setEndpoint(redis.server().uri()));
    try {
      await(gateway.ready());
      RateLimiter limiter = RateLimiter.create(vertx, gateway, "api", new RateLimitOptions());
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      RedisKitMetrics metrics = RedisKitMetrics.create(vertx, registry);

      metrics.bindRateLimiter(limiter);

      await(limiter.check("m", 1, Duration.ofHours(1)));
      await(limiter.check("m", 1, Duration.ofHours(1)));
      await(limiter.check("m", 1, Duration.ofHours(1)));

      assertThat(count(registry, MeterNames.RATELIMIT_DECISIONS, "allowed")).isEqualTo(1);
      assertThat(count(registry, MeterNames.RATELIMIT_DECISIONS, "rejected")).isEqualTo(2);
      assertThat(registry.get(MeterNames.RATELIMIT_DENY_CACHE_HITS).tag("limiter", "api").functionCounter().count())
        .isEqualTo(1);
      assertThat(registry.get(MeterNames.RATELIMIT_POLICY_SWITCHES).tag("limiter", "api").functionCounter().count())
        .isZero();
    } finally {
      await(gateway.close());
    }
  }

  private static double count(SimpleMeterRegistry registry, String name, String outcome) {
    FunctionCounter c = registry.get(name).tag("limiter", "api").tag("outcome", outcome).functionCounter();
    return c.count();
  }
}
