package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.RedisTarget;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The near cache on the 3-master cluster: one tracking connection per master. */
@IntegrationTest
class NearCacheClusterIT extends AbstractNearCacheTest {

  @RegisterExtension
  static final RedisServers redis = RedisServers.cluster();

  @Override
  RedisKitOptions baseOptions() {
    return new RedisKitOptions().setType(RedisClientType.CLUSTER).setEndpoints(redis.endpoints());
  }

  @Override
  RedisTarget redis() {
    return RedisTarget.cluster(redis.redisCluster());
  }
}
