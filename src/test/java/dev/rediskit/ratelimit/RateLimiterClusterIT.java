package dev.rediskit.ratelimit;

import dev.rediskit.client.RedisGateway;
import dev.rediskit.ratelimit.Decision.Source;
import dev.rediskit.ratelimit.RateLimitOptions.FailurePolicy;
import dev.rediskit.test.Await;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisCluster;
import dev.rediskit.test.RedisServer;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.RedisTarget;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limiter's contract on the 3-master cluster: single-key decisions land on whichever master
 * owns the key, and a verifyAndLimit decision's keys share the endpoint's hash tag, so one script
 * still decides them all or nothing on one node. Plus the failure policy when a master dies.
 */
@IntegrationTest
class RateLimiterClusterIT extends RateLimiterContract {

  @RegisterExtension
  static final RedisServers redis = RedisServers.cluster();

  @Override
  RedisTarget target() {
    return RedisTarget.cluster(redis.redisCluster());
  }

  @Test
  void aKilledMasterIsAnsweredByThePolicyAndRedisDecidesAgainOnceItIsBack(Vertx vertx) {
    RedisCluster cluster = redis.redisCluster();
    RedisGateway gateway = RedisGateway.create(vertx, target().options().setCommandTimeoutMs(1_000)
      .setConnectTimeoutMs(500).setReconnectMaxDelayMs(200).setBreakerMaxFailures(3).setBreakerResetTimeoutMs(300));
    try {
      await(gateway.ready());
      long timeoutMs = 200;
      RateLimiter limiter = RateLimiter.create(vertx, gateway, "cluster-failure", new RateLimitOptions()
        .setTimeoutMs(timeoutMs).setFailurePolicy(FailurePolicy.FAIL_CLOSED).setDenyCacheSize(0));
      String key = "down";
      assertThat(await(limiter.check(key, 5, Duration.ofHours(1))).source()).isEqualTo(Source.REDIS);
      RedisServer owner = target().nodeFor("rediskit:rl:g:k:" + key);
      int index = cluster.nodes().indexOf(owner);

      cluster.killNode(index);
      long start = System.nanoTime();
      Decision d = await(limiter.check(key, 5, Duration.ofHours(1)));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(d.source()).isEqualTo(Source.FALLBACK);
      assertThat(d.allowed()).isFalse();
      // Within the limiter's timeout; the slack is for a shared two-core machine.
      assertThat(tookMs).isLessThanOrEqualTo(timeoutMs + 750);
      assertThat(limiter.stats().switchesToFallback()).isEqualTo(1);

      cluster.restartNode(index);
      Await.until(() -> await(limiter.check(key, 5, Duration.ofHours(1))).source() == Source.REDIS,
        Duration.ofSeconds(AWAIT_SECONDS), () -> "Redis decisions to resume; gateway " + gateway.status().toJson().encode());
      assertThat(limiter.stats().switchesToRedis()).isEqualTo(1);
    } finally {
      await(gateway.close());
    }
  }
}
