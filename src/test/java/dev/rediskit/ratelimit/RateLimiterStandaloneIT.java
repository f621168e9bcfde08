package dev.rediskit.ratelimit;

import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.RedisTarget;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The limiter's contract on a single Redis server. */
@IntegrationTest
class RateLimiterStandaloneIT extends RateLimiterContract {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Override
  RedisTarget target() {
    return RedisTarget.standalone(redis.server());
  }
}
