package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Checks that a redis-server can be found, including the fallback shipped in the embedded-redis jar. */
@IntegrationTest
class RedisBinaryIT {

  @Test
  void findsAServerAndReadsItsVersion() {
    RedisBinary binary = RedisBinary.get();
    assertThat(binary.executable()).isExecutable();
    assertThat(binary.version()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(binary.majorVersion()).isGreaterThanOrEqualTo(6);
    assertThat(binary.isAtLeast(binary.majorVersion(), 0)).isTrue();
    assertThat(binary.isAtLeast(binary.majorVersion() + 1, 0)).isFalse();
  }

  @Test
  void extractsTheEmbeddedFallbackAndRunsIt() {
    RedisBinary embedded = RedisBinary.embedded();
    assertThat(embedded.isEmbedded()).isTrue();
    assertThat(embedded.executable()).isExecutable();
    assertThat(embedded.executable().getFileName().toString()).startsWith("redis-server-");
    assertThat(embedded.version()).startsWith("6.");
    assertThat(RedisBinary.embedded()).as("extracted once per JVM").isSameAs(embedded);

    // Starting it is cheap and proves the generated config suits the older server too.
    try (RedisServer redis = RedisServer.builder().binary(embedded).password("pw").aclUser("u", "p").start()) {
      assertThat(redis.command("PING")).isEqualTo("PONG");
      assertThat(redis.info("server").get("redis_version")).isEqualTo(embedded.version());
    }
  }

  @Test
  void pathLookupFindsOnlyExecutables() throws Exception {
    assertThat(RedisBinary.findOnPath("no-such-binary-" + System.nanoTime())).isEmpty();
    RedisBinary.onPath().ifPresent(b -> assertThat(Files.isExecutable(b.executable())).isTrue());
  }
}
