package dev.rediskit.cache;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.client.KeySlots;
import dev.rediskit.test.IntegrationTest;
import dev.rediskit.test.RedisServers;
import dev.rediskit.test.RedisTarget;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache on the 3-master cluster: everything of the standalone suite, plus slot checks. */
@IntegrationTest
class RedisCacheClusterIT extends AbstractRedisCacheTest {

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

  @Test
  void slotsAgreeWithTheServer() {
    for (String key : List.of("foo", "t:users:42", "{tag}x", "a{}b{c}", "x{{y}}", "é:ü", "{}", "user*[1]")) {
      assertThat((long) KeySlots.slot(key)).as(key).isEqualTo(redis.redisCluster().node(0).command("CLUSTER", "KEYSLOT", key));
    }
  }
}
