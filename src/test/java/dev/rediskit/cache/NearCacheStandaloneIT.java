package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.RedisTarget;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The near cache on one standalone server. */
@IntegrationTest
class NearCacheStandaloneIT extends AbstractNearCacheTest {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Override
  RedisKitOptions baseOptions() {
    return new RedisKitOptions().setEndpoint(redis.uri());
  }

  @Override
  RedisTarget redis() {
    return RedisTarget.standalone(redis.server());
  }
}
