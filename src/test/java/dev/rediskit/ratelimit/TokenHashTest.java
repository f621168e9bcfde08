package dev.rediskit.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenHashTest {

  @Test
  void shortUrlSafeAndStable() {
    String h = TokenHash.of("my-secret-api-token");
    assertThat(h).hasSize(TokenHash.LENGTH).matches("[A-Za-z0-9_-]+");
    assertThat(TokenHash.of("my-secret-api-token")).isEqualTo(h);
    assertThat(h).doesNotContain("secret");
  }

  @Test
  void theFirst128BitsOfSha256() {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223 b00361a396177a9cb410ff61f20015ad
    assertThat(TokenHash.of("abc")).isEqualTo("ungWv48Bz-pBQUDeXa4iIw");
  }

  @Test
  void differentTokensDifferentHashes() {
    assertThat(TokenHash.of("token-1")).isNotEqualTo(TokenHash.of("token-2"));
    assertThat(TokenHash.of("")).hasSize(TokenHash.LENGTH);
  }
}
