package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Checks the declarative form: parameters resolved with a default server shared by the class. */
@IntegrationTest
@ExtendWith(RedisServers.class)
class RedisServersOnDemandIT {

  private static RedisServer fromBeforeAll;

  @BeforeAll
  static void remember(RedisServer server) {
    fromBeforeAll = server;
  }

  @Test
  void sharesOneServerPerClass(RedisServer server) {
    assertThat(server).isSameAs(fromBeforeAll);
    assertThat(server.command("PING")).isEqualTo("PONG");
    server.command("SET", "k", "v");
  }

  @Test
  void flushesBeforeEachTest(RedisServer server) {
    assertThat(server).isSameAs(fromBeforeAll);
    assertThat(server.command("DBSIZE")).isEqualTo(0L);
  }

  @Test
  void resolvesCertificates(TlsCertificates certificates) {
    assertThat(certificates.caCert()).exists();
  }
}
