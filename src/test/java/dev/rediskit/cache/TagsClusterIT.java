package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tags on the 3-master cluster. */
@IntegrationTest
class TagsClusterIT extends AbstractTagsTest {

  @RegisterExtension
  static final RedisServers redis = RedisServers.cluster();

  @Override
  RedisKitOptions baseOptions() {
    return new RedisKitOptions().setType(RedisClientType.CLUSTER).setEndpoints(redis.endpoints());
  }
}
