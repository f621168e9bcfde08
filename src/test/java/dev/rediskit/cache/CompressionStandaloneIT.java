package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Compression on one standalone server. */
@IntegrationTest
class CompressionStandaloneIT extends AbstractCompressionTest {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone();

  @Override
  RedisKitOptions baseOptions() {
    return new RedisKitOptions().setEndpoint(redis.uri());
  }
}
