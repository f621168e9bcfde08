package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sliding expiry on one standalone server. */
@IntegrationTest
class SlidingExpiryStandaloneIT extends AbstractSlidingExpiryTest {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Override
  RedisKitOptions baseOptions() {
    return new RedisKitOptions().setEndpoint(redis.uri());
  }
}
