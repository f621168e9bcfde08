package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tags on one standalone server. */
@IntegrationTest
class TagsStandaloneIT extends AbstractTagsTest {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Override
  RedisKitOptions baseOptions() {
    return new RedisKitOptions().setEndpoint(redis.uri());
  }
}
