package dev.rediskit.ratelimit;

import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limiter's contract on the 3-master cluster: single-key decisions land on whichever master
 * owns the key, and a verifyAndLimit decision's keys share the endpoint's hash tag, so one script
 * still decides them all or nothing on one node.
 */
@IntegrationTest
class RateLimiterClusterIT extends RateLimiterContract {

  @RegisterExtension
  static final RedisServers redis = RedisServers.cluster();

  @Override
  RedisTarget target() {
    return RedisTarget.cluster(redis.redisCluster());
  }
}
