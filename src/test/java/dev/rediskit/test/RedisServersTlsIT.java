package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Checks the TLS shortcut of the extension. */
@IntegrationTest
class RedisServersTlsIT {

  @RegisterExtension
  static final RedisServers redis = RedisServers.standalone().tls();

  @Test
  void startsATlsServer(RedisServer server, TlsCertificates certificates) {
    assertThat(server.isTls()).isTrue();
    assertThat(redis.uri()).startsWith("rediss://localhost:");
    assertThat(server.tlsCertificates()).isSameAs(certificates);
    assertThat(server.command("PING")).isEqualTo("PONG");
  }
}
