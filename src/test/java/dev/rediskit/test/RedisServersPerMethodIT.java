package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Checks that an extension in an instance field gives each test its own server and stops it afterwards. */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisServersPerMethodIT {

  @RegisterExtension
  final RedisServers redis = RedisServers.standalone();

  private static long firstPid;

  @Test
  @Order(1)
  void firstTestGetsAServer(RedisServer server) {
    assertThat(server).isSameAs(redis.server());
    firstPid = server.pid();
    server.command("SET", "k", "v");
  }

  @Test
  @Order(2)
  void secondTestGetsAnotherAndTheFirstIsGone(RedisServer server) {
    assertThat(server.pid()).isNotEqualTo(firstPid);
    assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    assertThat(server.command("DBSIZE")).isEqualTo(0L);
  }
}
